import type { ActionTypeRegistry } from '../action-types/action-type-registry';
import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath } from '../validation/json-path';
import {
  checkFields,
  readArray,
  readInteger,
  readObject,
  readOneOf,
  readString,
  readValidString,
  isJsonObject,
} from '../validation/json-shape';
import { checkActionAgainstType } from './check-action-against-type';
import {
  ACTION_NAME_RULE,
  ARTIFACT_NAME_RULE,
  DEPLOY_ENVIRONMENT_RULE,
  DEFAULT_RUN_ORDER,
  ENVIRONMENT_VARIABLE_NAME_RULE,
  NAMESPACE_RULE,
  PIPELINE_LIMITS,
  PROVIDER_RULE,
  VARIABLE_NAME_RULE,
  VERSION_RULE,
} from './pipeline-limits';
import { ACTION_OWNERS, AWS_ACTION_CATEGORIES, ENVIRONMENT_VARIABLE_TYPES, type ActionTypeId } from './pipeline-declaration';
import type { ActionFacts, NamedAt, VariableReference } from './pipeline-facts';
import { findVariableReferences, RESERVED_NAMESPACES } from './variable-references';
import { parseSecretsManagerValue, secretNameProblem } from '../secrets/secret-references';

export const ACTION_FIELDS = {
  required: ['name', 'actionTypeId'],
  optional: [
    'runOrder',
    'configuration',
    'commands',
    'outputArtifacts',
    'inputArtifacts',
    'outputVariables',
    'roleArn',
    'region',
    'namespace',
    'timeoutInMinutes',
    'environmentVariables',
    'environment',
  ],
} as const;

export interface ActionLocation {
  stageIndex: number;
  actionIndex: number;
  path: string;
}

