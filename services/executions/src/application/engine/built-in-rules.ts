import { ruleEvaluators, ruleTypeKey, type RuleEvaluator, type StageConditionEvaluator } from './stage-condition-evaluator';
import type { EventStore } from '@sluice/eventing';
import { ENVIRONMENT_FREEZE_RULE } from '../../domain';
import { deploymentWindowRule } from './deployment-window-rule';
import { environmentFreezeRule, storedFreezes } from './environment-freeze-rule';
import { VARIABLE_CHECK_OPERATORS, variableCheckRule } from './variable-check-rule';

/** A rule type the engine evaluates: CodePipeline's RuleType (ListRuleTypes), and its evaluator. */
export interface RuleTypeDeclaration {
  id: { category: 'Rule'; owner: 'AWS'; provider: string; version: string };
  ruleConfigurationProperties: Array<{ name: string; required: boolean; key: boolean; secret: boolean; queryable: boolean; description: string; type: 'String' | 'Number' | 'Boolean' }>;
  inputArtifactDetails: { minimumCount: number; maximumCount: number };
  evaluate: RuleEvaluator;
}

const property = (name: string, description: string) => ({ name, required: true, key: true, secret: false, queryable: false, description, type: 'String' as const });

/**
 * The rule types the engine decides alone, with AWS's ids: VariableCheck and DeploymentWindow. Any other rule type
 * (CloudWatchAlarm, LambdaInvoke, Commands…) fails its condition, naming the rule, and is not listed.
 */
export const BUILT_IN_RULE_TYPES: readonly RuleTypeDeclaration[] = [
  {
    id: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
    ruleConfigurationProperties: [
      property('Variable', 'The text to check, with #{namespace.variable} references resolved for the execution.'),
      property('Value', 'The literal the resolved Variable is compared with (a regular expression for MATCHES).'),
      property('Operator', `How they are compared: ${VARIABLE_CHECK_OPERATORS.join(', ')}.`),
    ],
    inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    evaluate: variableCheckRule,
  },
  {
    id: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' },
    ruleConfigurationProperties: [
      property('Cron', 'When the stage may be entered: AWS’s cron (seconds minutes hours day-of-month month day-of-week [year]), e.g. "* * 9-16 ? * MON-FRI".'),
      { ...property('TimeZone', 'The IANA time zone the Cron is read in (default UTC), e.g. Europe/Paris.'), required: false, key: false },
    ],
    inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    evaluate: deploymentWindowRule(),
  },
];

/** The engine's condition evaluator without a store (simulations, tests): the built-in rule types, and no environment frozen. */
export const builtInRules: StageConditionEvaluator = ruleEvaluators({
  ...Object.fromEntries(BUILT_IN_RULE_TYPES.map((type) => [ruleTypeKey(type.id), type.evaluate])),
  [ruleTypeKey(ENVIRONMENT_FREEZE_RULE)]: environmentFreezeRule(async () => []),
});

/** The engine's evaluator on a store: the built-in rule types, and the freezes of the environments a stage deploys to. */
export function engineRules(store: EventStore, clock: () => Date): StageConditionEvaluator {
  return ruleEvaluators({
    ...Object.fromEntries(BUILT_IN_RULE_TYPES.map((type) => [ruleTypeKey(type.id), type.evaluate])),
    [ruleTypeKey(ENVIRONMENT_FREEZE_RULE)]: environmentFreezeRule(storedFreezes(store), clock),
  });
}
