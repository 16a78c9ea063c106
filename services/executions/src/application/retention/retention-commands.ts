import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { DEFAULT_RETENTION_DAYS, retentionDecider, retentionStreamId, type RetentionCommand, type RetentionEvent, type RetentionState } from '../../domain';
import type { Caller, Clock, IdGenerator } from '../caller';

/** An account's retention settings as the API answers them. */
export interface RetentionSettings {
  retentionDays: number;
  /** True while the account has never set its own: CodePipeline's 12 months apply. */
  isDefault: boolean;
  setBy: string | null;
  setAt: string | null;
}

/** An account's retention period as stored now (one small stream per account). */
export function storedRetention(store: EventStore): (account: string) => Promise<RetentionState> {
  return async (account) => (await store.readStream(retentionStreamId(account))).reduce((state, event) => retentionDecider.evolve(state, event as unknown as RetentionEvent), retentionDecider.initialState);
}

export function settingsOf(state: RetentionState): RetentionSettings {
  return state.kind === 'Set'
    ? { retentionDays: state.retentionDays, isDefault: false, setBy: state.setBy, setAt: state.setAt }
    : { retentionDays: DEFAULT_RETENTION_DAYS, isDefault: true, setBy: null, setAt: null };
}

/** Reads and changes an account's retention period (docs/decisions/0056); who may is the gateway's policy decision. */
export class RetentionCommands {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async get(caller: Caller): Promise<RetentionSettings> {
    return settingsOf(await storedRetention(this.store)(caller.account));
  }

  async put(caller: Caller, retentionDays: number): Promise<RetentionSettings> {
    const command: RetentionCommand = {
      type: 'PutRetentionSettings',
      retentionDays,
      metadata: { now: this.clock().toISOString(), account: caller.account, actor: caller.actor, correlationId: this.ids() },
    };
    await decideAndAppend<RetentionCommand, RetentionEvent, RetentionState, undefined>(this.store, retentionDecider, retentionStreamId(caller.account), command, undefined);
    return this.get(caller);
  }
}
