import type { ArchiveLimits, ArtifactStore, PipelineBuckets } from '@sluice/artifact-store';
import { actionTypeKey, BUILD_COMMANDS, DEPLOY_COMMANDS, TEST_COMMANDS, type ActionTypeIdLike } from '@sluice/domain';
import type { GitCredentialsConfig } from '../provider-config';
import type { JobSandbox } from '../sandbox/job-sandbox';
import type { ActionProvider } from './action-provider';
import type { ProcessLauncher } from './process/process-launcher';
import { commandsProvider, type CommandsOptions } from './commands/commands-provider';
import { directoryDeployProvider } from './directory/directory-deploy-provider';
import { gitSourceProvider } from './git/git-source-provider';
import { httpInvokeProvider } from './http/http-invoke-provider';
import { uploadSourceProvider } from './upload/upload-source-provider';
import { s3DeployProvider } from './s3/s3-deploy-provider';
import { s3SourceProvider } from './s3/s3-source-provider';

export interface ProviderRegistryOptions {
  /** Where Commands actions run (`openJobSandbox`); an unavailable sandbox refuses them with its reason. */
  sandbox: JobSandbox;
  /** Action types whose commands get no network. */
  noNetwork?: readonly string[];
  /** Where uploaded archives are read from (`Source/Upload`). */
  store: ArtifactStore;
  /** Hosts `Invoke/Http` may call; none by default. */
  allowedHosts?: readonly string[];
  /** The platform's own ports: `Invoke/Http` never calls them on this machine, even at an allowed address. */
  refusedPorts?: readonly number[];
  /** The operator's S3-compatible store (`SLUICE_S3_*`) for `Source/S3` and `Deploy/S3`; without it they fail, saying so. */
  buckets?: PipelineBuckets;
  /** Folders `Deploy/Directory` may deploy under (`SLUICE_DEPLOY_ROOTS`); none = every Directory deploy is refused. */
  allowedDirectoryRoots?: readonly string[];
  /** The operator's git credentials, for the hosts they name only (`SLUICE_GIT_*`). */
  gitCredentials?: GitCredentialsConfig;
  /** Time between SIGTERM and SIGKILL when a job's processes are stopped (5 s). */
  killGraceMs?: number;
  /** Worker environment variables that commands see. */
  inheritEnvironment?: CommandsOptions['inheritEnvironment'];
  archiveLimits?: Partial<ArchiveLimits>;
  /** Who starts the jobs' processes (git, the commands): this process by default, `startLauncherProcess()` from a large one. */
  launcher?: ProcessLauncher;
}

/** The built-in providers, keyed by `actionTypeKey` (`Build/Sluice/Commands/1`), as `pollForJobs` names action types. */
export function providerRegistry(options: ProviderRegistryOptions): ReadonlyMap<string, ActionProvider> {
  const commands: CommandsOptions = { sandbox: options.sandbox, noNetwork: options.noNetwork, killGraceMs: options.killGraceMs, inheritEnvironment: options.inheritEnvironment, launcher: options.launcher };
  const providers: ActionProvider[] = [
    gitSourceProvider({ killGraceMs: options.killGraceMs, launcher: options.launcher, ...(options.gitCredentials ? { credentials: options.gitCredentials } : {}) }),
    uploadSourceProvider({ store: options.store, archiveLimits: options.archiveLimits }),
    s3SourceProvider({ buckets: options.buckets, archiveLimits: options.archiveLimits }),
    s3DeployProvider({ buckets: options.buckets }),
    commandsProvider(BUILD_COMMANDS.id, commands),
    commandsProvider(TEST_COMMANDS.id, commands),
    commandsProvider(DEPLOY_COMMANDS.id, commands),
    directoryDeployProvider({ allowedRoots: options.allowedDirectoryRoots }),
    httpInvokeProvider({ allowedHosts: options.allowedHosts, refusedPorts: options.refusedPorts }),
  ];
  return new Map(providers.map((provider) => [actionTypeKey(provider.actionTypeId), provider]));
}

export function providerFor(registry: ReadonlyMap<string, ActionProvider>, actionTypeId: ActionTypeIdLike): ActionProvider | undefined {
  return registry.get(actionTypeKey(actionTypeId));
}
