import type { ConditionOperator } from './condition-operators';

/** IAM's policy grammar, Sluice's actions and resource names. */
export const POLICY_VERSIONS = ['2012-10-17', '2026-01-01'] as const;
export type PolicyVersion = (typeof POLICY_VERSIONS)[number];

export type Effect = 'Allow' | 'Deny';
export const EFFECTS: readonly Effect[] = ['Allow', 'Deny'];

/** `{ "StringLike": { "sluice:SourceBranch": ["main", "release/*"] } }` */
export type ConditionBlock = Partial<Record<ConditionOperator, Readonly<Record<string, string | readonly string[]>>>>;

type ActionPart = { Action: string | readonly string[]; NotAction?: undefined } | { NotAction: string | readonly string[]; Action?: undefined };
type ResourcePart = { Resource: string | readonly string[]; NotResource?: undefined } | { NotResource: string | readonly string[]; Resource?: undefined };

export type PolicyStatement = {
  Sid?: string;
  Effect: Effect;
  Condition?: ConditionBlock;
} & ActionPart &
  ResourcePart;

export interface PolicyDocument {
  Version?: PolicyVersion;
  Statement: readonly PolicyStatement[];
}

/** A policy as attached to a principal: the name is what a decision cites. */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export function asList(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}
