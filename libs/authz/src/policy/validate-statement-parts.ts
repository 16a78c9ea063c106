import { checkString, childPath, type IssueCollector, type JsonObject, quote, readOneOf } from '@sluice/domain';
import { EFFECTS } from './policy-document';
import { POLICY_LIMITS } from './policy-limits';

/** The parts identity and trust policy statements share. */
export function checkEffect(statement: JsonObject, path: string, issues: IssueCollector): void {
  if (statement.Effect !== undefined) readOneOf(statement.Effect, EFFECTS, 'Effect', childPath(path, 'Effect'), issues);
}

export function checkSid(statement: JsonObject, path: string, issues: IssueCollector, seen: Map<string, string>): void {
  const sid = statement.Sid;
  if (sid === undefined) return;
  const sidPath = childPath(path, 'Sid');
  if (typeof sid !== 'string') {
    issues.add(sidPath, 'wrong_type', 'Sid must be a string.');
    return;
  }
  checkString(
    sid,
    { label: 'Sid', minLength: 1, maxLength: POLICY_LIMITS.sidMaxLength, allowedCharacter: POLICY_LIMITS.sidPattern, allowedDescription: 'letters A-Z and a-z and digits' },
    sidPath,
    issues,
  );
  const earlier = seen.get(sid);
  if (earlier !== undefined) issues.add(sidPath, 'duplicate_sid', `The Sid ${quote(sid)} is already used at ${earlier}; a decision cites statements by Sid, so each must be unique.`);
  else seen.set(sid, sidPath);
}

/** Exactly one of two mutually exclusive fields (Action/NotAction, Resource/NotResource). */
export function checkOneOf(statement: JsonObject, field: string, negated: string, path: string, issues: IssueCollector): 'field' | 'negated' | undefined {
  const hasField = statement[field] !== undefined;
  const hasNegated = statement[negated] !== undefined;
  if (hasField && hasNegated) {
    issues.add(childPath(path, negated), 'conflicting_fields', `A statement has either ${field} or ${negated}, not both.`);
    return undefined;
  }
  if (!hasField && !hasNegated) {
    issues.add(childPath(path, field), 'missing_field', `A statement needs ${field} (or ${negated}).`);
    return undefined;
  }
  return hasField ? 'field' : 'negated';
}
