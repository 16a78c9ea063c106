import { describeCharacter, quote } from '../validation/describe-value';

/**
 * Account ids are DNS-label-like (`[a-z0-9-]`, 1–63, no leading or trailing "-"), so they sit unescaped
 * in resource names, stream names and URLs, and contain neither ":" "/" nor ".", the separators there.
 */
export const ACCOUNT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const ACCOUNT_ID_MAX_LENGTH = 63;

export function isValidAccountId(value: string): boolean {
  return ACCOUNT_ID_PATTERN.test(value);
}

/** Why an account id is refused, as a sentence; undefined when it is valid. */
export function accountIdProblem(value: string): string | undefined {
  if (isValidAccountId(value)) return undefined;
  if (value.length === 0) return 'An account id must not be empty.';
  if ([...value].length > ACCOUNT_ID_MAX_LENGTH) return `The account id ${quote(value)} is longer than ${ACCOUNT_ID_MAX_LENGTH} characters.`;
  const bad = [...value].find((character) => !/^[a-z0-9-]$/.test(character));
  if (bad !== undefined) return `The account id ${quote(value)} contains ${describeCharacter(bad)}; use lowercase letters, digits and "-".`;
  return `The account id ${quote(value)} must not start or end with "-".`;
}
