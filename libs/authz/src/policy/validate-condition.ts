import { childPath, closestMatch, type IssueCollector, indexPath, isJsonObject, listValues, quote } from '@sluice/domain';
import { parseCidr } from '../matching/ip-address';
import { parseIsoDate } from '../matching/iso-date';
import { CONDITION_KEY_NAMES, CONDITION_KEYS, findConditionKey } from './condition-keys';
import { CONDITION_OPERATORS, type ConditionValueType, isConditionOperator, operatorSemantics } from './condition-operators';
import { POLICY_LIMITS } from './policy-limits';

/** Checks a statement's `Condition`: known operators, known keys of the operator's type, well-formed values. */
export function checkCondition(value: unknown, path: string, issues: IssueCollector): void {
  if (!isJsonObject(value)) {
    issues.add(path, 'wrong_type', 'Condition must be an object of operators, e.g. { "StringEquals": { "sluice:SourceBranch": "main" } }.');
    return;
  }
  for (const [operator, keys] of Object.entries(value)) {
    const operatorPath = childPath(path, operator);
    if (!isConditionOperator(operator)) {
      issues.add(operatorPath, 'unknown_condition_operator', unknownOperatorMessage(operator));
      continue;
    }
    if (!isJsonObject(keys) || Object.keys(keys).length === 0) {
      issues.add(operatorPath, 'wrong_type', `The ${operator} condition must be a non-empty object of condition keys and values.`);
      continue;
    }
    const { valueType } = operatorSemantics(operator);
    for (const [keyName, values] of Object.entries(keys)) {
      const keyPath = childPath(operatorPath, keyName);
      const key = findConditionKey(keyName);
      if (!key) {
        const suggestion = suggestKey(keyName);
        issues.add(
          keyPath,
          'unknown_condition_key',
          `${quote(keyName)} is not a Sluice condition key.` + (suggestion ? ` Did you mean ${quote(suggestion)}?` : ` Known keys: ${listValues(CONDITION_KEY_NAMES)}.`),
        );
        continue;
      }
      if (CONDITION_KEYS[key] !== valueType) {
        issues.add(keyPath, 'operator_not_for_key', `${key} holds ${describeType(CONDITION_KEYS[key])}, which ${operator} does not compare; use ${listValues(operatorsFor(CONDITION_KEYS[key]))}.`);
        continue;
      }
      checkValues(values, key, valueType, keyPath, issues);
    }
  }
}

function checkValues(values: unknown, key: string, type: ConditionValueType, path: string, issues: IssueCollector): void {
  if (typeof values === 'string') {
    checkValue(values, key, type, path, issues);
    return;
  }
  if (!Array.isArray(values) || values.length === 0) {
    issues.add(path, 'wrong_type', `The value of ${key} must be a string or a non-empty array of strings.`);
    return;
  }
  if (values.length > POLICY_LIMITS.maxValuesPerConditionKey) {
    issues.add(path, 'too_many_items', `${key} lists ${values.length} values; at most ${POLICY_LIMITS.maxValuesPerConditionKey} are allowed.`);
  }
  values.forEach((item, index) => {
    if (typeof item === 'string') checkValue(item, key, type, indexPath(path, index), issues);
    else issues.add(indexPath(path, index), 'wrong_type', `Each value of ${key} must be a string.`);
  });
}

function checkValue(value: string, key: string, type: ConditionValueType, path: string, issues: IssueCollector): void {
  switch (type) {
    case 'string':
      return;
    case 'date':
      if (parseIsoDate(value) === undefined) {
        issues.add(path, 'invalid_date', `${quote(value)} is not a date for ${key}; write ISO 8601 with a zone, e.g. "2026-07-01T00:00:00Z".`);
      }
      return;
    case 'ip':
      if (parseCidr(value) === undefined) {
        issues.add(path, 'invalid_cidr', `${quote(value)} is not an IP address or CIDR range for ${key}; e.g. "203.0.113.0/24" or "2001:db8::/32".`);
      }
      return;
  }
}

/** A typo, or an AWS key (`aws:SourceIp`) whose Sluice twin exists. */
function suggestKey(keyName: string): string | undefined {
  const colon = keyName.indexOf(':');
  const twin = colon >= 0 ? findConditionKey(`sluice:${keyName.slice(colon + 1)}`) : undefined;
  return twin ?? closestMatch(keyName, CONDITION_KEY_NAMES);
}

function unknownOperatorMessage(operator: string): string {
  const base = operator.replace(/^For(All|Any)Values?:/i, '').replace(/IfExists$/, '');
  if (base !== operator && isConditionOperator(base)) {
    return `The condition operator ${quote(operator)} is not supported: Sluice has no ...IfExists or ForAllValues/ForAnyValue forms; use ${quote(base)}.`;
  }
  const suggestion = closestMatch(operator, CONDITION_OPERATORS);
  return `${quote(operator)} is not a condition operator.` + (suggestion ? ` Did you mean ${quote(suggestion)}?` : ` Known operators: ${listValues(CONDITION_OPERATORS)}.`);
}

function operatorsFor(type: ConditionValueType): string[] {
  return CONDITION_OPERATORS.filter((operator) => operatorSemantics(operator).valueType === type);
}

function describeType(type: ConditionValueType): string {
  switch (type) {
    case 'string':
      return 'a string';
    case 'date':
      return 'a date';
    case 'ip':
      return 'an IP address';
  }
}
