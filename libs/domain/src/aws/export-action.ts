import { actionTypeKey } from '../action-types/action-type-definition';
import {
  BUILD_COMMANDS,
  DEPLOY_COMMANDS,
  DIRECTORY_DEPLOY,
  GIT_SOURCE,
  HTTP_INVOKE,
  MANUAL_APPROVAL,
  PIPELINE_INVOKE,
  S3_DEPLOY,
  S3_SOURCE,
  TEST_COMMANDS,
  UPLOAD_SOURCE,
} from '../action-types/built-in-action-types';
import type { ActionDeclaration } from '../pipeline-definition/pipeline-declaration';
import { childPath } from '../validation/json-path';
import { isAwsProvider } from './aws-action-providers';
import { CONNECTION_ARN_PLACEHOLDER, functionNameOfPlaceholderUrl, projectNameOfPlaceholderCommands } from './aws-placeholders';
import type { AwsActionDeclaration, AwsActionTypeId } from './aws-pipeline-declaration';
import type { ActionMappingStatus } from './mapping-report';
import type { MappingReportBuilder } from './mapping-report-builder';

export interface ExportContext {
  action: ActionDeclaration;
  path: string;
  report: MappingReportBuilder;
}

export interface ExportedAction {
  action: AwsActionDeclaration;
  status: ActionMappingStatus;
  notes: string[];
}

type ActionExporter = (context: ExportContext) => ExportedAction;

const EXPORTERS: Readonly<Record<string, ActionExporter>> = {
  [actionTypeKey(GIT_SOURCE.id)]: exportGitSource,
  [actionTypeKey(UPLOAD_SOURCE.id)]: exportAsCustom,
  [actionTypeKey(BUILD_COMMANDS.id)]: exportCommands,
  [actionTypeKey(TEST_COMMANDS.id)]: exportCommands,
  [actionTypeKey(DEPLOY_COMMANDS.id)]: exportCommands,
  [actionTypeKey(DIRECTORY_DEPLOY.id)]: exportDirectoryDeploy,
  [actionTypeKey(HTTP_INVOKE.id)]: exportHttpInvoke,
  [actionTypeKey(S3_SOURCE.id)]: (context) => exportS3(context, 'Source'),
  [actionTypeKey(S3_DEPLOY.id)]: (context) => exportS3(context, 'Deploy'),
  [actionTypeKey(MANUAL_APPROVAL.id)]: keep,
  [actionTypeKey(PIPELINE_INVOKE.id)]: exportPipelineInvoke,
};

export function exportAction(context: ExportContext): ExportedAction {
  const id = context.action.actionTypeId;
  const exporter = EXPORTERS[actionTypeKey(id)];
  if (exporter) return exporter(context);
  if (id.owner === 'Custom' && isAwsProvider(id.category, id.provider)) return restoreAwsProvider(context);
  if (id.owner === 'Custom') {
    context.report.warn(`${context.path}: custom action type ${actionTypeKey(id)} must also be created in AWS (create-custom-action-type), with a job worker.`);
  }
  return keep(context);
}

function keep(context: ExportContext): ExportedAction {
  return { action: { ...context.action }, status: 'kept', notes: [] };
}

/** The fields every provider shares, with a new type and configuration. */
function withType(context: ExportContext, actionTypeId: AwsActionTypeId, configuration: Record<string, string>): AwsActionDeclaration {
  const { action, path, report } = context;
  for (const field of ['commands', 'outputVariables', 'environmentVariables'] as const) {
    if (action[field] !== undefined) report.dropped(`${path}.${field}`, action[field], `AWS ${actionTypeId.provider} actions take no ${field}.`);
  }
  report.changed(`${path}.actionTypeId`, action.actionTypeId, actionTypeId, `AWS runs it with its ${actionTypeId.provider} provider.`);
  const { commands: _commands, outputVariables: _outputVariables, environmentVariables: _environmentVariables, ...shared } = action;
  return { ...shared, actionTypeId, configuration };
}

function configurationPath(context: ExportContext, key: string): string {
  return childPath(`${context.path}.configuration`, key);
}

const CODECOMMIT_URL = /^https:\/\/git-codecommit\.([a-z0-9-]+)\.amazonaws\.com\/v1\/repos\/([^/]+?)\/?$/;
// A user (`ssh://git@`, or the `***@` of a redacted https URL) is not part of the host.
const HOSTED_URL = /^(?:(?:https?|ssh):\/\/(?:[^@/]+@)?|[^@/]+@)([^/:]+)[/:](.+?)(?:\.git)?\/?$/;

