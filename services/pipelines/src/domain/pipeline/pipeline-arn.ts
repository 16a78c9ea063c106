import { formatResourceName, parseResourceName, ValidationError } from '@sluice/domain';

/** A pipeline's resource name, as in DESIGN.md's policies: `srn:sluice:{account}:{pipeline}`. */
export function pipelineArn(account: string, name: string): string {
  return formatResourceName({ account, pipeline: name });
}

/** The pipeline an ARN names; a ValidationError at `path` for anything else (also a stage or action ARN). */
export function parsePipelineArn(arn: string, path: string): { account: string; name: string } {
  const parsed = parseResourceName(arn);
  const problem = !parsed.ok
    ? parsed.problem
    : parsed.name.stage !== undefined
      ? `'${arn}' names a stage or an action; tags belong to pipelines (srn:sluice:{account}:{pipeline}).`
      : undefined;
  if (problem !== undefined || !parsed.ok) {
    throw new ValidationError([{ path, code: 'invalid_resource_arn', message: problem ?? arn }], 'The resource name is not valid');
  }
  return { account: parsed.name.account, name: parsed.name.pipeline };
}
