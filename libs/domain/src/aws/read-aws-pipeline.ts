import type {
  ExecutionMode,
  PipelineTriggerDeclaration,
  PipelineType,
  PipelineVariableDeclaration,
} from '../pipeline-definition/pipeline-declaration';
import { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath } from '../validation/json-path';
import { isJsonObject, readArray, readObject, readString, type JsonObject } from '../validation/json-shape';
import { ValidationError } from '../validation/validation-error';
import type {
  AwsActionDeclaration,
  AwsArtifactStore,
  AwsPipelineDeclaration,
  AwsPipelineMetadata,
  AwsStageDeclaration,
} from './aws-pipeline-declaration';

export interface AwsPipelineInput {
  pipeline: AwsPipelineDeclaration;
  metadata?: AwsPipelineMetadata;
  /** Fields that are not part of a CodePipeline declaration, by their path in the declaration. */
  unknownFields: Array<{ path: string; value: unknown }>;
}

const PIPELINE_FIELDS = [
  'name', 'roleArn', 'artifactStore', 'artifactStores', 'stages', 'version',
  'executionMode', 'pipelineType', 'variables', 'triggers',
];
const STAGE_FIELDS = ['name', 'actions', 'blockers', 'onFailure', 'onSuccess', 'beforeEntry'];
const ACTION_FIELDS = [
  'name', 'actionTypeId', 'runOrder', 'configuration', 'commands', 'outputArtifacts', 'inputArtifacts',
  'outputVariables', 'roleArn', 'region', 'namespace', 'timeoutInMinutes', 'environmentVariables',
];

/**
 * Checks the shape the importer relies on (names, stages, actions, action type ids, string
 * configuration) and reports every problem at once; the finer rules are Sluice's validator's job,
 * run on the imported result.
 */
export function readAwsPipeline(input: unknown): AwsPipelineInput {
  const issues = new IssueCollector();
  const root = readObject(input, 'The input', '$', issues);
  if (!root) throw refused(issues);
  const wrapped = 'pipeline' in root;
  const pipelinePath = wrapped ? '$.pipeline' : '$';
  const unknownFields: AwsPipelineInput['unknownFields'] = [];
  const pipeline = readObject(wrapped ? root.pipeline : root, 'The pipeline', pipelinePath, issues);
  const metadata = wrapped && root.metadata !== undefined ? readMetadata(root.metadata, issues) : undefined;
  if (wrapped) collectUnknown(root, ['pipeline', 'metadata'], '$', unknownFields);
  if (!pipeline) throw refused(issues);

  const name = readString(pipeline.name, 'The pipeline name', childPath(pipelinePath, 'name'), issues);
  const stagesPath = childPath(pipelinePath, 'stages');
  const rawStages =
    pipeline.stages === undefined
      ? (issues.add(stagesPath, 'missing_field', 'The pipeline has no "stages"; a CodePipeline declaration lists at least two.'), undefined)
      : readArray(pipeline.stages, 'The stages', stagesPath, issues, { min: 1, itemNoun: 'stage' });
  const stages = (rawStages ?? []).map((stage, i) => readStage(stage, indexPath(stagesPath, i), issues, unknownFields));
  collectUnknown(pipeline, PIPELINE_FIELDS, pipelinePath, unknownFields);

  const declaration: AwsPipelineDeclaration = {
    name: name ?? '',
    stages: stages.filter((stage): stage is AwsStageDeclaration => stage !== undefined),
    ...optionalString(pipeline, 'roleArn', pipelinePath, issues),
    ...optionalArtifactStore(pipeline, pipelinePath, issues),
    ...optionalArtifactStores(pipeline, pipelinePath, issues),
    ...optionalNumber(pipeline, 'version', pipelinePath, issues),
    ...(typeof pipeline.executionMode === 'string' ? { executionMode: pipeline.executionMode as ExecutionMode } : {}),
    ...(typeof pipeline.pipelineType === 'string' ? { pipelineType: pipeline.pipelineType as PipelineType } : {}),
    ...optionalList<PipelineVariableDeclaration>(pipeline, 'variables', pipelinePath, issues),
    ...optionalList<PipelineTriggerDeclaration>(pipeline, 'triggers', pipelinePath, issues),
  };
  if (issues.count > 0) throw refused(issues);
  const declarationFields = unknownFields.map((field) =>
    wrapped && field.path.startsWith(pipelinePath) ? { ...field, path: `$${field.path.slice(pipelinePath.length)}` } : field,
  );
  return { pipeline: declaration, ...(metadata ? { metadata } : {}), unknownFields: declarationFields };
}

