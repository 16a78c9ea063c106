/** What one `appendJobLogs` call and one action execution may store (docs/decisions/0016). */
export interface ActionLogLimits {
  /** UTF-8 bytes of one chunk (64 KiB). */
  chunkBytes: number;
  /** UTF-8 bytes of all chunks of one call (256 KiB). */
  batchBytes: number;
  /** Entries of one call (1 000). */
  batchEntries: number;
  /** UTF-8 bytes stored per action execution; past it one truncation notice, then nothing (10 MiB). */
  actionBytes: number;
  /** How long after its job ended the holder may still flush its last lines (30 s). */
  endedGraceMs: number;
}

export const DEFAULT_ACTION_LOG_LIMITS: ActionLogLimits = {
  chunkBytes: 64 * 1024,
  batchBytes: 256 * 1024,
  batchEntries: 1_000,
  actionBytes: 10 * 1024 * 1024,
  endedGraceMs: 30_000,
};
