import type { CheckpointStore } from '../event-store';
import { validateCheckpoint, validateSubscriberId } from '../validation/read-options';

/** Checkpoints in a Map: for tests and for subscribers that rebuild from the start on each run. */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, bigint>();

  async load(subscriberId: string): Promise<bigint | undefined> {
    validateSubscriberId(subscriberId);
    return this.positions.get(subscriberId);
  }

  async store(subscriberId: string, position: bigint): Promise<void> {
    validateCheckpoint(subscriberId, position);
    this.positions.set(subscriberId, position);
  }
}