function exportGitSource(context: ExportContext): ExportedAction {
  const configuration = context.action.configuration ?? {};
  const url = configuration.RepositoryUrl ?? '';
  const format = configuration.OutputArtifactFormat;
  const awsFormat = format === 'GIT_CLONE' ? 'CODEBUILD_CLONE_REF' : format;
  if (format === 'GIT_CLONE') {
    context.report.changed(configurationPath(context, 'OutputArtifactFormat'), format, awsFormat, 'AWS passes a full clone as a CodeBuild clone reference.');
  }
  const common: Record<string, string> = { BranchName: configuration.BranchName ?? '' };
  if (configuration.PollForSourceChanges !== undefined) {
    context.report.dropped(configurationPath(context, 'PollForSourceChanges'), configuration.PollForSourceChanges, 'AWS detects changes of CodeCommit and connection sources with events, not by polling.');
  }
  if (awsFormat !== undefined) common.OutputArtifactFormat = awsFormat;
  context.report.dropped(configurationPath(context, 'RepositoryUrl'), url, 'AWS names repositories, not URLs.');

  const codeCommit = CODECOMMIT_URL.exec(url);
  if (codeCommit) {
    const [, region, repository] = codeCommit;
    context.report.added(configurationPath(context, 'RepositoryName'), repository, 'From the CodeCommit URL.');
    if (configuration.DetectChanges !== undefined) {
      context.report.dropped(configurationPath(context, 'DetectChanges'), configuration.DetectChanges, 'CodeCommit detects changes with an EventBridge rule outside the pipeline.');
    }
    const id = { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' };
    const action = withType(context, id, { RepositoryName: repository, ...common, PollForSourceChanges: 'false' });
    return { action: { ...action, region }, status: 'mapped', notes: [`CodeCommit repository ${repository} in ${region}.`] };
  }

  const hosted = HOSTED_URL.exec(url);
  const host = hosted?.[1] ?? '';
  const repository = hosted?.[2] ?? url;
  context.report.added(configurationPath(context, 'FullRepositoryId'), repository, 'From the repository URL.');
  context.report.added(configurationPath(context, 'ConnectionArn'), CONNECTION_ARN_PLACEHOLDER, 'A placeholder: AWS reaches repositories through a connection.');
  context.report.warn(`${context.path}: ConnectionArn is a placeholder; create a connection to ${host || url} in AWS and put its ARN there.`);
  if (host !== 'github.com') {
    context.report.warn(`${context.path}: ${url} is not on github.com; the connection must be to ${host || 'its host'}, if CodeStar connections support it.`);
  }
  const id = { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' };
  const connection: Record<string, string> = { ConnectionArn: CONNECTION_ARN_PLACEHOLDER, FullRepositoryId: repository, ...common };
  if (configuration.DetectChanges !== undefined) connection.DetectChanges = configuration.DetectChanges;
  const action = withType(context, id, connection);
  return { action, status: 'mapped', notes: ['Needs an AWS connection to the repository host.'] };
}

/** The import's placeholder goes back to its CodeBuild project; real commands become CodePipeline's Commands action. */
function exportCommands(context: ExportContext): ExportedAction {
  const { action } = context;
  const commands = action.commands ?? (action.configuration?.Commands ?? '').split('\n').filter((line) => line.trim() !== '');
  if (action.configuration?.Commands !== undefined) {
    context.report.dropped(configurationPath(context, 'Commands'), action.configuration.Commands, "Became the action's commands array.");
  }
  const project = projectNameOfPlaceholderCommands(commands);
  if (project !== undefined) {
    const category = action.actionTypeId.category === 'Test' ? 'Test' : 'Build';
    const variables = action.environmentVariables ?? [];
    const configuration: Record<string, string> = { ProjectName: project };
    if (variables.length > 0) {
      configuration.EnvironmentVariables = JSON.stringify(variables);
      context.report.added(configurationPath(context, 'EnvironmentVariables'), configuration.EnvironmentVariables, "CodeBuild's form of the action's environmentVariables.");
    }
    const exported = withType(context, { category, owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration);
    context.report.added(configurationPath(context, 'ProjectName'), project, 'The CodeBuild project the import could not read.');
    return { action: exported, status: 'mapped', notes: [`Runs CodeBuild project ${project} again.`] };
  }
  const id = { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' };
  context.report.changed(`${context.path}.actionTypeId`, action.actionTypeId, id, "CodePipeline's Commands action is in the Compute category.");
  const { configuration: _configuration, ...rest } = action;
  const exported: AwsActionDeclaration = { ...rest, actionTypeId: id, commands };
  if (!action.inputArtifacts?.length) {
    context.report.warn(`${context.path}: CodePipeline's Commands action needs at least one input artifact.`);
  }
  return { action: exported, status: 'mapped', notes: ["CodePipeline's Commands action runs the same commands on CodeBuild compute."] };
}

function exportDirectoryDeploy(context: ExportContext): ExportedAction {
  const path = context.action.configuration?.Path ?? '';
  const s3 = /^s3\/([^/]+)(?:\/(.+))?$/.exec(path);
  if (!s3) return exportAsCustom(context);
  const [, bucket, key] = s3;
  context.report.dropped(configurationPath(context, 'Path'), path, 'Became BucketName and ObjectKey.');
  const configuration: Record<string, string> = { BucketName: bucket, Extract: 'true', ...(key ? { ObjectKey: key } : {}) };
  const action = withType(context, { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' }, configuration);
  return { action, status: 'mapped', notes: [`Extracts the artifact into bucket ${bucket}.`] };
}

/** Sluice's S3 source and deploy are CodePipeline's, with the same configuration (on AWS's S3 then). */
function exportS3(context: ExportContext, category: 'Source' | 'Deploy'): ExportedAction {
  const configuration = { ...(context.action.configuration ?? {}) };
  const action = withType(context, { category, owner: 'AWS', provider: 'S3', version: '1' }, configuration);
  return { action, status: 'mapped', notes: [`The bucket must exist in AWS's S3.`] };
}

function exportHttpInvoke(context: ExportContext): ExportedAction {
  const configuration = context.action.configuration ?? {};
  const functionName = functionNameOfPlaceholderUrl(configuration.Url ?? '');
  if (functionName === undefined) return exportAsCustom(context);
  context.report.dropped(configurationPath(context, 'Url'), configuration.Url, 'Became FunctionName.');
  if (configuration.Method !== undefined) context.report.dropped(configurationPath(context, 'Method'), configuration.Method, 'Lambda invocations have no method.');
  context.report.added(configurationPath(context, 'FunctionName'), functionName, 'From the placeholder URL the import made.');
  const lambda: Record<string, string> = { FunctionName: functionName };
  if (configuration.Body !== undefined) {
    context.report.dropped(configurationPath(context, 'Body'), configuration.Body, 'Became UserParameters.');
    context.report.added(configurationPath(context, 'UserParameters'), configuration.Body, 'Was Body.');
    lambda.UserParameters = configuration.Body;
  }
  const action = withType(context, { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' }, lambda);
  return { action, status: 'mapped', notes: [`Invokes Lambda function ${functionName}.`] };
}

/** Sluice's pipeline invoke is CodePipeline's; AWS's always goes on once the pipeline started, so WaitForResult true has no equivalent. */
function exportPipelineInvoke(context: ExportContext): ExportedAction {
  const { WaitForResult: wait, ...configuration } = context.action.configuration ?? {};
  if (wait !== undefined) {
    context.report.dropped(configurationPath(context, 'WaitForResult'), wait, wait === 'true' ? "AWS's invoke does not wait for the invoked execution." : 'Not a configuration key of AWS\'s invoke.');
  }
  if (wait === 'true') context.report.warn(`${context.path}: the action waited for the invoked execution's result; CodePipeline's invoke succeeds once it started.`);
  const action = withType(context, { category: 'Invoke', owner: 'AWS', provider: 'CodePipeline', version: '1' }, configuration);
  return { action, status: 'mapped', notes: [`Starts pipeline ${configuration.PipelineName ?? ''}.`] };
}

/** A Sluice provider AWS has no counterpart for is exported as a custom action type of the same name. */
function exportAsCustom(context: ExportContext): ExportedAction {
  const { actionTypeId } = context.action;
  const id = { ...actionTypeId, owner: 'Custom' };
  const action = withType(context, id, context.action.configuration ?? {});
  context.report.warn(
    `${context.path}: AWS has no equivalent of Sluice's ${actionTypeKey(actionTypeId)}; it became custom action type ${actionTypeId.category}/Custom/${actionTypeId.provider}/${actionTypeId.version}, which needs a job worker polling AWS.`,
  );
  return { action, status: 'custom', notes: ['Needs a custom action type and job worker in AWS.'] };
}

function restoreAwsProvider(context: ExportContext): ExportedAction {
  const id = { ...context.action.actionTypeId, owner: 'AWS' };
  const action = withType(context, id, context.action.configuration ?? {});
  return { action, status: 'mapped', notes: [`Back to AWS's own ${id.provider} provider.`] };
}
