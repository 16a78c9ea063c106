/**
 * What went wrong, by kind: each kind has its own exit code, so scripts can tell a typo from a missing
 * pipeline from a refusal. Messages are for people; no stack trace is ever printed.
 */
export const EXIT_CODES = {
  /** A local error: an unknown option, a malformed value, a file that cannot be read; or the service refused the input. */
  'bad-input': 2,
  'not-found': 3,
  conflict: 4,
  /** Not signed in, a token refused, or a policy denies the call. */
  denied: 5,
  /** No answer from the endpoint. */
  unreachable: 6,
  /** `wait`, `logs --follow`, `execute`: the execution ended Failed. */
  'execution-failed': 7,
  /** `wait`, `logs --follow`, `execute`: the execution was stopped. */
  'execution-stopped': 8,
  /** `wait`, `logs --follow`, `execute`: a newer execution superseded it. */
  'execution-superseded': 9,
  /** Anything else the service answered with an error. */
  failed: 1,
} as const;

export type CliErrorKind = keyof typeof EXIT_CODES;

export class CliError extends Error {
  constructor(
    readonly kind: CliErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export const badInput = (message: string): CliError => new CliError('bad-input', message);
