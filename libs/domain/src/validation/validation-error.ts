import type { ErrorCode } from '../decider/error-codes';
import type { ValidationIssue } from './validation-issue';

const ISSUES_IN_MESSAGE = 5;

/**
 * Thrown (or returned) when input is refused; carries every issue, each with its JSON path. Its `code` is
 * INVALID_INPUT unless the refusal has a meaning of its own (INVALID_APPROVAL_TOKEN).
 */
export class ValidationError extends Error {
  readonly issues: readonly ValidationIssue[];

  constructor(
    issues: readonly ValidationIssue[],
    summary = 'The input is not valid',
    readonly code: ErrorCode = 'INVALID_INPUT',
  ) {
    super(formatMessage(summary, issues));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

function formatMessage(summary: string, issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, ISSUES_IN_MESSAGE).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length - shown.length;
  const tail = more > 0 ? [`… and ${more} more issue${more === 1 ? '' : 's'}`] : [];
  const count = `${issues.length} issue${issues.length === 1 ? '' : 's'}`;
  return [`${summary} (${count}):`, ...shown.map((line) => `  - ${line}`), ...tail].join('\n');
}
