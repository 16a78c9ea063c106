/**
 * Errors as CodePipeline's AWS JSON 1.1 protocol answers them: `{"__type": "<Name>", "message": "…"}` with
 * `x-amzn-ErrorType`, which the AWS SDKs turn into typed exceptions (`PipelineNotFoundException`, …) and the CLI prints
 * as `An error occurred (<Name>) when calling the <Operation> operation: <message>`.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    /** The `__type`, e.g. `ValidationException`. */
    readonly type: string,
    message: string,
    /** AWS answers client errors with 400; authentication failures with 403; an oversize body with 413. */
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Authentication errors (`MissingAuthenticationTokenException`, `InvalidSignatureException`, `UnrecognizedClientException`) are 403; a malformed signature 400. */
export const authenticationStatus = (type: string): number => (type === 'IncompleteSignatureException' ? 400 : 403);

/** One constraint a request member failed, in AWS's validation wording. */
export interface AwsValidationIssue {
  /** Dotted member path as AWS names it: `pipeline.stages.1.name`. */
  path: string;
  value: unknown;
  constraint: string;
}

/** `1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1` */
export function validationException(issues: readonly AwsValidationIssue[]): AwsError {
  const described = issues.map(({ path, value, constraint }) => `Value ${value === null || value === undefined ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`} at '${path}' failed to satisfy constraint: ${constraint}`);
  return new AwsError('ValidationException', `${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${described.join('; ')}`);
}
