import type { ConditionBlock, Effect, PolicyVersion } from '../policy/policy-document';

/** A role's trust policy: who may assume it (`sluice:AssumeRole` is its only action). */
export interface TrustStatement {
  Sid?: string;
  Effect: Effect;
  Principal: { Sluice: string | readonly string[] };
  Action: string | readonly string[];
  Condition?: ConditionBlock;
}

export interface TrustPolicyDocument {
  Version?: PolicyVersion;
  Statement: readonly TrustStatement[];
}

export const ASSUME_ROLE_ACTION = 'sluice:AssumeRole';
