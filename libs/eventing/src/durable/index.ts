export type { CarryingFold, DurableProjection } from './durable-projection';
export { DurableProjectionRunner, type DurableProjectionRunnerOptions } from './durable-projection-runner';
export { DurableProjectionFollower, type DurableProjectionFollowerOptions, type DurableReadModelPosition } from './durable-projection-follower';
export { DurableRebuildable } from './durable-rebuildable';
export { openDurableReadModel, type DurableReadModelOptions, type OpenedDurableReadModel } from './open-durable-read-model';
export { openReadModelDatabase, readModelDatabaseOf, SqlReadModelDatabase, type OpenedReadModelDatabase, type ReadModelDatabase, type Row, type SqlStatement } from './read-model-database';
export { toArrayLiteral } from '../sql/pg-array';
export { CHECKPOINT_MOVED, checkpointIdOf, ensureReadModel, loadReadModelCheckpoint, NOTHING_FOLDED, resetReadModel } from './read-model-checkpoint';
export { sqlStateSnapshots, type SavedState, type StateSnapshots } from './state-snapshots';
