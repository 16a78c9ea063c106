/**
 * Values the translation invents where the other side has nothing to offer. Each is recognisable,
 * fails loudly if used as it is, and is read back by the reverse translation.
 */

const LAMBDA_URL_PREFIX = 'https://lambda.invalid/functions/';

/** `.invalid` never resolves (RFC 2606): the action fails until someone gives it a real endpoint. */
export function lambdaPlaceholderUrl(functionName: string): string {
  return `${LAMBDA_URL_PREFIX}${encodeURIComponent(functionName)}`;
}

export function functionNameOfPlaceholderUrl(url: string): string | undefined {
  return url.startsWith(LAMBDA_URL_PREFIX) ? decodeURIComponent(url.slice(LAMBDA_URL_PREFIX.length)) : undefined;
}

export function codeBuildPlaceholderCommand(projectName: string): string {
  return `echo "CodeBuild project ${projectName} was not imported: add its commands" && exit 1`;
}

const PLACEHOLDER_COMMAND = /^echo "CodeBuild project ([A-Za-z0-9][A-Za-z0-9_-]*) was not imported: add its commands" && exit 1$/;

export function projectNameOfPlaceholderCommands(commands: readonly string[]): string | undefined {
  return commands.length === 1 ? PLACEHOLDER_COMMAND.exec(commands[0]!)?.[1] : undefined;
}

export const CONNECTION_ARN_PLACEHOLDER =
  'arn:aws:codeconnections:us-east-1:000000000000:connection/replace-with-your-connection-id';

export const ROLE_ARN_PLACEHOLDER = 'arn:aws:iam::000000000000:role/replace-with-your-codepipeline-service-role';

export const ARTIFACT_BUCKET_PLACEHOLDER = 'replace-with-your-codepipeline-artifact-bucket';

/** What AWS prints instead of a secret configuration value. */
export const MASKED_SECRET = '****';
