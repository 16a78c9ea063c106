import { access, cp, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRECTORY_DEPLOY } from '@sluice/domain';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { abortFailure, jobSignal } from '../job-signal';
import { requiredConfiguration } from '../job-configuration';
import { removeTree } from '../files/remove-tree';
import { ProviderFailure } from '../provider-failure';
import { deployPath } from './deploy-path';
import { CURRENT, currentRelease, ensureReleasesFolder, INCOMING_PREFIX, pruneReleases, switchCurrent } from './releases';

export interface DirectoryDeployOptions {
  /** Folders under which `Path` must lie; any absolute path when not given. */
  allowedRoots?: readonly string[];
  /** The clock that names releases. */
  now?: () => Date;
}

export const DEFAULT_KEEP_RELEASES = 5;

/**
 * `Deploy/Directory`: copies the input artifact into a new `<Path>/releases/<id>` and then swaps the
 * `<Path>/current` symlink to it with a rename, so the switch is atomic; keeps the newest
 * `KeepReleases` releases (5 by default). `rollbackDirectoryDeploy` switches back.
 */
export function directoryDeployProvider(options: DirectoryDeployOptions = {}): ActionProvider {
  const now = options.now ?? (() => new Date());
  return {
    actionTypeId: DIRECTORY_DEPLOY.id,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const path = deployPath(requiredConfiguration(job, 'Path'), options.allowedRoots);
      const keep = keepReleases(job.configuration['KeepReleases']);
      const [input, ...others] = job.inputArtifacts;
      if (input === undefined || others.length > 0) throw new ProviderFailure(`Deploy/Directory takes exactly one input artifact, got ${job.inputArtifacts.length}`, 'ConfigurationError');
      const signal = jobSignal(io.signal, job.timeoutMs);

      const previous = await currentRelease(path);
      const releases = await ensureReleasesFolder(path);
      const release = await reserveRelease(releases, now(), job.pipelineExecutionId);
      const incoming = join(releases, `${INCOMING_PREFIX}${release}`);
      try {
        io.log('stdout', `Copying ${input.name} into ${join(releases, release)}\n`);
        await cp(input.directory, incoming, { recursive: true, verbatimSymlinks: true });
        if (signal.aborted) throw abortFailure(signal, 'Deploy', job.timeoutMs);
        await rename(incoming, join(releases, release));
      } finally {
        await removeTree(incoming);
      }
      await switchCurrent(path, release);
      io.log('stdout', `${join(path, CURRENT)} -> releases/${release}${previous === undefined ? '' : ` (was ${previous})`}\n`);
      const removed = await pruneReleases(path, keep);
      if (removed.length > 0) io.log('stdout', `Removed old releases: ${removed.join(', ')}\n`);
      return {
        outputArtifacts: [],
        outputVariables: {
          ReleaseId: release,
          ReleasePath: join(releases, release),
          CurrentPath: join(path, CURRENT),
          ...(previous === undefined ? {} : { PreviousReleaseId: previous }),
        },
        summary: `Deployed ${input.name} to ${path} as release ${release}${removed.length > 0 ? `, removed ${removed.length} old` : ''}`,
      };
    },
  };
}

function keepReleases(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_KEEP_RELEASES;
  const keep = Number(value);
  if (!Number.isInteger(keep) || keep < 1 || keep > 1000) throw new ProviderFailure(`KeepReleases must be a whole number from 1 to 1000, got ${JSON.stringify(value)}`, 'ConfigurationError');
  return keep;
}

/**
 * `20240301T100000123Z-<execution>` (sorts by time, with a suffix when the name is taken), reserved
 * by making its incoming folder exclusively: two deploys never copy into one folder.
 */
async function reserveRelease(releases: string, at: Date, executionId: string): Promise<string> {
  const base = `${at.toISOString().replace(/[-:.]/g, '')}-${executionId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}`;
  for (let attempt = 1; ; attempt += 1) {
    const id = attempt === 1 ? base : `${base}.${attempt}`;
    if (await exists(join(releases, id))) continue;
    try {
      await mkdir(join(releases, `${INCOMING_PREFIX}${id}`));
      return id;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
