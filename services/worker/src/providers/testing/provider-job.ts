import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogStream, ProviderIo, ProviderJob } from '../action-provider';

/** A job with an empty workspace of its own; `cleanUp` removes every folder these jobs made. */
export class TestJobs {
  private readonly folders: string[] = [];

  async folder(prefix = 'sluice-worker-test-'): Promise<string> {
    const folder = await mkdtemp(join(tmpdir(), prefix));
    this.folders.push(folder);
    return folder;
  }

  async job(overrides: Partial<ProviderJob> = {}): Promise<ProviderJob> {
    return {
      jobId: 'job-1',
      pipelineExecutionId: 'exec-1',
      stageName: 'Build',
      actionName: 'Act',
      configuration: {},
      inputArtifacts: [],
      outputArtifacts: [],
      timeoutMs: 60_000,
      workspace: await this.folder('sluice-job-'),
      variables: {},
      ...overrides,
    };
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  }
}

export interface RecordedIo extends ProviderIo {
  controller: AbortController;
  chunks: Array<{ stream: LogStream; chunk: string; at: number }>;
  text(stream?: LogStream): string;
}

export function recordingIo(): RecordedIo {
  const controller = new AbortController();
  const chunks: RecordedIo['chunks'] = [];
  return {
    controller,
    chunks,
    signal: controller.signal,
    log: (stream, chunk) => chunks.push({ stream, chunk, at: Date.now() }),
    text: (stream) => chunks.filter((entry) => stream === undefined || entry.stream === stream).map((entry) => entry.chunk).join(''),
  };
}