function refused(issues: IssueCollector): ValidationError {
  return new ValidationError(issues.issues, 'The AWS pipeline cannot be imported');
}

function readStage(
  value: unknown,
  path: string,
  issues: IssueCollector,
  unknownFields: AwsPipelineInput['unknownFields'],
): AwsStageDeclaration | undefined {
  const stage = readObject(value, 'A stage', path, issues);
  if (!stage) return undefined;
  const name = readString(stage.name, 'The stage name', childPath(path, 'name'), issues);
  const actionsPath = childPath(path, 'actions');
  const rawActions = readArray(stage.actions, 'The actions of a stage', actionsPath, issues, { min: 1, itemNoun: 'action' });
  const actions = (rawActions ?? []).map((action, i) => readAction(action, indexPath(actionsPath, i), issues, unknownFields));
  collectUnknown(stage, STAGE_FIELDS, path, unknownFields);
  const conditions = ['blockers', 'onFailure', 'onSuccess', 'beforeEntry'] as const;
  const rest: Partial<AwsStageDeclaration> = {};
  for (const key of conditions) {
    const condition = stage[key];
    if (condition === undefined) continue;
    if (key === 'blockers' ? !Array.isArray(condition) : !isJsonObject(condition)) {
      issues.add(childPath(path, key), 'wrong_type', `"${key}" must be ${key === 'blockers' ? 'an array' : 'an object'}.`);
      continue;
    }
    Object.assign(rest, { [key]: condition });
  }
  if (name === undefined || !rawActions) return undefined;
  return { name, actions: actions.filter((action): action is AwsActionDeclaration => action !== undefined), ...rest };
}

function readAction(
  value: unknown,
  path: string,
  issues: IssueCollector,
  unknownFields: AwsPipelineInput['unknownFields'],
): AwsActionDeclaration | undefined {
  const action = readObject(value, 'An action', path, issues);
  if (!action) return undefined;
  const name = readString(action.name, 'The action name', childPath(path, 'name'), issues);
  const idPath = childPath(path, 'actionTypeId');
  const id = readObject(action.actionTypeId, 'The action type id', idPath, issues);
  const parts = (['category', 'owner', 'provider', 'version'] as const).map((part) =>
    id ? readString(id[part], `The action type ${part}`, childPath(idPath, part), issues) : undefined,
  );
  const [category, owner, provider, version] = parts;
  collectUnknown(action, ACTION_FIELDS, path, unknownFields);
  const declaration: Partial<AwsActionDeclaration> = {
    ...optionalNumber(action, 'runOrder', path, issues),
    ...optionalStringRecord(action, 'configuration', path, issues),
    ...optionalStringList(action, 'commands', path, issues),
    ...optionalStringList(action, 'outputVariables', path, issues),
    ...optionalArtifacts(action, 'inputArtifacts', path, issues),
    ...optionalArtifacts(action, 'outputArtifacts', path, issues),
    ...optionalString(action, 'roleArn', path, issues),
    ...optionalString(action, 'region', path, issues),
    ...optionalString(action, 'namespace', path, issues),
    ...optionalNumber(action, 'timeoutInMinutes', path, issues),
    ...optionalList(action, 'environmentVariables', path, issues),
  };
  if (name === undefined || category === undefined || owner === undefined || provider === undefined || version === undefined) {
    return undefined;
  }
  return { name, actionTypeId: { category, owner, provider, version }, ...declaration };
}

function readMetadata(value: unknown, issues: IssueCollector): AwsPipelineMetadata | undefined {
  const metadata = readObject(value, 'The metadata', '$.metadata', issues);
  if (!metadata) return undefined;
  const result: AwsPipelineMetadata = {};
  for (const key of ['pipelineArn', 'created', 'updated', 'pollingDisabledAt'] as const) {
    if (typeof metadata[key] === 'string') result[key] = metadata[key];
  }
  return result;
}

function collectUnknown(
  object: JsonObject,
  known: readonly string[],
  path: string,
  into: AwsPipelineInput['unknownFields'],
): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key) && object[key] !== undefined) into.push({ path: childPath(path, key), value: object[key] });
  }
}

