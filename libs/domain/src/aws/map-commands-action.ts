import { BUILD_COMMANDS, TEST_COMMANDS } from '../action-types/built-in-action-types';
import type { EnvironmentVariable, OutputArtifact } from '../pipeline-definition/pipeline-declaration';
import {
  configurationPath,
  dropUnhandledConfiguration,
  type ActionMappingContext,
  type MappedAction,
} from './action-mapping-context';
import { codeBuildPlaceholderCommand } from './aws-placeholders';
import type { AwsEnvironmentVariable } from './aws-pipeline-declaration';
import { parseBuildspec, PRIMARY_ARTIFACT, type Buildspec } from './buildspec';

const INLINE_BUILDSPEC_KEYS = ['BuildSpec', 'buildspec'];
const CODEBUILD_KEYS = ['ProjectName', 'EnvironmentVariables', 'PrimarySource', 'BatchEnabled', 'CombineArtifacts', ...INLINE_BUILDSPEC_KEYS];

/** A CodeBuild action becomes a Commands action running its buildspec's commands, or a placeholder that fails until edited. */
export function mapCodeBuildAction(context: ActionMappingContext): MappedAction {
  const configuration = context.action.configuration ?? {};
  const project = configuration.ProjectName ?? '';
  const details = context.options.codeBuildProjects?.[project];
  const inlineKey = INLINE_BUILDSPEC_KEYS.find((key) => configuration[key] !== undefined);
  const buildspecText = inlineKey ? configuration[inlineKey] : details?.buildspec;
  const parsed = buildspecText === undefined ? undefined : parseBuildspec(buildspecText);
  const buildspec = parsed?.ok ? parsed.buildspec : undefined;
  const notes: string[] = [];

  reportCodeBuildConfiguration(context, inlineKey);
  dropUnhandledConfiguration(context, CODEBUILD_KEYS, 'A Sluice Commands action');

  let commands: string[];
  if (buildspec) {
    commands = buildspec.commands;
    notes.push(`Commands taken from the buildspec of CodeBuild project "${project}".`);
    if (buildspec.ignored.length > 0) {
      context.report.warn(`${context.path}: buildspec settings with no Sluice equivalent were ignored: ${buildspec.ignored.join(', ')}.`);
    }
    if (buildspec.parameterStoreVariables.length > 0) {
      context.report.warn(
        `${context.path}: Parameter Store variables of the buildspec were not imported: ${buildspec.parameterStoreVariables.join(', ')}.`,
      );
    }
  } else {
    commands = [codeBuildPlaceholderCommand(project)];
    const why = parsed && !parsed.ok ? `its buildspec was given but ${parsed.reason}` : 'no buildspec was given for it';
    notes.push(`A placeholder command fails the action until its commands are added (${why}).`);
    context.report.warn(
      `${context.path}: CodeBuild project "${project}" was not imported (${why}); its action fails until you add its commands.`,
    );
  }

  const environmentVariables = mergeEnvironment(context, [
    ...(buildspec?.environmentVariables ?? []),
    ...(details?.environmentVariables ?? []),
    ...actionEnvironmentVariables(context),
  ]);
  const outputVariables = buildspec?.exportedVariables ?? [];
  const outputArtifacts = withFiles(context, buildspec);
  const category = context.action.actionTypeId.category === 'Test' ? TEST_COMMANDS : BUILD_COMMANDS;
  return {
    actionTypeId: { ...category.id },
    status: 'mapped',
    notes,
    commands,
    ...(environmentVariables.length > 0 ? { environmentVariables } : {}),
    ...(outputVariables.length > 0 ? { outputVariables } : {}),
    ...(outputArtifacts ? { outputArtifacts } : {}),
  };
}

/** CodePipeline's own Commands action (category Compute) is Sluice's Commands action under another id. */
export function mapAwsCommandsAction(context: ActionMappingContext): MappedAction {
  const { action } = context;
  dropUnhandledConfiguration(context, [], 'A Sluice Commands action');
  const environmentVariables = mergeEnvironment(context, action.environmentVariables ?? []);
  return {
    actionTypeId: { ...BUILD_COMMANDS.id },
    status: 'mapped',
    notes: ['Runs the same commands on a Sluice worker instead of a CodeBuild host.'],
    commands: action.commands ?? [],
    ...(environmentVariables.length > 0 ? { environmentVariables } : {}),
    ...(action.outputVariables ? { outputVariables: action.outputVariables } : {}),
  };
}

