import type { ActionTypeRegistry } from '../action-types/action-type-registry';
import { quote } from '../validation/describe-value';
import { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath, ROOT_PATH } from '../validation/json-path';
import {
  checkFields,
  isJsonObject,
  readArray,
  readInteger,
  readObject,
  readOneOf,
  readString,
  readValidString,
  type JsonObject,
} from '../validation/json-shape';
import type { ValidationIssue } from '../validation/validation-issue';
import { checkNamespacesUnique } from './action-namespaces';
import { checkPipelineInvokes } from './pipeline-invoke';
import { checkArtifactFlow, conditionSees } from './artifact-flow';
import { measureDefinition } from './definition-size';
import { EXECUTION_MODES, PIPELINE_TYPES, type PipelineDeclaration, type PipelineType } from './pipeline-declaration';
import type { StageFacts } from './pipeline-facts';
import {
  DEFAULT_MAX_DEFINITION_BYTES,
  MAX_DEFINITION_DEPTH,
  PIPELINE_LIMITS,
  PIPELINE_NAME_RULE,
} from './pipeline-limits';
import { readPipelineVariables } from './read-pipeline-variables';
import { readStage } from './read-stage';
import type { ConditionFacts } from './read-stage-conditions';
import { readTriggers } from './read-triggers';
import { checkSourceStage } from './source-stage';
import { actionReferenceScope, checkVariableReferences } from './variable-references';

export interface ValidatePipelineOptions {
  /** Largest definition accepted, in bytes of JSON; bigger ones are refused before anything else is checked. */
  maxDefinitionBytes?: number;
}

export type PipelineValidation =
  | { valid: true; pipeline: PipelineDeclaration }
  | { valid: false; issues: ValidationIssue[] };

export const PIPELINE_FIELDS = {
  required: ['name', 'stages'],
  optional: ['roleArn', 'artifactStore', 'artifactStores', 'version', 'executionMode', 'pipelineType', 'variables', 'triggers'],
} as const;

/**
 * Validates a pipeline definition in CodePipeline's JSON shape and reports every issue at once.
 * A valid definition is returned as given (no defaults filled in; see `applyPipelineDefaults`).
 */
export function validatePipelineDeclaration(
  input: unknown,
  registry: ActionTypeRegistry,
  options: ValidatePipelineOptions = {},
): PipelineValidation {
  const maxBytes = options.maxDefinitionBytes ?? DEFAULT_MAX_DEFINITION_BYTES;
  const size = measureDefinition(input, maxBytes, MAX_DEFINITION_DEPTH);
  switch (size.kind) {
    case 'too_large':
      return refuse('definition_too_large', `The pipeline definition is larger than the limit of ${formatBytes(maxBytes)} of JSON; nothing else was checked.`);
    case 'too_deep':
      return refuse('definition_too_deep', `The pipeline definition nests deeper than ${MAX_DEFINITION_DEPTH} levels; nothing else was checked.`);
    case 'within_limit':
      break;
  }

  const issues = new IssueCollector();
  const root = readObject(input, 'A pipeline definition', ROOT_PATH, issues);
  if (!root) return { valid: false, issues: issues.issues };
  if (looksLikeGetPipelineOutput(root)) {
    return refuse(
      'wrapped_pipeline',
      'This looks like the output of "aws codepipeline get-pipeline" ({ "pipeline", "metadata" }); give the value of its "pipeline" field, or import it with importAwsPipeline.',
    );
  }
  checkFields(root, PIPELINE_FIELDS, 'The pipeline', ROOT_PATH, issues);
  const at = (field: string): string => childPath(ROOT_PATH, field);

  if (root.name !== undefined) readValidString(root.name, 'The pipeline name', at('name'), issues, PIPELINE_NAME_RULE);
  if (root.roleArn !== undefined) readString(root.roleArn, 'The roleArn', at('roleArn'), issues, { minLength: 1, maxLength: PIPELINE_LIMITS.roleArnMaxLength });
  readArtifactStores(root, issues);
  if (root.version !== undefined) readInteger(root.version, 'The version', at('version'), issues, { min: 1, max: 2_147_483_647 });
  const executionMode = root.executionMode === undefined ? undefined : readOneOf(root.executionMode, EXECUTION_MODES, 'The executionMode', at('executionMode'), issues);
  const pipelineType = root.pipelineType === undefined ? undefined : readOneOf(root.pipelineType, PIPELINE_TYPES, 'The pipelineType', at('pipelineType'), issues);
  const pipelineVariables = root.variables === undefined ? new Set<string>() : readPipelineVariables(root.variables, at('variables'), issues);

  const stages: StageFacts[] = [];
  const conditions: ConditionFacts[] = [];
  if (root.stages !== undefined) {
    const items = readArray(root.stages, 'The pipeline', at('stages'), issues, {
      min: PIPELINE_LIMITS.minStages,
      max: PIPELINE_LIMITS.maxStages,
      itemNoun: 'stage',
    }) ?? [];
    items.forEach((item, index) => {
      const read = readStage(item, index, indexPath(at('stages'), index), registry, issues);
      if (!read) return;
      stages.push(read.stage);
      conditions.push(...read.conditions);
    });
  }

  checkStageNamesUnique(stages, issues);
  checkSourceStage(stages, issues);
  checkArtifactFlow(stages, conditions, issues);
  checkNamespacesUnique(stages, issues);
  checkReferences(stages, conditions, pipelineVariables, issues);
  checkPipelineInvokes(root, issues);
  if (root.triggers !== undefined) readTriggers(root.triggers, at('triggers'), stages, issues);
  if (pipelineType !== undefined) checkPipelineTypeFeatures(pipelineType, root, executionMode, conditions, issues);

  if (issues.count > 0) return { valid: false, issues: issues.issues };
  // Every field was checked above, so the input has the declared shape.
  return { valid: true, pipeline: input as PipelineDeclaration };
}

