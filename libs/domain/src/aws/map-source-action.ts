import { GIT_SOURCE } from '../action-types/built-in-action-types';
import {
  configurationPath,
  dropUnhandledConfiguration,
  type ActionMappingContext,
  type MappedAction,
} from './action-mapping-context';

const TARGET = "Sluice's Source/Git";

/** CodeCommit, CodeStarSourceConnection and GitHub (v1) all become a Git source cloned by URL. */
export function mapCodeCommitSource(context: ActionMappingContext): MappedAction {
  const configuration = context.action.configuration ?? {};
  const repository = configuration.RepositoryName ?? '';
  const region = context.region ?? 'us-east-1';
  if (!context.region) {
    context.report.warn(`${context.path}: no region is known for CodeCommit repository "${repository}"; its URL assumes us-east-1.`);
  }
  const url = `https://git-codecommit.${region}.amazonaws.com/v1/repos/${repository}`;
  context.report.dropped(configurationPath(context, 'RepositoryName'), repository, 'Replaced by RepositoryUrl.');
  context.report.added(configurationPath(context, 'RepositoryUrl'), url, `The HTTPS clone URL of CodeCommit repository "${repository}" in ${region}.`);
  dropPollForSourceChanges(context);
  return gitSource(context, url, configuration.BranchName, ['RepositoryName', 'BranchName', 'PollForSourceChanges'], [
    'Cloned over HTTPS: give the worker git credentials for CodeCommit (a credential helper or HTTPS Git credentials).',
  ]);
}

export function mapConnectionSource(context: ActionMappingContext): MappedAction {
  const configuration = context.action.configuration ?? {};
  const repository = configuration.FullRepositoryId ?? '';
  const url = `https://github.com/${repository}.git`;
  context.report.dropped(configurationPath(context, 'FullRepositoryId'), repository, 'Replaced by RepositoryUrl.');
  context.report.added(configurationPath(context, 'RepositoryUrl'), url, 'Assumes the connection is to GitHub.');
  if (configuration.ConnectionArn !== undefined) {
    context.report.dropped(
      configurationPath(context, 'ConnectionArn'),
      configuration.ConnectionArn,
      'Sluice clones by URL; connections are an AWS resource.',
    );
  }
  context.report.warn(
    `${context.path}: the CodeStar connection was assumed to be to GitHub (${url}); edit RepositoryUrl if it is Bitbucket, GitLab or GitHub Enterprise.`,
  );
  const mapped = gitSource(context, url, configuration.BranchName, ['FullRepositoryId', 'ConnectionArn', 'BranchName', 'DetectChanges'], [
    'Give the worker read access to the repository (a deploy key or token in its git credentials).',
  ]);
  if (configuration.DetectChanges !== undefined) mapped.configuration = { ...mapped.configuration, DetectChanges: configuration.DetectChanges };
  return mapped;
}

export function mapGitHubSource(context: ActionMappingContext): MappedAction {
  const configuration = context.action.configuration ?? {};
  const url = `https://github.com/${configuration.Owner ?? ''}/${configuration.Repo ?? ''}.git`;
  for (const key of ['Owner', 'Repo'] as const) {
    if (configuration[key] !== undefined) context.report.dropped(configurationPath(context, key), configuration[key], 'Replaced by RepositoryUrl.');
  }
  context.report.added(configurationPath(context, 'RepositoryUrl'), url, 'Built from Owner and Repo.');
  if (configuration.Branch !== undefined) {
    context.report.dropped(configurationPath(context, 'Branch'), configuration.Branch, 'Renamed BranchName.');
    context.report.added(configurationPath(context, 'BranchName'), configuration.Branch, 'Was Branch.');
  }
  if (configuration.OAuthToken !== undefined) {
    context.report.dropped(configurationPath(context, 'OAuthToken'), configuration.OAuthToken, 'Secrets are not imported.');
    context.report.warn(
      `${context.path}: the GitHub OAuth token was not imported (AWS never reveals it); give the worker its own credentials for ${url}.`,
    );
  }
  dropPollForSourceChanges(context);
  return gitSource(context, url, configuration.Branch, ['Owner', 'Repo', 'Branch', 'OAuthToken', 'PollForSourceChanges'], [
    'GitHub version 1 actions are deprecated by AWS; the Git source replaces them.',
  ]);
}

function gitSource(
  context: ActionMappingContext,
  url: string,
  branch: string | undefined,
  handled: readonly string[],
  notes: string[],
): MappedAction {
  const configuration: Record<string, string> = { RepositoryUrl: url, BranchName: branch ?? '' };
  const format = outputArtifactFormat(context);
  if (format !== undefined) configuration.OutputArtifactFormat = format;
  dropUnhandledConfiguration(context, [...handled, 'OutputArtifactFormat'], TARGET);
  return { actionTypeId: { ...GIT_SOURCE.id }, status: 'mapped', notes, configuration };
}

/** CODE_ZIP means the same in Sluice; a CodeBuild clone reference becomes a full clone. */
function outputArtifactFormat(context: ActionMappingContext): string | undefined {
  const format = context.action.configuration?.OutputArtifactFormat;
  if (format === 'CODEBUILD_CLONE_REF') {
    context.report.changed(configurationPath(context, 'OutputArtifactFormat'), format, 'GIT_CLONE', 'Sluice passes a full clone instead of a CodeBuild clone reference.');
    return 'GIT_CLONE';
  }
  if (format !== undefined && format !== 'CODE_ZIP') {
    context.report.dropped(configurationPath(context, 'OutputArtifactFormat'), format, 'Not a format Sluice knows; it uses CODE_ZIP.');
    return undefined;
  }
  return format;
}

function dropPollForSourceChanges(context: ActionMappingContext): void {
  const poll = context.action.configuration?.PollForSourceChanges;
  if (poll === undefined) return;
  context.report.dropped(
    configurationPath(context, 'PollForSourceChanges'),
    poll,
    "Sluice polls the repository and takes its webhooks (one push starts one execution); an AWS value of false would leave the source to an EventBridge rule or webhook outside the pipeline, so it is not kept. Set PollForSourceChanges \"false\" once a Sluice webhook is registered.",
  );
}

