import { openPipelineBuckets, type ArtifactStore } from '@sluice/artifact-store';
import type { ProviderConfig } from './provider-config';
import type { ActionProvider } from './providers/action-provider';
import type { ProcessLauncher } from './providers/process/process-launcher';
import { providerRegistry } from './providers/provider-registry';
import type { JobSandbox } from './sandbox/job-sandbox';
import { openJobSandbox } from './sandbox/open-sandbox';

export interface BuiltInProviders {
  providers: ReadonlyMap<string, ActionProvider>;
  /** Where Commands actions run; its `description` belongs in the start banner (loudly, when it is not bubblewrap). */
  sandbox: JobSandbox;
}

/** The built-in providers as the operator configured them (`loadProviderConfig`): the one composition the embedded platform and the worker process share. */
export async function openBuiltInProviders(
  config: ProviderConfig,
  store: ArtifactStore,
  platform: { ports?: readonly number[]; launcher?: ProcessLauncher } = {},
): Promise<BuiltInProviders> {
  const sandbox = await openJobSandbox(config.sandbox);
  const providers = providerRegistry({
    store,
    sandbox,
    noNetwork: config.sandbox.noNetwork,
    allowedDirectoryRoots: config.deployRoots,
    ...(config.s3 ? { buckets: openPipelineBuckets(config.s3) } : {}),
    allowedHosts: config.httpAllowedHosts,
    refusedPorts: platform.ports ?? [],
    ...(platform.launcher ? { launcher: platform.launcher } : {}),
    ...(config.gitCredentials ? { gitCredentials: config.gitCredentials } : {}),
  });
  return { providers, sandbox };
}