function reportCodeBuildConfiguration(context: ActionMappingContext, inlineKey: string | undefined): void {
  const configuration = context.action.configuration ?? {};
  const { report } = context;
  if (configuration.ProjectName !== undefined) {
    report.dropped(configurationPath(context, 'ProjectName'), configuration.ProjectName, 'The commands run in the action itself, not in a CodeBuild project.');
  }
  if (inlineKey) report.dropped(configurationPath(context, inlineKey), configuration[inlineKey], "Became the action's commands.");
  if (configuration.EnvironmentVariables !== undefined) {
    report.dropped(configurationPath(context, 'EnvironmentVariables'), configuration.EnvironmentVariables, "Moved to the action's environmentVariables.");
  }
  if (configuration.PrimarySource !== undefined) {
    report.dropped(configurationPath(context, 'PrimarySource'), configuration.PrimarySource, 'Every input artifact is in the Sluice workspace; none is primary.');
  }
  for (const key of ['BatchEnabled', 'CombineArtifacts']) {
    if (configuration[key] === undefined) continue;
    report.dropped(configurationPath(context, key), configuration[key], 'Sluice runs one build per action; there are no batch builds.');
    if (key === 'BatchEnabled' && configuration[key] === 'true') {
      report.warn(`${context.path}: CodeBuild batch builds were enabled; Sluice runs the commands once.`);
    }
  }
}

/** The action's `EnvironmentVariables` configuration is a JSON array in CodePipeline. */
function actionEnvironmentVariables(context: ActionMappingContext): AwsEnvironmentVariable[] {
  const text = context.action.configuration?.EnvironmentVariables;
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    context.report.warn(`${context.path}: EnvironmentVariables is not a JSON array; no variable was imported from it.`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    context.report.warn(`${context.path}: EnvironmentVariables is not a JSON array; no variable was imported from it.`);
    return [];
  }
  return parsed.flatMap((entry): AwsEnvironmentVariable[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { name, value, type } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof value !== 'string') return [];
    return [typeof type === 'string' ? { name, value, type } : { name, value }];
  });
}

/** Later entries win, as CodeBuild's precedence goes: buildspec, then project, then the action. */
function mergeEnvironment(context: ActionMappingContext, variables: AwsEnvironmentVariable[]): EnvironmentVariable[] {
  const byName = new Map<string, EnvironmentVariable>();
  const notImported: string[] = [];
  for (const variable of variables) {
    const type = variable.type ?? 'PLAINTEXT';
    if (type === 'PLAINTEXT' || type === 'SECRETS_MANAGER') {
      byName.set(variable.name, { name: variable.name, value: variable.value, type });
    } else {
      byName.delete(variable.name);
      notImported.push(`${variable.name} (${type})`);
    }
  }
  if (notImported.length > 0) {
    context.report.warn(`${context.path}: environment variables not imported, Sluice has no such store: ${notImported.join(', ')}.`);
  }
  const secrets = [...byName.values()].filter((variable) => variable.type === 'SECRETS_MANAGER').map((variable) => variable.name);
  if (secrets.length > 0) {
    context.report.warn(`${context.path}: secret environment variables keep their AWS Secrets Manager ids as Sluice secret names (\`name:json-key\`); create secrets of those names in the account (sluice create-secret) before the pipeline is saved: ${secrets.join(', ')}.`);
  }
  return [...byName.values()];
}

function withFiles(context: ActionMappingContext, buildspec: Buildspec | undefined): OutputArtifact[] | undefined {
  const outputs = context.action.outputArtifacts;
  if (!outputs || !buildspec) return undefined;
  return outputs.map((output, index) => {
    const files = buildspec.artifactFiles[output.name] ?? (index === 0 ? buildspec.artifactFiles[PRIMARY_ARTIFACT] : undefined);
    if (!files || output.files) return output;
    context.report.added(`${context.path}.outputArtifacts[${index}].files`, files, "The buildspec's artifact files.");
    return { ...output, files };
  });
}
