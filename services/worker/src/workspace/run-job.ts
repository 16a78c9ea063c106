import { join } from 'node:path';
import {
  ArchiveInputError,
  ArchiveLimitExceededError,
  ArtifactNotFoundError,
  ArtifactStoreInputError,
  ChecksumMismatchError,
  InvalidArchiveError,
  UnsafeArchiveEntryError,
  type ArchiveLimits,
  type ArtifactStore,
} from '@sluice/artifact-store';
import type { ActionProvider, FetchedRevision, ProviderIo, ProviderJob } from '../providers/action-provider';
import { assertArtifactName } from '../providers/job-configuration';
import { ProviderFailure } from '../providers/provider-failure';
import { UnknownArchiveFormatError } from './archive-format';
import { packDirectory, unpackArtifact } from './artifact-archives';
import type { ExtractedInputs } from './extracted-inputs';
import { withJobWorkspace, type JobWorkspaceOptions } from './job-workspace';

/** A job as the loop gets it from `pollForJobs`: input artifacts by their store address. */
export interface WorkerJob extends Omit<ProviderJob, 'inputArtifacts' | 'workspace'> {
  inputArtifacts: Array<{ name: string; location: string }>;
}

/** What the loop reports with `putJobSuccessResult`: output artifacts by their store address. */
export interface CompletedJob {
  outputArtifacts: Array<{ name: string; location: string; size: number }>;
  outputVariables: Record<string, string>;
  summary: string;
  externalLink?: string;
  sourceRevision?: FetchedRevision;
}

export interface RunJobOptions extends JobWorkspaceOptions {
  store: ArtifactStore;
  /** Where the outputs are packed, when not into `store`: a remote worker's upload to its account (decision 0038). */
  outputStore?: ArtifactStore;
  archiveLimits?: Partial<ArchiveLimits>;
  /** The worker's extracted inputs, copied into the job instead of extracting each input again. */
  inputs?: ExtractedInputs;
}

/**
 * One job from start to end, in a workspace of its own that is always removed: extracts the inputs,
 * runs the provider, packs its outputs into the store. Rejects with a `ProviderFailure` for anything
 * the job got wrong; other errors are the worker's.
 */
export async function runJob(provider: ActionProvider, job: WorkerJob, io: ProviderIo, options: RunJobOptions): Promise<CompletedJob> {
  return withJobWorkspace(job.jobId, options, async (workspace) => {
    const inputArtifacts: ProviderJob['inputArtifacts'] = [];
    for (const input of job.inputArtifacts) {
      const directory = join(workspace.inputs, assertArtifactName(input.name));
      await explain(`input artifact ${input.name} (${input.location})`, async () => {
        if (options.inputs) await options.inputs.copyInto(options.store, input.location, directory, options.archiveLimits);
        else await unpackArtifact(options.store, input.location, directory, options.archiveLimits);
      });
      inputArtifacts.push({ name: input.name, directory });
    }
    const result = await provider.run({ ...job, inputArtifacts, workspace: workspace.work }, io);
    const outputArtifacts: CompletedJob['outputArtifacts'] = [];
    for (const output of result.outputArtifacts) {
      const stored = await explain(`output artifact ${output.name}`, () => packDirectory(options.outputStore ?? options.store, output.directory));
      outputArtifacts.push({ name: output.name, location: stored.sha256, size: stored.size });
    }
    return { ...result, outputArtifacts };
  });
}

/** Errors that come from an artifact's content or address, not from the worker. */
const artifactErrors = [
  ArtifactNotFoundError,
  ArtifactStoreInputError,
  ChecksumMismatchError,
  UnknownArchiveFormatError,
  UnsafeArchiveEntryError,
  ArchiveLimitExceededError,
  InvalidArchiveError,
  ArchiveInputError,
];

/** An artifact's error becomes the job's failure, saying which artifact. */
async function explain<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (artifactErrors.some((type) => error instanceof type)) throw new ProviderFailure(`${what}: ${(error as Error).message}`, 'JobFailed');
    throw error;
  }
}