function optionalString<K extends string>(object: JsonObject, key: K, path: string, issues: IssueCollector): Partial<Record<K, string>> {
  if (object[key] === undefined) return {};
  const value = readString(object[key], `"${key}"`, childPath(path, key), issues);
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function optionalNumber<K extends string>(object: JsonObject, key: K, path: string, issues: IssueCollector): Partial<Record<K, number>> {
  const value = object[key];
  if (value === undefined) return {};
  if (typeof value !== 'number') {
    issues.add(childPath(path, key), 'wrong_type', `"${key}" must be a number.`);
    return {};
  }
  return { [key]: value } as Record<K, number>;
}

function optionalStringRecord<K extends string>(
  object: JsonObject,
  key: K,
  path: string,
  issues: IssueCollector,
): Partial<Record<K, Record<string, string>>> {
  const value = object[key];
  if (value === undefined) return {};
  const record = readObject(value, `"${key}"`, childPath(path, key), issues);
  if (!record) return {};
  const strings: Record<string, string> = {};
  for (const [name, entry] of Object.entries(record)) {
    if (typeof entry === 'string') strings[name] = entry;
    else issues.add(childPath(childPath(path, key), name), 'wrong_type', `The configuration value "${name}" must be a string, as in CodePipeline.`);
  }
  return { [key]: strings } as Record<K, Record<string, string>>;
}

function optionalStringList<K extends string>(object: JsonObject, key: K, path: string, issues: IssueCollector): Partial<Record<K, string[]>> {
  const value = object[key];
  if (value === undefined) return {};
  const list = readArray(value, `"${key}"`, childPath(path, key), issues);
  if (!list) return {};
  list.forEach((entry, i) => {
    if (typeof entry !== 'string') issues.add(indexPath(childPath(path, key), i), 'wrong_type', `Each of "${key}" must be a string.`);
  });
  return { [key]: list.filter((entry): entry is string => typeof entry === 'string') } as Record<K, string[]>;
}

function optionalArtifacts<K extends string>(
  object: JsonObject,
  key: K,
  path: string,
  issues: IssueCollector,
): Partial<Record<K, Array<{ name: string; files?: string[] }>>> {
  const value = object[key];
  if (value === undefined) return {};
  const list = readArray(value, `"${key}"`, childPath(path, key), issues) ?? [];
  const artifacts = list.flatMap((entry, i) => {
    const artifactPath = indexPath(childPath(path, key), i);
    const artifact = readObject(entry, 'An artifact', artifactPath, issues);
    const name = artifact ? readString(artifact.name, 'The artifact name', childPath(artifactPath, 'name'), issues) : undefined;
    if (!artifact || name === undefined) return [];
    const files = Array.isArray(artifact.files) ? artifact.files.filter((file): file is string => typeof file === 'string') : undefined;
    return [files ? { name, files } : { name }];
  });
  return { [key]: artifacts } as Record<K, Array<{ name: string; files?: string[] }>>;
}

/** Lists whose elements Sluice's validator checks in detail once the pipeline is imported. */
function optionalList<T>(object: JsonObject, key: string, path: string, issues: IssueCollector): Record<string, T[]> {
  const value = object[key];
  if (value === undefined) return {};
  const list = readArray(value, `"${key}"`, childPath(path, key), issues);
  return list ? { [key]: list as T[] } : {};
}

function optionalArtifactStore(object: JsonObject, path: string, issues: IssueCollector): { artifactStore?: AwsArtifactStore } {
  if (object.artifactStore === undefined) return {};
  const store = readArtifactStore(object.artifactStore, childPath(path, 'artifactStore'), issues);
  return store ? { artifactStore: store } : {};
}

function optionalArtifactStores(
  object: JsonObject,
  path: string,
  issues: IssueCollector,
): { artifactStores?: Record<string, AwsArtifactStore> } {
  if (object.artifactStores === undefined) return {};
  const storesPath = childPath(path, 'artifactStores');
  const stores = readObject(object.artifactStores, '"artifactStores"', storesPath, issues);
  if (!stores) return {};
  const result: Record<string, AwsArtifactStore> = {};
  for (const [region, value] of Object.entries(stores)) {
    const store = readArtifactStore(value, childPath(storesPath, region), issues);
    if (store) result[region] = store;
  }
  return { artifactStores: result };
}

function readArtifactStore(value: unknown, path: string, issues: IssueCollector): AwsArtifactStore | undefined {
  const store = readObject(value, 'An artifact store', path, issues);
  if (!store) return undefined;
  const type = readString(store.type, 'The artifact store type', childPath(path, 'type'), issues);
  const location = readString(store.location, 'The artifact store location', childPath(path, 'location'), issues);
  if (type === undefined || location === undefined) return undefined;
  const key = store.encryptionKey;
  const encryptionKey =
    isJsonObject(key) && typeof key.id === 'string' && typeof key.type === 'string' ? { id: key.id, type: key.type } : undefined;
  return { type, location, ...(encryptionKey ? { encryptionKey } : {}) };
}
