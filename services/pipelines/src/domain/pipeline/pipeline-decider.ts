import {
  acceptDeclaration,
  checkString,
  IssueCollector,
  invokeCyclePath,
  invokedPipelineNames,
  pipelineInvokesIn,
  restoreRedactedCredentials,
  secretReferencesOf,
  ValidationError,
  type PipelineDeclaration,
  type ActionTypeRegistry,
  type StringRule,
} from '@sluice/domain';
import { assertNever, type Decider } from '@sluice/domain';
import { AlreadyExistsError, NotFoundError, StaleVersionError } from '../errors';
import { checkTags } from '../tag';
import type {
  CreatePipeline,
  DeletePipeline,
  DisableStageTransition,
  EnableStageTransition,
  PipelineCommand,
  TagPipeline,
  UntagPipeline,
  UpdatePipeline,
} from './pipeline-commands';
import type { PipelineEvent, TransitionType } from '@sluice/contracts';
import { evolvePipeline, initialPipelineState, type ActivePipeline, type PipelineState } from './pipeline-state';

/** What a pipeline decision needs besides its stream: the account's action types (built-ins + custom). */
export interface PipelineContext {
  actionTypes: ActionTypeRegistry;
  /** The account's secrets (decision 0043): a definition may reference only those that exist. Without it, any name passes. */
  secretExists?: (name: string) => boolean;
  /**
   * The pipelines of the account another invokes (decision 0052): undefined for a pipeline that does not exist, else
   * the names its newest definition invokes. Without it, invokes are not checked against the account.
   */
  invokesOf?: (pipeline: string) => readonly string[] | undefined;
}

export const pipelineDecider: Decider<PipelineCommand, PipelineEvent, PipelineState, PipelineContext> = {
  initialState: initialPipelineState,
  evolve: evolvePipeline,
  decide: decidePipeline,
};

export function decidePipeline(command: PipelineCommand, state: PipelineState, context: PipelineContext): PipelineEvent[] {
  switch (command.type) {
    case 'CreatePipeline':
      return createPipeline(command, state, context);
    case 'UpdatePipeline':
      return updatePipeline(command, state, context);
    case 'DeletePipeline':
      return deletePipeline(command, state);
    case 'DisableStageTransition':
      return disableStageTransition(command, state);
    case 'EnableStageTransition':
      return enableStageTransition(command, state);
    case 'TagPipeline':
      return tagPipeline(command, state);
    case 'UntagPipeline':
      return untagPipeline(command, state);
    default:
      return assertNever(command);
  }
}

function createPipeline(command: CreatePipeline, state: PipelineState, context: PipelineContext): PipelineEvent[] {
  const issues = new IssueCollector();
  const accepted = acceptDeclaration(command.declaration, context.actionTypes, issues);
  if (accepted) checkSecretReferences(accepted.declaration, context, issues);
  if (accepted) checkInvokedPipelines(accepted.declaration, context, issues);
  checkTags(command.tags, [], 'tags', issues);
  if (issues.count > 0 || !accepted) throw new ValidationError(issues.issues, 'The pipeline cannot be created');
  const { declaration, given } = accepted;
  if (state.status === 'Active') throw new AlreadyExistsError(`A pipeline named '${state.name}' already exists.`, 'PIPELINE_NAME_IN_USE');
  const version = state.status === 'Deleted' ? state.lastVersion + 1 : 1;
  const { now, actor } = command.metadata;
  return [
    {
      type: 'PipelineCreated',
      data: {
        name: declaration.name,
        version,
        declaration: { ...declaration, version },
        ...(given ? { givenDeclaration: { ...given, version } } : {}),
        tags: command.tags,
        created: now,
        createdBy: actor,
      },
    },
  ];
}

function updatePipeline(command: UpdatePipeline, state: PipelineState, context: PipelineContext): PipelineEvent[] {
  const issues = new IssueCollector();
  // getPipeline shows `https://***@host/…` for a URL with credentials: sent back as read, it keeps the stored ones.
  const input = state.status === 'Active' ? restoreRedactedCredentials(command.declaration, state.declaration) : command.declaration;
  const accepted = acceptDeclaration(input, context.actionTypes, issues);
  if (accepted) checkSecretReferences(accepted.declaration, context, issues);
  if (accepted) checkInvokedPipelines(accepted.declaration, context, issues);
  const expectedVersion = (command.declaration as { version?: unknown } | null)?.version;
  if (typeof command.declaration === 'object' && command.declaration !== null && !isVersion(expectedVersion)) {
    issues.add(
      '$.version',
      'version_required',
      'updatePipeline needs the version you read (pipeline.version from getPipeline), so that it never overwrites an update made since.',
    );
  }
  if (issues.count > 0 || !accepted || !isVersion(expectedVersion)) throw new ValidationError(issues.issues, 'The pipeline cannot be updated');
  const { declaration, given } = accepted;
  const pipeline = requireActive(state, declaration.name);
  if (expectedVersion !== pipeline.version) throw new StaleVersionError(pipeline.name, expectedVersion, pipeline.version);
  const version = pipeline.version + 1;
  const { now, actor } = command.metadata;
  return [
    {
      type: 'PipelineUpdated',
      data: {
        name: pipeline.name,
        version,
        declaration: { ...declaration, version },
        ...(given ? { givenDeclaration: { ...given, version } } : {}),
        updated: now,
        updatedBy: actor,
      },
    },
  ];
}

/** An unknown secret is an issue at the reference's JSON path, so a typo fails when the definition is saved, not when a job runs. */
function checkSecretReferences(declaration: PipelineDeclaration, { secretExists }: PipelineContext, issues: IssueCollector): void {
  if (!secretExists) return;
  for (const reference of secretReferencesOf(declaration)) {
    if (!secretExists(reference.name)) issues.add(reference.path, 'unknown_secret', `The secret "${reference.name}" does not exist in this account; create it first (createSecret).`);
  }
}

