import { actionTypeKey, type ActionTypeDefinition } from '../action-types/action-type-definition';
import type { ActionTypeRegistry } from '../action-types/action-type-registry';
import { closestMatch } from '../validation/closest-match';
import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { childPath } from '../validation/json-path';
import { listValues, type JsonObject } from '../validation/json-shape';
import type { ActionTypeId } from './pipeline-declaration';
import { PIPELINE_LIMITS } from './pipeline-limits';

export interface ActionToCheck {
  id: ActionTypeId;
  path: string;
  action: JsonObject;
  /** The configuration entries whose values are strings. */
  configuration?: Record<string, string>;
  commands?: string[];
  inputCount: number;
  outputCount: number;
}

/** Checks an action against its action type; returns the type when the registry knows it. */
export function checkActionAgainstType(
  subject: ActionToCheck,
  registry: ActionTypeRegistry,
  issues: IssueCollector,
): ActionTypeDefinition | undefined {
  const actionType = registry.find(subject.id);
  if (!actionType) {
    reportUnknownType(subject, registry, issues);
    checkConfigurationLengths(subject, undefined, issues);
    return undefined;
  }
  checkArtifactCount(subject, actionType, 'input', issues);
  checkArtifactCount(subject, actionType, 'output', issues);
  checkConfigurationKeys(subject, actionType, issues);
  checkConfigurationLengths(subject, actionType, issues);
  checkCommands(subject, actionType, issues);
  return actionType;
}

function reportUnknownType(subject: ActionToCheck, registry: ActionTypeRegistry, issues: IssueCollector): void {
  const { id } = subject;
  const all = registry.list();
  const sameProvider = all.filter((type) => type.id.provider === id.provider);
  const sameCategory = all.filter((type) => type.id.category === id.category);
  const keys = (types: readonly ActionTypeDefinition[]): string => types.map((type) => actionTypeKey(type.id)).join(', ');
  let hint: string;
  if (sameProvider.length > 0) {
    hint = `The provider ${quote(id.provider)} exists as ${keys(sameProvider)}.`;
  } else if (sameCategory.length > 0) {
    hint = `The ${id.category} action types are ${keys(sameCategory)}.`;
  } else {
    hint = `No action type is registered in the category ${quote(id.category)}.`;
  }
  issues.add(
    childPath(subject.path, 'actionTypeId'),
    'unknown_action_type',
    `There is no action type ${actionTypeKey(id)} (category/owner/provider/version). ${hint} Custom action types must be created before they are used.`,
  );
}

function checkArtifactCount(
  subject: ActionToCheck,
  actionType: ActionTypeDefinition,
  direction: 'input' | 'output',
  issues: IssueCollector,
): void {
  const { minimumCount, maximumCount } = direction === 'input' ? actionType.inputArtifactDetails : actionType.outputArtifactDetails;
  const count = direction === 'input' ? subject.inputCount : subject.outputCount;
  if (count >= minimumCount && count <= maximumCount) return;
  const range = minimumCount === maximumCount ? `exactly ${minimumCount}` : `${minimumCount} to ${maximumCount}`;
  issues.add(
    childPath(subject.path, `${direction}Artifacts`),
    count < minimumCount ? `too_few_${direction}_artifacts` : `too_many_${direction}_artifacts`,
    `The action type ${actionTypeKey(actionType.id)} takes ${range} ${direction} artifact${maximumCount === 1 ? '' : 's'}, but this action has ${count}.`,
  );
}

