import { cp, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRECTORY_DEPLOY } from '@sluice/domain';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { abortFailure, jobSignal } from '../job-signal';
import { requiredConfiguration } from '../job-configuration';
import { removeTree } from '../files/remove-tree';
import { ProviderFailure } from '../provider-failure';
import { assertRealPathUnderRoots, deployPath } from './deploy-path';
import { CURRENT, RELEASES, ensureReleasesFolder, INCOMING_PREFIX, listReleases, liveRelease, markRelease, pruneReleases, releaseTaken, switchCurrent } from './releases';

export interface DirectoryDeployOptions {
  /**
   * Folders under which `Path` must lie, symlinks followed (the operator's `SLUICE_DEPLOY_ROOTS`).
   * None (undefined or empty) refuses every deploy: a pipeline never picks a folder on its own.
   */
  allowedRoots?: readonly string[];
  /** The clock that names releases. */
  now?: () => Date;
}

export const DEFAULT_KEEP_RELEASES = 5;

/**
 * `Deploy/Directory`: copies the input artifact into a new `<Path>/releases/<id>`, marks it as its own
 * (`<Path>/.sluice-releases/<id>.json`) and then swaps the `<Path>/current` symlink to it with a rename,
 * so the switch is atomic; keeps the newest `KeepReleases` of its own releases (5 by default) and never
 * touches anything else in `<Path>`. `Path` must lie under `allowedRoots`. `rollbackDirectoryDeploy` switches back.
 */
export function directoryDeployProvider(options: DirectoryDeployOptions = {}): ActionProvider {
  const now = options.now ?? (() => new Date());
  return {
    actionTypeId: DIRECTORY_DEPLOY.id,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const path = deployPath(requiredConfiguration(job, 'Path'), options.allowedRoots);
      await assertRealPathUnderRoots(path, options.allowedRoots ?? []);
      const keep = keepReleases(job.configuration['KeepReleases']);
      const [input, ...others] = job.inputArtifacts;
      if (input === undefined || others.length > 0) throw new ProviderFailure(`Deploy/Directory takes exactly one input artifact, got ${job.inputArtifacts.length}`, 'ConfigurationError');
      const signal = jobSignal(io.signal, job.timeoutMs);

      // Before anything is written: a `current` this provider did not make is refused, not replaced.
      const live = await liveRelease(path, await listReleases(path));
      const previous = live.kind === 'marked' ? live.release : undefined;
      const releases = await ensureReleasesFolder(path);
      const createdAt = now();
      const release = await reserveRelease(path, createdAt, job.pipelineExecutionId);
      const incoming = join(releases, `${INCOMING_PREFIX}${release}`);
      try {
        io.log('stdout', `Copying ${input.name} into ${join(releases, release)}\n`);
        await cp(input.directory, incoming, { recursive: true, verbatimSymlinks: true });
        if (signal.aborted) throw abortFailure(signal, 'Deploy', job.timeoutMs);
        await rename(incoming, join(releases, release));
      } finally {
        await removeTree(incoming);
      }
      await markRelease(path, release, { pipelineExecutionId: job.pipelineExecutionId, createdAt });
      await switchCurrent(path, release);
      io.log('stdout', `${join(path, CURRENT)} -> releases/${release}${live.kind === 'none' ? '' : ` (was ${live.release})`}\n`);
      if (live.kind === 'unmarked') io.log('stdout', `releases/${live.release} has no Sluice marker (an older Sluice made it): it stays as it is, never pruned nor rolled back to\n`);
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
 * `20240301T100000123Z-<execution>` (sorts by time, with a suffix when the name is taken by a folder
 * or a marker), reserved by making its incoming folder exclusively: two deploys never copy into one folder.
 */
async function reserveRelease(path: string, at: Date, executionId: string): Promise<string> {
  const base = `${at.toISOString().replace(/[-:.]/g, '')}-${executionId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}`;
  for (let attempt = 1; ; attempt += 1) {
    const id = attempt === 1 ? base : `${base}.${attempt}`;
    if (await releaseTaken(path, id)) continue;
    try {
      await mkdir(join(path, RELEASES, `${INCOMING_PREFIX}${id}`));
      return id;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