function refuse(code: string, message: string): PipelineValidation {
  return { valid: false, issues: [{ path: ROOT_PATH, code, message }] };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB (${bytes} bytes)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB (${bytes} bytes)`;
  return `${bytes} bytes`;
}

function looksLikeGetPipelineOutput(root: JsonObject): boolean {
  return root.stages === undefined && isJsonObject(root.pipeline);
}

function readArtifactStores(root: JsonObject, issues: IssueCollector): void {
  if (root.artifactStore !== undefined) readArtifactStore(root.artifactStore, childPath(ROOT_PATH, 'artifactStore'), issues);
  if (root.artifactStores !== undefined) {
    const path = childPath(ROOT_PATH, 'artifactStores');
    const byRegion = readObject(root.artifactStores, 'The artifactStores', path, issues);
    for (const [region, store] of Object.entries(byRegion ?? {})) readArtifactStore(store, childPath(path, region), issues);
    if (root.artifactStore !== undefined) {
      issues.add(path, 'artifact_store_conflict', 'Give either "artifactStore" or "artifactStores" (one per region), not both.');
    }
  }
}

function readArtifactStore(value: unknown, path: string, issues: IssueCollector): void {
  const store = readObject(value, 'The artifact store', path, issues);
  if (!store) return;
  checkFields(store, { required: ['type', 'location'], optional: ['encryptionKey'] }, 'The artifact store', path, issues);
  if (store.type !== undefined) readOneOf(store.type, ['S3'], 'The artifact store type', childPath(path, 'type'), issues);
  if (store.location !== undefined) readString(store.location, 'The artifact store location', childPath(path, 'location'), issues, { minLength: 3, maxLength: 63 });
  if (store.encryptionKey === undefined) return;
  const keyPath = childPath(path, 'encryptionKey');
  const key = readObject(store.encryptionKey, 'The encryptionKey', keyPath, issues);
  if (!key) return;
  checkFields(key, { required: ['id', 'type'], optional: [] }, 'The encryptionKey', keyPath, issues);
  if (key.id !== undefined) readString(key.id, 'The encryption key id', childPath(keyPath, 'id'), issues, { minLength: 1, maxLength: 400 });
  if (key.type !== undefined) readOneOf(key.type, ['KMS'], 'The encryption key type', childPath(keyPath, 'type'), issues);
}

function checkStageNamesUnique(stages: readonly StageFacts[], issues: IssueCollector): void {
  const firstIndex = new Map<string, number>();
  for (const stage of stages) {
    if (stage.name === undefined) continue;
    const first = firstIndex.get(stage.name);
    if (first === undefined) {
      firstIndex.set(stage.name, stage.index);
      continue;
    }
    issues.add(
      childPath(stage.path, 'name'),
      'duplicate_stage_name',
      `The stage name ${quote(stage.name)} is already used by stage #${first}; stage names must be unique in a pipeline.`,
    );
  }
}

function checkReferences(
  stages: readonly StageFacts[],
  conditions: readonly ConditionFacts[],
  pipelineVariables: ReadonlySet<string>,
  issues: IssueCollector,
): void {
  const allActions = stages.flatMap((stage) => stage.actions);
  for (const action of allActions) {
    checkVariableReferences(action.references, actionReferenceScope(action, stages, allActions, pipelineVariables), issues);
  }
  for (const condition of conditions) {
    checkVariableReferences(
      condition.references,
      { stages, allActions, pipelineVariables, isAvailable: (producer) => conditionSees(condition, producer), referrer: `this ${condition.kind} condition` },
      issues,
    );
  }
}

/** V1 pipelines lack what CodePipeline introduced with V2: variables, triggers, execution modes and stage conditions. */
function checkPipelineTypeFeatures(
  pipelineType: PipelineType,
  root: JsonObject,
  executionMode: string | undefined,
  conditions: readonly ConditionFacts[],
  issues: IssueCollector,
): void {
  switch (pipelineType) {
    case 'V2':
      return;
    case 'V1': {
      const requireV2 = (path: string, feature: string): void =>
        issues.add(path, 'requires_pipeline_type_v2', `${feature} need pipelineType "V2", but this pipeline is "V1".`);
      if (root.variables !== undefined) requireV2(childPath(ROOT_PATH, 'variables'), 'Pipeline variables');
      if (root.triggers !== undefined) requireV2(childPath(ROOT_PATH, 'triggers'), 'Triggers');
      if (executionMode !== undefined && executionMode !== 'SUPERSEDED') {
        requireV2(childPath(ROOT_PATH, 'executionMode'), `The ${executionMode} execution mode and other modes than SUPERSEDED`);
      }
      for (const condition of conditions) requireV2(condition.path, `Stage conditions (${condition.kind})`);
      return;
    }
  }
}