function checkConfigurationKeys(subject: ActionToCheck, actionType: ActionTypeDefinition, issues: IssueCollector): void {
  const configurationPath = childPath(subject.path, 'configuration');
  const given = subject.action.configuration;
  const givenKeys = given !== null && typeof given === 'object' && !Array.isArray(given) ? Object.keys(given) : [];
  const properties = actionType.actionConfigurationProperties;
  const names = properties.map((property) => property.name);
  for (const property of properties) {
    if (property.required && !givenKeys.includes(property.name)) {
      issues.add(
        childPath(configurationPath, property.name),
        'missing_configuration_key',
        `The action type ${actionTypeKey(actionType.id)} requires the configuration key ${quote(property.name)}` +
          (property.description ? ` (${property.description})` : '.'),
      );
    }
  }
  for (const key of givenKeys) {
    if (names.includes(key)) continue;
    const suggestion = closestMatch(key, names);
    issues.add(
      childPath(configurationPath, key),
      'unknown_configuration_key',
      `The action type ${actionTypeKey(actionType.id)} has no configuration key ${quote(key)}.` +
        (suggestion ? ` Did you mean ${quote(suggestion)}?` : names.length > 0 ? ` Its keys are ${listValues(names)}.` : ' It takes no configuration.'),
    );
  }
  for (const property of properties) {
    const value = subject.configuration?.[property.name];
    // A value with a variable is only known at run time.
    if (value === undefined || value.includes('#{')) continue;
    const path = childPath(configurationPath, property.name);
    if (property.type === 'Boolean' && value !== 'true' && value !== 'false') {
      issues.add(path, 'configuration_value_invalid', `The configuration value ${quote(property.name)} must be "true" or "false", but is ${quote(value)}.`);
    } else if (property.type === 'Number' && !/^-?\d+(\.\d+)?$/.test(value)) {
      issues.add(path, 'configuration_value_invalid', `The configuration value ${quote(property.name)} must be a number, but is ${quote(value)}.`);
    }
  }
}

function checkConfigurationLengths(subject: ActionToCheck, actionType: ActionTypeDefinition | undefined, issues: IssueCollector): void {
  const configurationPath = childPath(subject.path, 'configuration');
  for (const [key, value] of Object.entries(subject.configuration ?? {})) {
    const property = actionType?.actionConfigurationProperties.find((candidate) => candidate.name === key);
    const maxLength = property?.maxLength ?? PIPELINE_LIMITS.configurationValueMaxLength;
    const length = [...value].length;
    if (length > maxLength) {
      issues.add(
        childPath(configurationPath, key),
        'too_long',
        `The configuration value ${quote(key)} is ${length} characters long; the maximum is ${maxLength}.`,
      );
    }
  }
}

function checkCommands(subject: ActionToCheck, actionType: ActionTypeDefinition, issues: IssueCollector): void {
  const commandsPath = childPath(subject.path, 'commands');
  const hasArray = subject.action.commands !== undefined;
  if (!actionType.runsCommands) {
    if (hasArray) {
      issues.add(commandsPath, 'commands_not_supported', `The action type ${actionTypeKey(actionType.id)} does not run commands; remove "commands".`);
    }
    if (subject.action.outputVariables !== undefined) {
      issues.add(
        childPath(subject.path, 'outputVariables'),
        'output_variables_not_supported',
        `The action type ${actionTypeKey(actionType.id)} does not export variables; only actions that run commands declare "outputVariables".`,
      );
    }
    return;
  }
  const hasConfiguration = subject.action.configuration !== undefined && subject.configuration?.Commands !== undefined;
  if (hasArray && hasConfiguration) {
    issues.add(
      commandsPath,
      'commands_conflict',
      'The commands are given twice, as the "commands" array and as the "Commands" configuration; keep one.',
    );
  } else if (!hasArray && !hasConfiguration && !isInConfiguration(subject.action, 'Commands')) {
    issues.add(
      commandsPath,
      'commands_required',
      `The action type ${actionTypeKey(actionType.id)} needs commands to run: give a "commands" array or a "Commands" configuration value (one command per line).`,
    );
  }
}

function isInConfiguration(action: JsonObject, key: string): boolean {
  const configuration = action.configuration;
  return configuration !== null && typeof configuration === 'object' && !Array.isArray(configuration) && key in configuration;
}
