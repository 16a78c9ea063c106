import type { CheckpointStore } from '../event-store';
import { validateCheckpoint, validateSubscriberId } from '../validation/read-options';
import type { SqlExecutor } from './sql-executor';
import type { Statements } from './statements';

/** Checkpoints in the `checkpoints` table of the event store's schema. */
export class SqlCheckpointStore implements CheckpointStore {
  constructor(
    private readonly executor: SqlExecutor,
    private readonly sql: Statements,
  ) {}

  async load(subscriberId: string): Promise<bigint | undefined> {
    validateSubscriberId(subscriberId);
    const [row] = await this.executor.query(this.sql.loadCheckpoint.name, this.sql.loadCheckpoint.text, [subscriberId]);
    return row ? BigInt(row.position!) : undefined;
  }

  async store(subscriberId: string, position: bigint): Promise<void> {
    validateCheckpoint(subscriberId, position);
    await this.executor.query(this.sql.storeCheckpoint.name, this.sql.storeCheckpoint.text, [subscriberId, position.toString()]);
  }
}
