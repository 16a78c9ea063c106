/** `arn:aws:codepipeline:eu-west-1:111122223333:name` → `eu-west-1`. */
export function regionOfArn(arn: string | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return region ? region : undefined;
}
