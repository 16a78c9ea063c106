import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath } from '../validation/json-path';
import { checkFields, readArray, readInteger, readObject, readOneOf, readString, readValidString } from '../validation/json-shape';
import { STAGE_RETRY_MODES, type ConditionResult } from './pipeline-declaration';
import type { NamedAt, VariableReference } from './pipeline-facts';
import { ACTION_NAME_RULE, ARTIFACT_NAME_RULE, PIPELINE_LIMITS, PROVIDER_RULE, VERSION_RULE } from './pipeline-limits';
import { compileVariableCheckPattern, isVariableCheckRuleType } from './variable-check-pattern';
import { findVariableReferences } from './variable-references';

export const CONDITION_KINDS = ['beforeEntry', 'onSuccess', 'onFailure'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

/**
 * Results each kind of condition can engage, per CodePipeline's stage-conditions guide:
 * entry conditions fail or skip the stage, success conditions roll back or fail it, and failure
 * handling rolls back, fails or retries (SKIP, listed in the API enum, means nothing after a failure).
 */
export const CONDITION_RESULTS_BY_KIND: Readonly<Record<ConditionKind, readonly ConditionResult[]>> = {
  beforeEntry: ['FAIL', 'SKIP'],
  onSuccess: ['ROLLBACK', 'FAIL'],
  onFailure: ['ROLLBACK', 'FAIL', 'RETRY'],
};

/** What the cross checks need of a stage's conditions: the rules' artifacts and variables. */
export interface ConditionFacts {
  stageIndex: number;
  kind: ConditionKind;
  path: string;
  inputArtifacts: NamedAt[];
  references: VariableReference[];
}

export function readStageCondition(
  value: unknown,
  kind: ConditionKind,
  stageIndex: number,
  path: string,
  issues: IssueCollector,
): ConditionFacts | undefined {
  const label = `The ${kind} conditions`;
  const object = readObject(value, label, path, issues);
  if (!object) return undefined;
  const facts: ConditionFacts = { stageIndex, kind, path, inputArtifacts: [], references: [] };
  const allowed = CONDITION_RESULTS_BY_KIND[kind];
  switch (kind) {
    case 'beforeEntry':
    case 'onSuccess':
      checkFields(object, { required: ['conditions'], optional: [] }, label, path, issues);
      break;
    case 'onFailure':
      checkFields(object, { required: [], optional: ['result', 'retryConfiguration', 'conditions'] }, label, path, issues);
      readFailureHandling(object.result, object.retryConfiguration, allowed, path, issues);
      break;
  }
  if (object.conditions !== undefined) {
    const conditionsPath = childPath(path, 'conditions');
    const conditions = readArray(object.conditions, 'The conditions', conditionsPath, issues, { min: 1, max: 1, itemNoun: 'condition' }) ?? [];
    conditions.forEach((condition, index) => readCondition(condition, allowed, indexPath(conditionsPath, index), facts, issues));
  }
  return facts;
}

function readFailureHandling(
  result: unknown,
  retryConfiguration: unknown,
  allowed: readonly ConditionResult[],
  path: string,
  issues: IssueCollector,
): void {
  const chosen = result === undefined ? undefined : readOneOf(result, allowed, 'The onFailure result', childPath(path, 'result'), issues);
  if (retryConfiguration === undefined) return;
  const retryPath = childPath(path, 'retryConfiguration');
  const retry = readObject(retryConfiguration, 'The retryConfiguration', retryPath, issues);
  if (!retry) return;
  checkFields(retry, { required: [], optional: ['retryMode'] }, 'The retryConfiguration', retryPath, issues);
  if (retry.retryMode !== undefined) readOneOf(retry.retryMode, STAGE_RETRY_MODES, 'The retryMode', childPath(retryPath, 'retryMode'), issues);
  if (chosen !== undefined && chosen !== 'RETRY') {
    issues.add(
      retryPath,
      'retry_configuration_without_retry',
      `A retryConfiguration only applies when the onFailure result is "RETRY", but the result is ${quote(chosen)}.`,
    );
  }
}

function readCondition(
  value: unknown,
  allowed: readonly ConditionResult[],
  path: string,
  facts: ConditionFacts,
  issues: IssueCollector,
): void {
  const condition = readObject(value, 'A condition', path, issues);
  if (!condition) return;
  checkFields(condition, { required: [], optional: ['result', 'rules'] }, 'A condition', path, issues);
  if (condition.result !== undefined) readOneOf(condition.result, allowed, `The result of a ${facts.kind} condition`, childPath(path, 'result'), issues);
  if (condition.rules === undefined) return;
  const rulesPath = childPath(path, 'rules');
  const rules = readArray(condition.rules, 'The rules', rulesPath, issues, { min: 1, max: PIPELINE_LIMITS.maxRulesPerCondition, itemNoun: 'rule' }) ?? [];
  const names = new Set<string>();
  rules.forEach((rule, index) => {
    const name = readRule(rule, indexPath(rulesPath, index), facts, issues);
    if (name === undefined) return;
    if (names.has(name)) {
      issues.add(childPath(indexPath(rulesPath, index), 'name'), 'duplicate_rule_name', `The rule name ${quote(name)} is used twice in this condition.`);
    }
    names.add(name);
  });
}

const RULE_FIELDS = {
  required: ['name', 'ruleTypeId'],
  optional: ['configuration', 'commands', 'inputArtifacts', 'region', 'roleArn', 'timeoutInMinutes'],
} as const;

function readRule(value: unknown, path: string, facts: ConditionFacts, issues: IssueCollector): string | undefined {
  const rule = readObject(value, 'A rule', path, issues);
  if (!rule) return undefined;
  checkFields(rule, RULE_FIELDS, 'A rule', path, issues);
  const at = (field: string): string => childPath(path, field);
  const name = rule.name === undefined ? undefined : readValidString(rule.name, 'The rule name', at('name'), issues, ACTION_NAME_RULE);
  if (rule.ruleTypeId !== undefined) readRuleTypeId(rule.ruleTypeId, at('ruleTypeId'), issues);
  if (rule.configuration !== undefined) readRuleConfiguration(rule.configuration, at('configuration'), facts, issues);
  checkVariableCheckPattern(rule, at('configuration'), issues);
  if (rule.commands !== undefined) {
    const commands = readArray(rule.commands, 'The commands', at('commands'), issues, { min: 1, max: PIPELINE_LIMITS.maxCommands, itemNoun: 'command' }) ?? [];
    commands.forEach((command, index) => {
      const commandPath = indexPath(at('commands'), index);
      const text = readString(command, 'A command', commandPath, issues, { minLength: 1, maxLength: PIPELINE_LIMITS.commandMaxLength });
      if (text !== undefined) facts.references.push(...findVariableReferences(text, commandPath));
    });
  }
  if (rule.inputArtifacts !== undefined) {
    const artifacts = readArray(rule.inputArtifacts, 'The inputArtifacts', at('inputArtifacts'), issues, { itemNoun: 'artifact' }) ?? [];
    artifacts.forEach((artifact, index) => {
      const artifactPath = indexPath(at('inputArtifacts'), index);
      const object = readObject(artifact, 'An artifact', artifactPath, issues);
      if (!object) return;
      checkFields(object, { required: ['name'], optional: [] }, 'An artifact', artifactPath, issues);
      const namePath = childPath(artifactPath, 'name');
      const artifactName = object.name === undefined ? undefined : readValidString(object.name, 'The artifact name', namePath, issues, ARTIFACT_NAME_RULE);
      if (artifactName !== undefined) facts.inputArtifacts.push({ name: artifactName, path: namePath });
    });
  }
  if (rule.region !== undefined) {
    readString(rule.region, 'The region', at('region'), issues, { minLength: PIPELINE_LIMITS.regionMinLength, maxLength: PIPELINE_LIMITS.regionMaxLength });
  }
  if (rule.roleArn !== undefined) readString(rule.roleArn, 'The roleArn', at('roleArn'), issues, { minLength: 1, maxLength: PIPELINE_LIMITS.roleArnMaxLength });
  if (rule.timeoutInMinutes !== undefined) {
    readInteger(rule.timeoutInMinutes, 'The timeoutInMinutes', at('timeoutInMinutes'), issues, {
      min: PIPELINE_LIMITS.minTimeoutInMinutes,
      max: PIPELINE_LIMITS.maxTimeoutInMinutes,
      unit: 'minutes',
    });
  }
  return name;
}

/** A VariableCheck rule's MATCHES pattern must compile for the linear-time engine the rule runs on (variable-check-pattern.ts). */
function checkVariableCheckPattern(rule: { ruleTypeId?: unknown; configuration?: unknown }, configurationPath: string, issues: IssueCollector): void {
  const { ruleTypeId, configuration } = rule;
  if (!isObject(ruleTypeId) || !isObject(configuration) || !isVariableCheckRuleType(ruleTypeId)) return;
  if (configuration.Operator !== 'MATCHES' || typeof configuration.Value !== 'string') return;
  // Longer than any configuration value may be: reported once, by readRuleConfiguration.
  if ([...configuration.Value].length > PIPELINE_LIMITS.configurationValueMaxLength) return;
  const pattern = compileVariableCheckPattern(configuration.Value);
  if (!pattern.ok) issues.add(childPath(configurationPath, 'Value'), 'invalid_pattern', pattern.problem);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readRuleTypeId(value: unknown, path: string, issues: IssueCollector): void {
  const id = readObject(value, 'The ruleTypeId', path, issues);
  if (!id) return;
  checkFields(id, { required: ['category', 'provider'], optional: ['owner', 'version'] }, 'The ruleTypeId', path, issues);
  if (id.category !== undefined) readOneOf(id.category, ['Rule'], 'The rule category', childPath(path, 'category'), issues);
  if (id.owner !== undefined) readOneOf(id.owner, ['AWS'], 'The rule owner', childPath(path, 'owner'), issues);
  if (id.provider !== undefined) readString(id.provider, 'The rule provider', childPath(path, 'provider'), issues, PROVIDER_RULE);
  if (id.version !== undefined) readString(id.version, 'The rule version', childPath(path, 'version'), issues, VERSION_RULE);
}

function readRuleConfiguration(value: unknown, path: string, facts: ConditionFacts, issues: IssueCollector): void {
  const configuration = readObject(value, 'The rule configuration', path, issues);
  if (!configuration) return;
  const entries = Object.entries(configuration);
  if (entries.length > PIPELINE_LIMITS.maxRuleConfigurationEntries) {
    issues.add(path, 'too_many_items', `The rule configuration has ${entries.length} entries; at most ${PIPELINE_LIMITS.maxRuleConfigurationEntries} are allowed.`);
  }
  for (const [key, entry] of entries) {
    const keyPath = childPath(path, key);
    if ([...key].length > PIPELINE_LIMITS.configurationKeyMaxLength) {
      issues.add(keyPath, 'too_long', `The configuration key ${quote(key)} is longer than ${PIPELINE_LIMITS.configurationKeyMaxLength} characters.`);
    }
    const text = readString(entry, `The configuration value ${quote(key)}`, keyPath, issues, {
      minLength: 1,
      maxLength: PIPELINE_LIMITS.configurationValueMaxLength,
    });
    if (text !== undefined) facts.references.push(...findVariableReferences(text, keyPath));
  }
}
