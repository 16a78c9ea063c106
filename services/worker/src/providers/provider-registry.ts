import type { ArchiveLimits, ArtifactStore } from '@sluice/artifact-store';
import { actionTypeKey, BUILD_COMMANDS, DEPLOY_COMMANDS, TEST_COMMANDS, type ActionTypeIdLike } from '@sluice/domain';
import type { ActionProvider } from './action-provider';
import { commandsProvider, type CommandsOptions } from './commands/commands-provider';
import { directoryDeployProvider } from './directory/directory-deploy-provider';
import { gitSourceProvider } from './git/git-source-provider';
import { httpInvokeProvider } from './http/http-invoke-provider';
import { uploadSourceProvider } from './upload/upload-source-provider';

export interface ProviderRegistryOptions {
  /** Where uploaded archives are read from (`Source/Upload`). */
  store: ArtifactStore;
  /** Hosts `Invoke/Http` may call; none by default. */
  allowedHosts?: readonly string[];
  /** Folders `Deploy/Directory` may deploy under; anywhere by default. */
  allowedDirectoryRoots?: readonly string[];
  /** Time between SIGTERM and SIGKILL when a job's processes are stopped (5 s). */
  killGraceMs?: number;
  /** Worker environment variables that commands see. */
  inheritEnvironment?: CommandsOptions['inheritEnvironment'];
  archiveLimits?: Partial<ArchiveLimits>;
}

/** The built-in providers, keyed by `actionTypeKey` (`Build/Sluice/Commands/1`), as `pollForJobs` names action types. */
export function providerRegistry(options: ProviderRegistryOptions): ReadonlyMap<string, ActionProvider> {
  const commands: CommandsOptions = { killGraceMs: options.killGraceMs, inheritEnvironment: options.inheritEnvironment };
  const providers: ActionProvider[] = [
    gitSourceProvider({ killGraceMs: options.killGraceMs }),
    uploadSourceProvider({ store: options.store, archiveLimits: options.archiveLimits }),
    commandsProvider(BUILD_COMMANDS.id, commands),
    commandsProvider(TEST_COMMANDS.id, commands),
    commandsProvider(DEPLOY_COMMANDS.id, commands),
    directoryDeployProvider({ allowedRoots: options.allowedDirectoryRoots }),
    httpInvokeProvider({ allowedHosts: options.allowedHosts }),
  ];
  return new Map(providers.map((provider) => [actionTypeKey(provider.actionTypeId), provider]));
}

export function providerFor(registry: ReadonlyMap<string, ActionProvider>, actionTypeId: ActionTypeIdLike): ActionProvider | undefined {
  return registry.get(actionTypeKey(actionTypeId));
}
