/**
 * The condition operators Sluice evaluates, IAM's names and semantics. Each negated operator is the
 * negation of its positive twin, which gives IAM's rules for free: several values are NOR-ed, and a
 * key missing from the request makes the condition true.
 */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'DateLessThan',
  'DateGreaterThan',
  'IpAddress',
  'NotIpAddress',
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** The type of value an operator compares; a condition key has one. */
export type ConditionValueType = 'string' | 'date' | 'ip';

export interface OperatorSemantics {
  valueType: ConditionValueType;
  /** The positive comparison this operator applies to one policy value. */
  comparison: 'equals' | 'like' | 'lessThan' | 'greaterThan' | 'inCidr';
  negated: boolean;
}

export function operatorSemantics(operator: ConditionOperator): OperatorSemantics {
  switch (operator) {
    case 'StringEquals':
      return { valueType: 'string', comparison: 'equals', negated: false };
    case 'StringNotEquals':
      return { valueType: 'string', comparison: 'equals', negated: true };
    case 'StringLike':
      return { valueType: 'string', comparison: 'like', negated: false };
    case 'StringNotLike':
      return { valueType: 'string', comparison: 'like', negated: true };
    case 'DateLessThan':
      return { valueType: 'date', comparison: 'lessThan', negated: false };
    case 'DateGreaterThan':
      return { valueType: 'date', comparison: 'greaterThan', negated: false };
    case 'IpAddress':
      return { valueType: 'ip', comparison: 'inCidr', negated: false };
    case 'NotIpAddress':
      return { valueType: 'ip', comparison: 'inCidr', negated: true };
  }
}

export function isConditionOperator(name: string): name is ConditionOperator {
  return (CONDITION_OPERATORS as readonly string[]).includes(name);
}