/** Reads one action: its shape, names and limits, then what its action type requires. */
export function readAction(
  value: unknown,
  location: ActionLocation,
  registry: ActionTypeRegistry,
  issues: IssueCollector,
): ActionFacts | undefined {
  const { path } = location;
  const action = readObject(value, 'An action', path, issues);
  if (!action) return undefined;
  checkFields(action, ACTION_FIELDS, 'An action', path, issues);
  const at = (field: string): string => childPath(path, field);

  const name = action.name === undefined ? undefined : readValidString(action.name, 'The action name', at('name'), issues, ACTION_NAME_RULE);
  const typeId = action.actionTypeId === undefined ? {} : readActionTypeId(action.actionTypeId, at('actionTypeId'), issues);
  const runOrder =
    action.runOrder === undefined
      ? DEFAULT_RUN_ORDER
      : readInteger(action.runOrder, 'The runOrder', at('runOrder'), issues, {
          min: PIPELINE_LIMITS.minRunOrder,
          max: PIPELINE_LIMITS.maxRunOrder,
        });
  const references: VariableReference[] = [];
  const configuration = action.configuration === undefined ? undefined : readConfiguration(action.configuration, at('configuration'), issues, references);
  const commands = action.commands === undefined ? undefined : readCommands(action.commands, at('commands'), issues, references);
  const inputArtifacts = action.inputArtifacts === undefined ? [] : readInputArtifacts(action.inputArtifacts, at('inputArtifacts'), issues);
  const outputArtifacts = action.outputArtifacts === undefined ? [] : readOutputArtifacts(action.outputArtifacts, at('outputArtifacts'), issues);
  if (action.outputVariables !== undefined) readOutputVariables(action.outputVariables, at('outputVariables'), issues);
  if (action.roleArn !== undefined) {
    readString(action.roleArn, 'The roleArn', at('roleArn'), issues, { minLength: 1, maxLength: PIPELINE_LIMITS.roleArnMaxLength });
  }
  if (action.region !== undefined) {
    readString(action.region, 'The region', at('region'), issues, {
      minLength: PIPELINE_LIMITS.regionMinLength,
      maxLength: PIPELINE_LIMITS.regionMaxLength,
    });
  }
  const namespace = action.namespace === undefined ? undefined : readNamespace(action.namespace, at('namespace'), issues);
  if (action.timeoutInMinutes !== undefined) {
    readInteger(action.timeoutInMinutes, 'The timeoutInMinutes', at('timeoutInMinutes'), issues, {
      min: PIPELINE_LIMITS.minTimeoutInMinutes,
      max: PIPELINE_LIMITS.maxTimeoutInMinutes,
      unit: 'minutes',
    });
  }
  if (action.environmentVariables !== undefined) {
    readEnvironmentVariables(action.environmentVariables, at('environmentVariables'), issues, references);
  }
  if (action.environment !== undefined) {
    const environment = readValidString(action.environment, 'The environment', at('environment'), issues, DEPLOY_ENVIRONMENT_RULE);
    if (environment !== undefined && typeId.category !== undefined && typeId.category !== 'Deploy') {
      issues.add(at('environment'), 'environment_not_deploy', `Only a Deploy action deploys to an environment; this action is in category ${quote(typeId.category)}.`);
    }
  }

  const actionType =
    typeId.id === undefined
      ? undefined
      : checkActionAgainstType(
          { id: typeId.id, path, action, configuration, commands, inputCount: arrayLength(action.inputArtifacts), outputCount: arrayLength(action.outputArtifacts) },
          registry,
          issues,
        );
  return {
    ...location,
    name,
    runOrder,
    category: typeId.category,
    actionType,
    inputArtifacts,
    outputArtifacts,
    namespace: namespace === undefined ? undefined : { name: namespace, path: at('namespace') },
    references,
  };
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function readActionTypeId(value: unknown, path: string, issues: IssueCollector): { category?: ActionTypeId['category']; id?: ActionTypeId } {
  const object = readObject(value, 'The actionTypeId', path, issues);
  if (!object) return {};
  checkFields(object, { required: ['category', 'owner', 'provider', 'version'], optional: [] }, 'The actionTypeId', path, issues);
  const at = (field: string): string => childPath(path, field);
  const category = object.category === undefined ? undefined : readOneOf(object.category, AWS_ACTION_CATEGORIES, 'The category', at('category'), issues);
  const owner = object.owner === undefined ? undefined : readOneOf(object.owner, ACTION_OWNERS, 'The owner', at('owner'), issues);
  const provider = object.provider === undefined ? undefined : readValidString(object.provider, 'The provider', at('provider'), issues, PROVIDER_RULE);
  const version = object.version === undefined ? undefined : readValidString(object.version, 'The version', at('version'), issues, VERSION_RULE);
  if (category === undefined || owner === undefined || provider === undefined || version === undefined) return { category };
  return { category, id: { category, owner, provider, version } };
}

/** Returns the entries that are strings; reports the others and any value over CodePipeline's limits. */
function readConfiguration(
  value: unknown,
  path: string,
  issues: IssueCollector,
  references: VariableReference[],
): Record<string, string> | undefined {
  const object = readObject(value, 'The configuration', path, issues);
  if (!object) return undefined;
  const entries: Record<string, string> = {};
  for (const [key, entry] of Object.entries(object)) {
    const keyPath = childPath(path, key);
    const keyLength = [...key].length;
    if (keyLength < 1 || keyLength > PIPELINE_LIMITS.configurationKeyMaxLength) {
      issues.add(
        keyPath,
        keyLength < 1 ? 'too_short' : 'too_long',
        `The configuration key ${quote(key)} is ${keyLength} characters long; keys have 1 to ${PIPELINE_LIMITS.configurationKeyMaxLength} characters.`,
      );
    }
    // Length is checked against the action type, which may allow longer values (Commands).
    const text = readString(entry, `The configuration value ${quote(key)}`, keyPath, issues, { minLength: 1, maxLength: Number.MAX_SAFE_INTEGER });
    if (text === undefined) continue;
    entries[key] = text;
    references.push(...findVariableReferences(text, keyPath));
  }
  return entries;
}

function readCommands(value: unknown, path: string, issues: IssueCollector, references: VariableReference[]): string[] | undefined {
  const items = readArray(value, 'The commands', path, issues, { min: 1, max: PIPELINE_LIMITS.maxCommands, itemNoun: 'command' });
  if (!items) return undefined;
  const commands: string[] = [];
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    const command = readString(item, 'A command', itemPath, issues, { minLength: 1, maxLength: PIPELINE_LIMITS.commandMaxLength });
    if (command === undefined) return;
    commands.push(command);
    references.push(...findVariableReferences(command, itemPath));
  });
  return commands;
}

function readArtifactName(item: unknown, path: string, issues: IssueCollector, extraFields: readonly string[]): NamedAt | undefined {
  const object = readObject(item, 'An artifact', path, issues);
  if (!object) return undefined;
  checkFields(object, { required: ['name'], optional: extraFields }, 'An artifact', path, issues);
  const namePath = childPath(path, 'name');
  const name = object.name === undefined ? undefined : readValidString(object.name, 'The artifact name', namePath, issues, ARTIFACT_NAME_RULE);
  return name === undefined ? undefined : { name, path: namePath };
}

