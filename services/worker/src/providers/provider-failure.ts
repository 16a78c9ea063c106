/**
 * Why a job failed. The first three map to CodePipeline's `FailureDetails.type`; `TimedOut` and
 * `Stopped` are told apart so the job loop can word the failure (or skip reporting a stopped job).
 */
export const PROVIDER_FAILURE_KINDS = ['JobFailed', 'ConfigurationError', 'RevisionUnavailable', 'TimedOut', 'Stopped'] as const;
export type ProviderFailureKind = (typeof PROVIDER_FAILURE_KINDS)[number];

export class ProviderFailure extends Error {
  override readonly name = 'ProviderFailure';

  constructor(
    message: string,
    readonly kind: ProviderFailureKind,
  ) {
    super(message);
  }
}
