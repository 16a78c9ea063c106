import { ArtifactNotFoundError, type ArtifactStore } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';
import { CONTENT_TYPE_SNIFF_BYTES, sniffContentType } from '../domain/content-type';
import type { PendingRecord } from '../projections/artifacts-read-model';
import { handleArtifactCommand } from './artifact-commands';

/**
 * Appends `ArtifactRecorded` for outputs executions produced, one at a time in arrival order, with size
 * and content type read from the stored object. The decider records an output once (its stream says which
 * were), and the event id derives from the action execution and the artifact name, so two instances, or a
 * restart in between, record each output once.
 */
export class OutputRecorder {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    private readonly artifacts: ArtifactStore,
    private readonly log: (line: string) => void,
  ) {}

  enqueue(outputs: PendingRecord[]): void {
    for (const output of outputs) {
      this.queue = this.queue.then(() =>
        this.record(output).catch((error: unknown) => {
          // Not lost: the next start replays the execution and finds the output unrecorded.
          this.log(`artifacts: recording ${output.name} (${output.sha256}) of ${output.pipelineExecutionId} failed: ${error instanceof Error ? error.message : String(error)}`);
        }),
      );
    }
  }

  /** Resolves once everything enqueued so far is recorded (or failed and logged). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async record(output: PendingRecord): Promise<void> {
    const described = await this.describe(output.sha256);
    await handleArtifactCommand(
      this.events,
      { type: 'RecordOutput', record: { ...output, ...described } },
      { account: output.account, actor: 'system', occurredAt: output.recordedAt, correlationId: output.pipelineExecutionId },
    );
  }

  private async describe(sha256: string): Promise<{ size: number | null; contentType: string | null }> {
    try {
      const { size } = await this.artifacts.stat(sha256);
      if (size === 0) return { size, contentType: 'application/octet-stream' };
      const chunks: Buffer[] = [];
      for await (const chunk of await this.artifacts.get(sha256, { range: { start: 0, end: Math.min(size, CONTENT_TYPE_SNIFF_BYTES) - 1 } })) chunks.push(chunk as Buffer);
      return { size, contentType: sniffContentType(Buffer.concat(chunks)) };
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) return { size: null, contentType: null };
      throw error;
    }
  }
}