function readInputArtifacts(value: unknown, path: string, issues: IssueCollector): NamedAt[] {
  const items = readArray(value, 'The inputArtifacts', path, issues, { itemNoun: 'artifact' }) ?? [];
  const artifacts: NamedAt[] = [];
  items.forEach((item, index) => {
    const artifact = readArtifactName(item, indexPath(path, index), issues, []);
    if (!artifact) return;
    if (artifacts.some((earlier) => earlier.name === artifact.name)) {
      issues.add(artifact.path, 'duplicate_input_artifact', `The input artifact ${quote(artifact.name)} is listed twice in this action.`);
      return;
    }
    artifacts.push(artifact);
  });
  return artifacts;
}

function readOutputArtifacts(value: unknown, path: string, issues: IssueCollector): NamedAt[] {
  const items = readArray(value, 'The outputArtifacts', path, issues, { itemNoun: 'artifact' }) ?? [];
  const artifacts: NamedAt[] = [];
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    const artifact = readArtifactName(item, itemPath, issues, ['files']);
    if (isJsonObject(item) && item.files !== undefined) readFiles(item.files, childPath(itemPath, 'files'), issues);
    if (artifact) artifacts.push(artifact);
  });
  return artifacts;
}

function readFiles(value: unknown, path: string, issues: IssueCollector): void {
  const items = readArray(value, 'The files', path, issues, { min: 1, max: 10, itemNoun: 'pattern' }) ?? [];
  items.forEach((item, index) => readString(item, 'A file pattern', indexPath(path, index), issues, { minLength: 1, maxLength: 1000 }));
}

function readOutputVariables(value: unknown, path: string, issues: IssueCollector): void {
  const items = readArray(value, 'The outputVariables', path, issues, { min: 1, max: PIPELINE_LIMITS.maxOutputVariables, itemNoun: 'variable' }) ?? [];
  items.forEach((item, index) => readString(item, 'An output variable name', indexPath(path, index), issues, VARIABLE_NAME_RULE));
}

function readNamespace(value: unknown, path: string, issues: IssueCollector): string | undefined {
  const namespace = readValidString(value, 'The namespace', path, issues, NAMESPACE_RULE);
  if (namespace !== undefined && (RESERVED_NAMESPACES as readonly string[]).includes(namespace)) {
    issues.add(path, 'reserved_namespace', `The namespace ${quote(namespace)} is reserved for ${namespace === 'variables' ? 'pipeline-level variables' : namespace === 'secrets' ? "the account's secrets" : "the run's own variables"}; choose another name.`);
    return undefined;
  }
  return namespace;
}

function readEnvironmentVariables(value: unknown, path: string, issues: IssueCollector, references: VariableReference[]): void {
  const items = readArray(value, 'The environmentVariables', path, issues, { min: 1, max: PIPELINE_LIMITS.maxEnvironmentVariables, itemNoun: 'variable' }) ?? [];
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    const variable = readObject(item, 'An environment variable', itemPath, issues);
    if (!variable) return;
    checkFields(variable, { required: ['name', 'value'], optional: ['type'] }, 'An environment variable', itemPath, issues);
    if (variable.name !== undefined) readString(variable.name, 'The environment variable name', childPath(itemPath, 'name'), issues, ENVIRONMENT_VARIABLE_NAME_RULE);
    if (variable.value !== undefined) {
      const valuePath = childPath(itemPath, 'value');
      const text = readString(variable.value, 'The environment variable value', valuePath, issues, { minLength: 1, maxLength: PIPELINE_LIMITS.environmentVariableValueMaxLength });
      if (text !== undefined && variable.type === 'SECRETS_MANAGER') {
        // A secret's name (AWS's `name:json-key`), never a variable reference: what a job receives is fixed by the definition.
        const problem = secretNameProblem(parseSecretsManagerValue(text).name);
        if (problem) issues.add(valuePath, 'invalid_secret_name', `A SECRETS_MANAGER variable's value is a secret's name, optionally followed by ":json-key". ${problem}`);
      } else if (text !== undefined) references.push(...findVariableReferences(text, valuePath));
    }
    if (variable.type !== undefined) readOneOf(variable.type, ENVIRONMENT_VARIABLE_TYPES, 'The environment variable type', childPath(itemPath, 'type'), issues);
  });
}