/**
 * An invoked pipeline must exist in the account, and saving must not close a loop through the saved definitions
 * (A invokes B, B invokes A): each execution would start the next without end. The engine bounds chains at run time too.
 */
function checkInvokedPipelines(declaration: PipelineDeclaration, { invokesOf }: PipelineContext, issues: IssueCollector): void {
  if (!invokesOf) return;
  const invoked = invokedPipelineNames(declaration);
  for (const { path, pipelineName } of pipelineInvokesIn(declaration)) {
    if (pipelineName === declaration.name || !invoked.includes(pipelineName)) continue;
    const at = `${path}.configuration.PipelineName`;
    if (invokesOf(pipelineName) === undefined) {
      issues.add(at, 'unknown_pipeline', `There is no pipeline "${pipelineName}" in this account to invoke; create it first.`);
      continue;
    }
    const cycle = invokeCyclePath(declaration.name, [pipelineName], (name) => invokesOf(name) ?? []);
    if (cycle) issues.add(at, 'invoke_cycle', `Invoking "${pipelineName}" closes a loop of invocations (${cycle.join(' → ')}): each execution would start the next without end.`);
  }
}

function deletePipeline(command: DeletePipeline, state: PipelineState): PipelineEvent[] {
  const pipeline = requireActive(state, command.name);
  const { now, actor } = command.metadata;
  return [{ type: 'PipelineDeleted', data: { name: pipeline.name, version: pipeline.version, deleted: now, deletedBy: actor } }];
}

const reasonRule: StringRule = {
  label: 'The reason',
  minLength: 1,
  maxLength: 300,
  allowedCharacter: /^[^\p{Cc}\p{Cs}]$/u,
  allowedDescription: 'printable characters (no control characters)',
};

function disableStageTransition(command: DisableStageTransition, state: PipelineState): PipelineEvent[] {
  const issues = new IssueCollector();
  const transitionType = checkTransitionType(command.transitionType, issues);
  checkString(command.reason, reasonRule, 'reason', issues);
  const pipeline = requireActive(state, command.pipelineName);
  checkStage(pipeline, command.stageName, issues);
  if (issues.count > 0 || !transitionType) throw new ValidationError(issues.issues, 'The transition cannot be disabled');
  const { now, actor } = command.metadata;
  return [
    {
      type: 'StageTransitionDisabled',
      data: { name: pipeline.name, stageName: command.stageName, transitionType, reason: command.reason, disabledBy: actor, disabledAt: now },
    },
  ];
}

function enableStageTransition(command: EnableStageTransition, state: PipelineState): PipelineEvent[] {
  const issues = new IssueCollector();
  const transitionType = checkTransitionType(command.transitionType, issues);
  const pipeline = requireActive(state, command.pipelineName);
  checkStage(pipeline, command.stageName, issues);
  if (issues.count > 0 || !transitionType) throw new ValidationError(issues.issues, 'The transition cannot be enabled');
  // Enabling an enabled transition is a no-op, as in CodePipeline: a retried request changes nothing.
  if (!pipeline.disabledTransitions[command.stageName]) return [];
  const { now, actor } = command.metadata;
  return [
    {
      type: 'StageTransitionEnabled',
      data: { name: pipeline.name, stageName: command.stageName, transitionType, enabledBy: actor, enabledAt: now },
    },
  ];
}

function tagPipeline(command: TagPipeline, state: PipelineState): PipelineEvent[] {
  const pipeline = requireActive(state, command.name);
  const issues = new IssueCollector();
  if (command.tags.length === 0) issues.add('tags', 'no_tags', 'Give at least one tag.');
  checkTags(command.tags, pipeline.tags, 'tags', issues);
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The tags cannot be added');
  return [{ type: 'PipelineTagged', data: { name: pipeline.name, tags: command.tags } }];
}

function untagPipeline(command: UntagPipeline, state: PipelineState): PipelineEvent[] {
  const pipeline = requireActive(state, command.name);
  const present = new Set(pipeline.tags.map((t) => t.key));
  const tagKeys = [...new Set(command.tagKeys)].filter((key) => present.has(key));
  return tagKeys.length === 0 ? [] : [{ type: 'PipelineUntagged', data: { name: pipeline.name, tagKeys } }];
}

/**
 * Every issue of the definition, added to `issues`; when it is valid, the declaration the engine runs and,
 * if AWS-owned action types had to be mapped to Sluice providers, the definition as given.
 */

function requireActive(state: PipelineState, name: string): ActivePipeline {
  if (state.status !== 'Active') throw new NotFoundError('pipeline', name);
  return state;
}

function checkTransitionType(value: string, issues: IssueCollector): TransitionType | undefined {
  if (value === 'Inbound') return value;
  issues.add(
    'transitionType',
    'unsupported_transition_type',
    `Transition type '${value}' is not supported: Sluice disables and enables the inbound transition of a stage ('Inbound').`,
  );
  return undefined;
}

function checkStage(pipeline: ActivePipeline, stageName: string, issues: IssueCollector): void {
  const index = pipeline.declaration.stages.findIndex((stage) => stage.name === stageName);
  if (index < 0) throw new NotFoundError('stage', stageName, `Pipeline '${pipeline.name}' has no stage named '${stageName}'.`);
  if (index === 0) {
    issues.add('stageName', 'first_stage_has_no_inbound_transition', `Stage '${stageName}' is the first stage: no transition leads into it.`);
  }
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

