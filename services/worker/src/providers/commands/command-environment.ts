import type { ProviderJob } from '../action-provider';
import { ProviderFailure } from '../provider-failure';

export interface CommandPaths {
  /** The primary input's folder (or an empty one): the commands' working directory. */
  sourceDir: string;
  outputVariablesFile: string;
  tmpDir: string;
}

/** What commands get from the worker's own environment unless the operator says otherwise: enough to find tools, nothing secret. */
export const DEFAULT_INHERITED_ENVIRONMENT = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TZ'];

const environmentNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The commands' environment, later layers winning: inherited names, the job's resolved variables
 * (`SourceVariables.CommitId` becomes `SourceVariables_CommitId`), the action's environment
 * variables, then the names Sluice sets (`SLUICE_*`, `CODEBUILD_SRC_DIR*`), which nothing overrides.
 */
export function commandEnvironment(job: ProviderJob, paths: CommandPaths, inherited: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of inherited) if (process.env[name] !== undefined) env[name] = process.env[name];
  env['CI'] = 'true';
  env['TMPDIR'] = paths.tmpDir;
  for (const [name, value] of Object.entries(job.variables)) env[environmentName(name)] = value;
  for (const { name, value } of job.environmentVariables ?? []) {
    if (!environmentNamePattern.test(name)) throw new ProviderFailure(`environment variable name ${JSON.stringify(name)} must match ${environmentNamePattern.source}`, 'ConfigurationError');
    env[name] = value;
  }
  Object.assign(env, {
    SLUICE_JOB_ID: job.jobId,
    SLUICE_PIPELINE_EXECUTION_ID: job.pipelineExecutionId,
    SLUICE_STAGE_NAME: job.stageName,
    SLUICE_ACTION_NAME: job.actionName,
    SLUICE_SOURCE_DIR: paths.sourceDir,
    SLUICE_OUTPUT_VARIABLES: paths.outputVariablesFile,
    CODEBUILD_SRC_DIR: paths.sourceDir,
  });
  job.inputArtifacts.forEach((input, index) => {
    env[`SLUICE_INPUT_${environmentName(input.name).toUpperCase()}`] = input.directory;
    // CodeBuild's names for secondary sources, so commands moved from CodePipeline keep working.
    if (index > 0) env[`CODEBUILD_SRC_DIR_${environmentName(input.name)}`] = input.directory;
  });
  return env;
}

/** A variable name usable from a shell: other characters become `_`. */
export function environmentName(name: string): string {
  const replaced = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}
