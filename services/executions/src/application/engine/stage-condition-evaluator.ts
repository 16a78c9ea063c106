import type { Condition, RuleDeclaration, RuleTypeId } from '@sluice/domain';
import type { VariableScope } from '../../domain';
import type { RuleEvaluation, StageConditionKind } from '@sluice/contracts';

export interface StageConditionRequest {
  account: string;
  pipelineName: string;
  executionId: string;
  stageName: string;
  condition: StageConditionKind;
  /** The conditions declared for it, with their rules (from the execution's definition snapshot). */
  conditions: Condition[];
  /** The execution's variables as an action starting now would see them (pipeline variables, namespaces so far). */
  variables: VariableScope;
  /** A rollback execution (RollbackStage or an automated rollback): environment freezes do not hold it. */
  rollback?: boolean;
}

/** Runs a stage condition's rules (deployment windows, variable checks, alarms…) outside the domain. */
export interface StageConditionEvaluator {
  /** `rules`: each rule's verdict, recorded with the condition's (ListRuleExecutions). */
  evaluate(request: StageConditionRequest): Promise<{ rulesPassed: boolean; summary: string | null; rules?: RuleEvaluation[] }>;
}

/** One rule's verdict; `message` says why, for the condition's summary. */
export interface RuleOutcome {
  passed: boolean;
  message: string;
}

export type RuleEvaluator = (rule: RuleDeclaration, request: StageConditionRequest) => RuleOutcome | Promise<RuleOutcome>;

/** `AWS/VariableCheck/1`: owner and version may be left out of a declaration, as in AWS's own JSON they are always AWS and 1. */
export const ruleTypeKey = (ruleTypeId: RuleTypeId): string => `${ruleTypeId.owner ?? 'AWS'}/${ruleTypeId.provider}/${ruleTypeId.version ?? '1'}`;

const ruleLabel = (rule: RuleDeclaration): string => `${rule.name} (${rule.ruleTypeId.provider})`;

/** A rule's verdict as the execution records it. */
export function ruleEvaluation(rule: RuleDeclaration, outcome: RuleOutcome): RuleEvaluation {
  const { owner, provider, version } = rule.ruleTypeId;
  return { ruleName: rule.name, ruleTypeId: { category: 'Rule', owner: owner ?? 'AWS', provider, version: version ?? '1' }, configuration: rule.configuration ?? {}, passed: outcome.passed, message: outcome.message };
}

/**
 * A condition evaluator from rule evaluators keyed by `ruleTypeKey`. Every rule of every declared condition
 * must pass (the domain applies the stage's declared result otherwise); a rule of a type without an
 * evaluator fails, naming it, so a gate never opens by default. The summary names each rule with its verdict
 * when all passed, and only the failed ones otherwise.
 */
export function ruleEvaluators(evaluators: Record<string, RuleEvaluator>): StageConditionEvaluator {
  return {
    async evaluate(request) {
      const rules = request.conditions.flatMap((condition) => condition.rules ?? []);
      if (rules.length === 0) return { rulesPassed: true, summary: null };
      const outcomes = await Promise.all(
        rules.map(async (rule): Promise<RuleOutcome & { rule: RuleDeclaration }> => {
          const evaluator = evaluators[ruleTypeKey(rule.ruleTypeId)];
          if (!evaluator) return { rule, passed: false, message: `no evaluator for the rule type ${ruleTypeKey(rule.ruleTypeId)}` };
          try {
            return { rule, ...(await evaluator(rule, request)) };
          } catch (error) {
            return { rule, passed: false, message: `could not be evaluated: ${error instanceof Error ? error.message : String(error)}` };
          }
        }),
      );
      const failed = outcomes.filter((outcome) => !outcome.passed);
      const described = (failed.length > 0 ? failed : outcomes).map((outcome) => `${ruleLabel(outcome.rule)}: ${outcome.message}`).join('; ');
      return {
        rulesPassed: failed.length === 0,
        summary: failed.length > 0 ? `rules failed: ${described}` : `rules passed: ${described}`,
        rules: outcomes.map((outcome) => ruleEvaluation(outcome.rule, outcome)),
      };
    },
  };
}

/**
 * Until rule providers exist: a condition without rules passes; a rule is not evaluated and counts as
 * failed, with a message naming it, so a gate never opens by default.
 */
export const rulesNotEvaluated: StageConditionEvaluator = {
  async evaluate(request) {
    const rules = request.conditions.flatMap((condition) => condition.rules ?? []);
    if (rules.length === 0) return { rulesPassed: true, summary: null };
    const names = rules.map(ruleLabel).join(', ');
    return { rulesPassed: false, summary: `no evaluator for the rules ${names}`, rules: rules.map((rule) => ruleEvaluation(rule, { passed: false, message: 'not evaluated: no evaluator' })) };
  },
};
