import { BUILT_IN_ACTION_TYPES } from '../action-types/built-in-action-types';
import { actionTypeKey } from '../action-types/action-type-definition';
import {
  ENVIRONMENT_VARIABLE_TYPES,
  type ActionDeclaration,
  type EnvironmentVariable,
} from '../pipeline-definition/pipeline-declaration';
import type { ActionMappingContext, MappedAction } from './action-mapping-context';
import type { AwsActionTypeId } from './aws-pipeline-declaration';
import { mapAwsCommandsAction, mapCodeBuildAction } from './map-commands-action';
import { mapToCustomAction } from './map-custom-action';
import { keepManualApproval, mapLambdaInvoke, mapPipelineInvoke } from './map-deploy-and-invoke-actions';
import { mapS3Deploy, mapS3Source } from './map-s3-actions';
import { mapCodeCommitSource, mapConnectionSource, mapGitHubSource } from './map-source-action';

type ActionMapper = (context: ActionMappingContext) => MappedAction;

/** By `category/owner/provider`; any version. Everything else becomes a custom action type. */
const MAPPERS: Readonly<Record<string, ActionMapper>> = {
  'Source/AWS/CodeCommit': mapCodeCommitSource,
  'Source/AWS/CodeStarSourceConnection': mapConnectionSource,
  'Source/ThirdParty/GitHub': mapGitHubSource,
  'Source/AWS/S3': mapS3Source,
  'Build/AWS/CodeBuild': mapCodeBuildAction,
  'Test/AWS/CodeBuild': mapCodeBuildAction,
  'Compute/AWS/Commands': mapAwsCommandsAction,
  'Deploy/AWS/S3': mapS3Deploy,
  'Invoke/AWS/Lambda': mapLambdaInvoke,
  'Invoke/AWS/CodePipeline': mapPipelineInvoke,
  'Approval/AWS/Manual': keepManualApproval,
};

const BUILT_IN_KEYS = new Set(BUILT_IN_ACTION_TYPES.map((type) => actionTypeKey(type.id)));

export function mapAction(context: ActionMappingContext): MappedAction {
  const id = context.action.actionTypeId;
  const mapper = MAPPERS[`${id.category}/${id.owner}/${id.provider}`];
  if (mapper) return mapper(context);
  if (BUILT_IN_KEYS.has(awsTypeKey(id))) return keepSluiceAction(context);
  return mapToCustomAction(context);
}

function awsTypeKey(id: AwsActionTypeId): string {
  return `${id.category}/${id.owner}/${id.provider}/${id.version}`;
}

/** An action already in Sluice's terms (a definition written for Sluice) passes through. */
function keepSluiceAction(context: ActionMappingContext): MappedAction {
  const { action } = context;
  const id = BUILT_IN_ACTION_TYPES.find((type) => actionTypeKey(type.id) === awsTypeKey(action.actionTypeId))?.id;
  if (!id) throw new Error(`${awsTypeKey(action.actionTypeId)} is not a built-in action type`);
  const environmentVariables = action.environmentVariables?.flatMap((variable): EnvironmentVariable[] => {
    const type = ENVIRONMENT_VARIABLE_TYPES.find((candidate) => candidate === (variable.type ?? 'PLAINTEXT'));
    return type ? [{ name: variable.name, value: variable.value, type }] : [];
  });
  return {
    actionTypeId: { ...id },
    status: 'kept',
    notes: [],
    ...(action.configuration ? { configuration: action.configuration } : {}),
    ...(action.commands ? { commands: action.commands } : {}),
    ...(action.outputVariables ? { outputVariables: action.outputVariables } : {}),
    ...(environmentVariables ? { environmentVariables } : {}),
  };
}

/** The Sluice action: what the mapping decided, plus the fields every provider shares. */
export function assembleAction(context: ActionMappingContext, mapped: MappedAction): ActionDeclaration {
  const { action, path, report } = context;
  reportTypeChange(context, mapped);
  if (action.region !== undefined) report.dropped(`${path}.region`, action.region, 'Sluice runs every action where its workers are; there are no regions.');
  if (action.roleArn !== undefined) report.dropped(`${path}.roleArn`, action.roleArn, 'Sluice does not assume IAM roles; permissions are Sluice policies.');
  for (const field of ['commands', 'outputVariables', 'environmentVariables'] as const) {
    if (action[field] !== undefined && mapped[field] === undefined) {
      report.dropped(`${path}.${field}`, action[field], `Only Commands actions take ${field}.`);
    }
  }
  return {
    name: action.name,
    actionTypeId: mapped.actionTypeId,
    ...(action.runOrder !== undefined ? { runOrder: action.runOrder } : {}),
    ...(mapped.configuration ? { configuration: mapped.configuration } : {}),
    ...(mapped.commands ? { commands: mapped.commands } : {}),
    ...(mapped.outputArtifacts ?? action.outputArtifacts ? { outputArtifacts: mapped.outputArtifacts ?? action.outputArtifacts } : {}),
    ...(action.inputArtifacts ? { inputArtifacts: action.inputArtifacts } : {}),
    ...(mapped.outputVariables ? { outputVariables: mapped.outputVariables } : {}),
    ...(action.namespace !== undefined ? { namespace: action.namespace } : {}),
    ...(action.timeoutInMinutes !== undefined ? { timeoutInMinutes: action.timeoutInMinutes } : {}),
    ...(mapped.environmentVariables ? { environmentVariables: mapped.environmentVariables } : {}),
  };
}

function reportTypeChange(context: ActionMappingContext, mapped: MappedAction): void {
  const path = `${context.path}.actionTypeId`;
  const before = context.action.actionTypeId;
  switch (mapped.status) {
    case 'kept':
      return;
    case 'mapped':
      context.report.changed(path, before, mapped.actionTypeId, `Sluice runs it with its ${mapped.actionTypeId.provider} provider.`);
      return;
    case 'custom':
      context.report.changed(path, before, mapped.actionTypeId, 'No Sluice provider does this: a custom action type of the same name.');
      return;
    default:
      assertNever(mapped.status);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value ${String(value)}`);
}
