import { ruleEvaluators, type StageConditionEvaluator } from './stage-condition-evaluator';
import { VARIABLE_CHECK_RULE_TYPE, variableCheckRule } from './variable-check-rule';

/**
 * The engine's default condition evaluator: the rules it can decide alone (VariableCheck). Any other rule
 * type (DeploymentWindow, CloudWatchAlarm, LambdaInvoke, Commands…) fails its condition, naming the rule.
 */
export const builtInRules: StageConditionEvaluator = ruleEvaluators({ [VARIABLE_CHECK_RULE_TYPE]: variableCheckRule });
