import { describeCharacter, IssueCollector, quote } from '@sluice/domain';

/**
 * User, role, group and inline policy names: IAM's characters (`[A-Za-z0-9+=,.@_-]`, 1–128). A user's or
 * role's name is its principal id, so it must fit `srn:sluice:{account}:principal/{id}` unescaped.
 */
const NAME_CHARACTER = /^[A-Za-z0-9+=,.@_-]$/u;
export const NAME_MAX_LENGTH = 128;

export function checkName(value: unknown, label: string, path: string, issues: IssueCollector): value is string {
  if (typeof value !== 'string') {
    issues.add(path, 'invalid_type', `${label} must be a string.`);
    return false;
  }
  const characters = [...value];
  if (characters.length === 0 || characters.length > NAME_MAX_LENGTH) {
    issues.add(path, 'invalid_length', `${label} ${quote(value)} must have 1 to ${NAME_MAX_LENGTH} characters.`);
    return false;
  }
  const bad = characters.find((character) => !NAME_CHARACTER.test(character));
  if (bad !== undefined) {
    issues.add(path, 'invalid_character', `${label} ${quote(value)} contains ${describeCharacter(bad)}; use letters, digits and + = , . @ _ -.`);
    return false;
  }
  return true;
}
