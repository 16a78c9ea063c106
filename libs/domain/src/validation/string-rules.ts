import { describeCharacter, quote } from './describe-value';
import type { IssueCollector } from './issue-collector';

/** A CodePipeline-style string constraint: allowed characters and a length range counted in characters. */
export interface StringRule {
  /** What the value is, for messages: "Stage name", "Namespace". */
  label: string;
  minLength: number;
  maxLength: number;
  /** Allowed characters; undefined = any. */
  allowedCharacter?: RegExp;
  /** Wording of the allowed characters, for messages. */
  allowedDescription?: string;
}

const MAX_CHARACTERS_REPORTED = 3;

/** Checks length and characters; reports at most one length issue and one character issue. */
export function checkString(value: string, rule: StringRule, path: string, issues: IssueCollector): boolean {
  const before = issues.count;
  // Lengths are in code points so an emoji counts as one character, like a person counts it.
  const characters = [...value];
  if (characters.length < rule.minLength) {
    issues.add(
      path,
      'too_short',
      characters.length === 0
        ? `${rule.label} must not be empty.`
        : `${rule.label} ${quote(value)} is ${characters.length} characters long; the minimum is ${rule.minLength}.`,
    );
  } else if (characters.length > rule.maxLength) {
    issues.add(
      path,
      'too_long',
      `${rule.label} ${quote(value)} is ${characters.length} characters long; the maximum is ${rule.maxLength}.`,
    );
  }
  if (rule.allowedCharacter) {
    const pattern = rule.allowedCharacter;
    const offending = [...new Set(characters.filter((character) => !pattern.test(character)))];
    if (offending.length > 0) {
      const named = offending.slice(0, MAX_CHARACTERS_REPORTED).map(describeCharacter);
      const more = offending.length - named.length;
      const list = more > 0 ? `${named.join(', ')} and ${more} more` : joinWithAnd(named);
      issues.add(
        path,
        'invalid_characters',
        `${rule.label} ${quote(value)} contains ${list}, which ${offending.length === 1 ? 'is' : 'are'} not allowed` +
          (rule.allowedDescription ? `; use only ${rule.allowedDescription}.` : '.'),
      );
    }
  }
  return issues.count === before;
}

function joinWithAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
