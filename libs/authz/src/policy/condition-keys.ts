import type { ConditionValueType } from './condition-operators';

/** The request context keys a Condition may test, and where each value comes from. */
export const CONDITION_KEYS = {
  /** The request's time (`RequestContext.currentTime`); always present. */
  'sluice:CurrentTime': 'date',
  /** The caller's address (`RequestContext.sourceIp`), IPv4 or IPv6. */
  'sluice:SourceIp': 'ip',
  /** The branch a request is about, when it has one (e.g. StartPipelineExecution of a branch). */
  'sluice:SourceBranch': 'string',
  'sluice:UserAgent': 'string',
  /** The account whose policies are evaluated: for a role session, the role's account. */
  'sluice:PrincipalAccount': 'string',
  'sluice:PrincipalId': 'string',
  /** The account of the resource acted on. */
  'sluice:ResourceAccount': 'string',
} as const satisfies Record<string, ConditionValueType>;

export type ConditionKey = keyof typeof CONDITION_KEYS;

export const CONDITION_KEY_NAMES = Object.keys(CONDITION_KEYS) as ConditionKey[];

const BY_LOWERCASE_NAME: ReadonlyMap<string, ConditionKey> = new Map(CONDITION_KEY_NAMES.map((key) => [key.toLowerCase(), key]));

/** Condition key names compare case-insensitively, as in IAM. */
export function findConditionKey(name: string): ConditionKey | undefined {
  return BY_LOWERCASE_NAME.get(name.toLowerCase());
}
