// The one module of @sluice/authz that reaches storage, and only through the EventStore port its
// caller passes in. The import is type-only, so the library's runtime graph stays free of adapters.
import type { EventStore, RecordedEvent } from '@sluice/eventing';
import type { AuditChainKey } from './audit-chain-key';
import { type AuditChainKeySource, processAuditChainKey } from './audit-chain-key-file';
import type { AuditRecord, ChainedAuditRecord } from './audit-record';
import { chainAuditRecord } from './audit-chain';

/** Event type of the records of an audit trail (one per call); its data is the `ChainedAuditRecord`. */
export const AUDIT_RECORDED = 'AuditRecorded';
/**
 * Event type of the record of a call's outcome, when the call was recorded as `attempted` before it ran
 * (decision 0028): a `ChainedAuditRecord` with `resultOf`, in the same chain. A type of its own so that
 * whoever follows calls live (`auditRecorded`) sees each call once.
 */
export const AUDIT_OUTCOME_RECORDED = 'AuditOutcomeRecorded';

/** Prefix of every audit stream, for `subscribeToAll({ streamPrefixes })`. */
export const AUDIT_STREAM_PREFIX = 'audit-';

/**
 * The one stream holding an account's whole hash chain (decision 0020: one stream, not one per day,
 * so that the expected revision that guards an append also guards the previous hash it links to).
 */
export function auditStreamOf(account: string): string {
  return `${AUDIT_STREAM_PREFIX}${account}`;
}

/** The account of an audit stream id, or undefined for another stream. */
export function accountOfAuditStream(streamId: string): string | undefined {
  return streamId.startsWith(AUDIT_STREAM_PREFIX) ? streamId.slice(AUDIT_STREAM_PREFIX.length) : undefined;
}

/** The chained record an `AuditRecorded` or `AuditOutcomeRecorded` event holds. */
export function auditRecordOf(event: RecordedEvent): ChainedAuditRecord {
  if (event.type !== AUDIT_RECORDED && event.type !== AUDIT_OUTCOME_RECORDED) throw new RangeError(`Event ${event.id} is a ${event.type}, not an ${AUDIT_RECORDED}`);
  return event.data as ChainedAuditRecord;
}

export interface AppendAuditRecordOptions {
  /**
   * The audit chain key the record's hash is made with (decision 0028), or where to load it from. Default: the
   * process's key (`processAuditChainKey()`: SLUICE_AUDIT_KEY, else the data folder's `audit-chain-key`).
   */
  key?: AuditChainKey | AuditChainKeySource;
  /** Attempts after a conflict with another writer (another process) before giving up. Default 50. */
  maxAttempts?: number;
}

/**
 * The account whose trail holds a record: the account the call acted in, i.e. the role's for a
 * role session (a cross-account session is recorded in the account that was acted on), else the
 * principal's own.
 */
export function auditAccountOf(record: Pick<AuditRecord, 'principal' | 'viaRole'>): string {
  return record.viaRole?.account ?? record.principal.account;
}

/**
 * Appends one record to the trail of `auditAccountOf(record)`, chained to the last record with an
 * expected revision. Concurrent calls in one process are queued and written in batches; a conflict
 * with another process re-reads the stream and chains again. Resolves with the stored record once
 * it is durable; every call yields exactly one record.
 */
export async function appendAuditRecord(store: EventStore, record: AuditRecord, options: AppendAuditRecordOptions = {}): Promise<ChainedAuditRecord> {
  const source = options.key ?? processAuditChainKey();
  const key = typeof source === 'function' ? await source() : source;
  const account = auditAccountOf(record);
  let writers = writersByStore.get(store);
  if (!writers) writersByStore.set(store, (writers = new Map()));
  const streamId = auditStreamOf(account);
  let writer = writers.get(streamId);
  if (!writer) writers.set(streamId, (writer = new AuditStreamWriter(store, streamId, account, options.maxAttempts ?? 50)));
  return writer.enqueue(record, key);
}

interface Pending {
  record: AuditRecord;
  key: AuditChainKey;
  resolve: (chained: ChainedAuditRecord) => void;
  reject: (error: unknown) => void;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A batch is bounded so one append stays a reasonable transaction.
const MAX_BATCH = 200;

const writersByStore = new WeakMap<EventStore, Map<string, AuditStreamWriter>>();

/** Serializes one process's appends to one audit stream; other processes are met by the expected revision. */
class AuditStreamWriter {
  private readonly pending: Pending[] = [];
  private writing = false;
  // The last record this writer stored, so a quiet process does not re-read for every record.
  private head: { revision: bigint; hash: string } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly streamId: string,
    private readonly account: string,
    private readonly maxAttempts: number,
  ) {}

  enqueue(record: AuditRecord, key: AuditChainKey): Promise<ChainedAuditRecord> {
    // Refuse a bad record before it joins a batch, so it fails only its own call.
    if (typeof record.id !== 'string' || !uuid.test(record.id)) return Promise.reject(new RangeError(`record.id: must be a UUID (it is the event id), got ${JSON.stringify(record.id)}`));
    try {
      chainAuditRecord(null, record, key);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ record, key, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          const chained = await this.write(batch);
          batch.forEach((p, i) => p.resolve(chained[i]!));
        } catch (error) {
          this.head = undefined;
          batch.forEach((p) => p.reject(error));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(records: readonly Pick<Pending, 'record' | 'key'>[]): Promise<ChainedAuditRecord[]> {
    for (let attempt = 1; ; attempt++) {
      const head = this.head ?? (await this.readHead());
      const chained: ChainedAuditRecord[] = [];
      let previousHash = head?.hash ?? null;
      for (const { record, key } of records) {
        const link = chainAuditRecord(previousHash, record, key);
        chained.push(link);
        previousHash = link.hash;
      }
      try {
        const result = await this.store.append(
          this.streamId,
          chained.map((data) => ({
            id: data.id,
            type: data.resultOf === undefined ? AUDIT_RECORDED : AUDIT_OUTCOME_RECORDED,
            data,
            metadata: {
              account: this.account,
              actor: `${data.principal.account}:${data.principal.id}`,
              occurredAt: data.time,
              correlationId: data.requestId,
              causationId: null,
            },
          })),
          { expectedRevision: head ? head.revision : 'no_stream' },
        );
        this.head = { revision: result.nextExpectedRevision, hash: previousHash! };
        return chained;
      } catch (error) {
        this.head = undefined;
        if (!isConcurrencyError(error) || attempt >= this.maxAttempts) throw error;
        // Another process wrote first: back off a little (jittered) and chain onto its records.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
      }
    }
  }

  private async readHead(): Promise<{ revision: bigint; hash: string } | undefined> {
    const [last] = await this.store.readStream(this.streamId, { direction: 'backwards', maxCount: 1 });
    return last ? { revision: last.revision, hash: auditRecordOf(last).hash } : undefined;
  }
}

// By name, not instanceof: importing @sluice/eventing's class would pull its adapters into this pure library.
function isConcurrencyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConcurrencyError';
}
