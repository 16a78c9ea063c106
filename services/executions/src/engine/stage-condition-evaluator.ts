import type { Condition, StageDeclaration } from '@sluice/domain';
import type { StageConditionKind } from '../domain';

export interface StageConditionRequest {
  account: string;
  pipelineName: string;
  executionId: string;
  stageName: string;
  condition: StageConditionKind;
  /** The conditions declared for it, with their rules (from the execution's definition snapshot). */
  conditions: Condition[];
}

/** Runs a stage condition's rules (deployment windows, variable checks, alarms…) outside the domain. */
export interface StageConditionEvaluator {
  evaluate(request: StageConditionRequest): Promise<{ rulesPassed: boolean; summary: string | null }>;
}

/**
 * Until rule providers exist: a condition without rules passes; a rule is not evaluated and counts as
 * failed, with a message naming it, so a gate never opens by default.
 */
export const rulesNotEvaluated: StageConditionEvaluator = {
  async evaluate(request) {
    const rules = request.conditions.flatMap((condition) => condition.rules ?? []);
    if (rules.length === 0) return { rulesPassed: true, summary: null };
    const names = rules.map((rule) => `${rule.name} (${rule.ruleTypeId.provider})`).join(', ');
    return { rulesPassed: false, summary: `no evaluator for the rules ${names}` };
  },
};

export function declaredConditions(stage: StageDeclaration, kind: StageConditionKind): Condition[] {
  switch (kind) {
    case 'beforeEntry':
      return stage.beforeEntry?.conditions ?? [];
    case 'onSuccess':
      return stage.onSuccess?.conditions ?? [];
    case 'onFailure':
      return stage.onFailure?.conditions ?? [];
  }
}
