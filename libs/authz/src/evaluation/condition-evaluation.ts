import { globToRegExp } from '../matching/glob';
import { cidrContains, type CidrRange, type IpAddress, parseCidr, parseIpAddress } from '../matching/ip-address';
import { parseIsoDate } from '../matching/iso-date';
import { type ConditionKey, findConditionKey } from '../policy/condition-keys';
import { type ConditionOperator, isConditionOperator, operatorSemantics } from '../policy/condition-operators';
import type { ConditionBlock } from '../policy/policy-document';
import { asList } from '../policy/policy-document';

/** One operator on one key, its policy values parsed once. */
type PositiveTest =
  | { comparison: 'equals'; values: readonly string[] }
  | { comparison: 'like'; values: readonly RegExp[] }
  | { comparison: 'lessThan' | 'greaterThan'; values: readonly number[] }
  | { comparison: 'inCidr'; values: readonly CidrRange[] };

export interface CompiledCondition {
  key: ConditionKey;
  negated: boolean;
  test: PositiveTest;
}

/** The request's values for the condition keys; a key absent here is missing from the request. */
export interface ConditionValues {
  strings: Partial<Record<ConditionKey, string>>;
  dates: Partial<Record<ConditionKey, number>>;
  ips: Partial<Record<ConditionKey, IpAddress>>;
}

/** Compiles a validated Condition block; a value that does not parse is a bug in validation, so it throws. */
export function compileConditions(block: ConditionBlock | undefined): CompiledCondition[] {
  if (!block) return [];
  const compiled: CompiledCondition[] = [];
  for (const [operatorName, keys] of Object.entries(block)) {
    if (!isConditionOperator(operatorName) || !keys) throw new RangeError(`Unknown condition operator ${operatorName}.`);
    for (const [keyName, values] of Object.entries(keys)) {
      const key = findConditionKey(keyName);
      if (!key) throw new RangeError(`Unknown condition key ${keyName}.`);
      compiled.push(compileCondition(operatorName, key, asList(values)));
    }
  }
  return compiled;
}

function compileCondition(operator: ConditionOperator, key: ConditionKey, values: readonly string[]): CompiledCondition {
  const { comparison, negated } = operatorSemantics(operator);
  const parsed = <T>(parse: (text: string) => T | undefined, what: string): T[] =>
    values.map((value) => {
      const result = parse(value);
      if (result === undefined) throw new RangeError(`${JSON.stringify(value)} is not ${what}.`);
      return result;
    });
  switch (comparison) {
    case 'equals':
      return { key, negated, test: { comparison, values } };
    case 'like':
      return { key, negated, test: { comparison, values: values.map((value) => globToRegExp(value, { ignoreCase: false })) } };
    case 'lessThan':
    case 'greaterThan':
      return { key, negated, test: { comparison, values: parsed(parseIsoDate, 'a date') } };
    case 'inCidr':
      return { key, negated, test: { comparison, values: parsed(parseCidr, 'a CIDR range') } };
  }
}

/** IAM's rules: every condition must hold (AND); one of a key's values must match (OR); a missing key fails all but the negated operators. */
export function conditionsHold(conditions: readonly CompiledCondition[], values: ConditionValues): boolean {
  for (const condition of conditions) {
    const positive = positiveTestHolds(condition, values);
    if (positive === condition.negated) return false;
  }
  return true;
}

function positiveTestHolds({ key, test }: CompiledCondition, values: ConditionValues): boolean {
  switch (test.comparison) {
    case 'equals': {
      const actual = values.strings[key];
      return actual !== undefined && test.values.includes(actual);
    }
    case 'like': {
      const actual = values.strings[key];
      return actual !== undefined && test.values.some((pattern) => pattern.test(actual));
    }
    case 'lessThan': {
      const actual = values.dates[key];
      return actual !== undefined && test.values.some((limit) => actual < limit);
    }
    case 'greaterThan': {
      const actual = values.dates[key];
      return actual !== undefined && test.values.some((limit) => actual > limit);
    }
    case 'inCidr': {
      const actual = values.ips[key];
      return actual !== undefined && test.values.some((range) => cidrContains(range, actual));
    }
  }
}

export interface ConditionFacts {
  context: { currentTime: Date; sourceIp?: string; sourceBranch?: string; userAgent?: string };
  principal: { id: string; account: string };
  resourceAccount?: string;
}

/** The request's condition key values. An unreadable source IP or time is the caller's bug, not a missing key. */
export function resolveConditionValues({ context, principal, resourceAccount }: ConditionFacts): ConditionValues {
  const time = context.currentTime.getTime();
  if (Number.isNaN(time)) throw new RangeError('The request context has an invalid currentTime.');
  const strings: Partial<Record<ConditionKey, string>> = {
    'sluice:PrincipalAccount': principal.account,
    'sluice:PrincipalId': principal.id,
  };
  if (context.sourceBranch !== undefined) strings['sluice:SourceBranch'] = context.sourceBranch;
  if (context.userAgent !== undefined) strings['sluice:UserAgent'] = context.userAgent;
  if (resourceAccount !== undefined) strings['sluice:ResourceAccount'] = resourceAccount;
  const ips: Partial<Record<ConditionKey, IpAddress>> = {};
  if (context.sourceIp !== undefined) {
    const ip = parseIpAddress(context.sourceIp);
    if (!ip) throw new RangeError(`The request context's sourceIp ${JSON.stringify(context.sourceIp)} is not an IP address.`);
    ips['sluice:SourceIp'] = ip;
  }
  return { strings, dates: { 'sluice:CurrentTime': time }, ips };
}
