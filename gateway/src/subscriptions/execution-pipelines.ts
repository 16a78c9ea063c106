import type { EventStore, RecordedEvent } from '@sluice/eventing';
import { executionEventFields } from '@sluice/contracts';

/**
 * Which pipeline an execution runs: only its first event (`PipelineExecutionStarted`) says so. Learnt from
 * the events as they pass; an execution started before a subscriber's cursor costs one read of that first
 * event. An execution never changes pipeline, so the answer is cached (bounded, oldest forgotten first).
 */
export class ExecutionPipelines {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 10_000,
  ) {}

  async pipelineOf(event: RecordedEvent): Promise<string | undefined> {
    const known = this.names.get(event.streamId);
    if (known !== undefined) return known;
    const first = event.revision === 0n ? event : (await this.store.readStream(event.streamId, { maxCount: 1 }))[0];
    const name = first && executionEventFields(first).inputs?.pipeline?.name;
    if (name !== undefined) this.remember(event.streamId, name);
    return name;
  }

  private remember(streamId: string, name: string): void {
    if (this.names.size >= this.capacity) {
      const oldest = this.names.keys().next();
      if (!oldest.done) this.names.delete(oldest.value);
    }
    this.names.set(streamId, name);
  }
}
