import { nameBasedUuid, type ExecutionEvent, type RuleEvaluation, type StageConditionKind } from '@sluice/contracts';

/**
 * CodePipeline's `RuleExecutionDetail`: one rule of one stage condition, evaluated once (ListRuleExecutions). Sluice
 * evaluates a condition's rules at once, so a rule execution is recorded when it has its verdict.
 */
export interface RuleExecutionDetail {
  pipelineExecutionId: string;
  /** A UUID named by the execution, stage, attempt, condition and rule: the same on every replay. */
  ruleExecutionId: string;
  pipelineVersion: number;
  stageName: string;
  ruleName: string;
  condition: StageConditionKind;
  attempt: number;
  startTime: string;
  lastUpdateTime: string;
  status: 'Succeeded' | 'Failed';
  input: { ruleTypeId: RuleEvaluation['ruleTypeId']; configuration: Record<string, string> };
  output: { summary: string; passed: boolean };
}

export interface RuleExecutionsView {
  executionId: string | null;
  pipelineVersion: number;
  /** When each condition check started, by `stage/attempt/condition`: the rules' start time. */
  checksStarted: Readonly<Record<string, string>>;
  details: RuleExecutionDetail[];
}

export const initialRuleExecutionsView: RuleExecutionsView = { executionId: null, pipelineVersion: 0, checksStarted: {}, details: [] };

const checkKey = (stageName: string, attempt: number, condition: StageConditionKind) => `${stageName}/${attempt}/${condition}`;

/** Folds one execution's stream into the evaluations of its stage conditions' rules, oldest first. */
export function evolveRuleExecutions(view: RuleExecutionsView, event: ExecutionEvent): RuleExecutionsView {
  switch (event.type) {
    case 'PipelineExecutionStarted':
      return { ...initialRuleExecutionsView, executionId: event.data.executionId, pipelineVersion: event.data.inputs.definition.version };
    case 'StageConditionCheckStarted': {
      const { stageName, attempt, condition, startedAt } = event.data;
      return { ...view, checksStarted: { ...view.checksStarted, [checkKey(stageName, attempt, condition)]: startedAt } };
    }
    case 'StageConditionEvaluated': {
      const { stageName, attempt, condition, evaluatedAt, rules } = event.data;
      if (!rules || rules.length === 0) return view;
      const executionId = view.executionId ?? '';
      const startTime = view.checksStarted[checkKey(stageName, attempt, condition)] ?? evaluatedAt;
      const details = rules.map(
        (rule): RuleExecutionDetail => ({
          pipelineExecutionId: executionId,
          ruleExecutionId: nameBasedUuid(['rule-execution', executionId, stageName, attempt, condition, rule.ruleName]),
          pipelineVersion: view.pipelineVersion,
          stageName,
          ruleName: rule.ruleName,
          condition,
          attempt,
          startTime,
          lastUpdateTime: evaluatedAt,
          status: rule.passed ? 'Succeeded' : 'Failed',
          input: { ruleTypeId: rule.ruleTypeId, configuration: rule.configuration },
          output: { summary: rule.message, passed: rule.passed },
        }),
      );
      return { ...view, details: [...view.details, ...details] };
    }
    default:
      return view;
  }
}
