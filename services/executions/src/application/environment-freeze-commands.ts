import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { freezesDecider, freezesStreamId, type EnvironmentFreeze, type FreezeCommand, type FreezeEvent, type FreezesState } from '../domain';
import type { Caller, Clock, IdGenerator } from './caller';
import { storedFreezes } from './engine/environment-freeze-rule';

export interface ScheduleFreezeInput {
  environment: string;
  /** Default: now. */
  startsAt?: string | null;
  endsAt: string;
  reason: string;
}

/** An account's environment freezes (issue 21): scheduled, lifted, listed; the engine reads the same stream at stage entry. */
export class EnvironmentFreezeCommands {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async schedule(caller: Caller, input: ScheduleFreezeInput): Promise<EnvironmentFreeze> {
    const freezeId = this.ids();
    await this.decide(caller, { type: 'ScheduleEnvironmentFreeze', freezeId, environment: input.environment, startsAt: input.startsAt ?? null, endsAt: input.endsAt, reason: input.reason, metadata: this.metadata(caller) });
    return (await this.state(caller.account)).find((freeze) => freeze.freezeId === freezeId)!;
  }

  async lift(caller: Caller, freezeId: string): Promise<EnvironmentFreeze> {
    await this.decide(caller, { type: 'LiftEnvironmentFreeze', freezeId, metadata: this.metadata(caller) });
    return (await this.state(caller.account)).find((freeze) => freeze.freezeId === freezeId)!;
  }

  /** Every freeze of the account (of one environment when named), the latest start first. */
  async list(caller: Caller, environment: string | null): Promise<EnvironmentFreeze[]> {
    const state = await this.state(caller.account);
    return state.filter((freeze) => environment === null || freeze.environment === environment).sort((a, b) => (a.startsAt < b.startsAt ? 1 : a.startsAt > b.startsAt ? -1 : 0));
  }

  private metadata(caller: Caller) {
    return { now: this.clock().toISOString(), account: caller.account, actor: caller.actor, correlationId: this.ids() };
  }

  private async decide(caller: Caller, command: FreezeCommand): Promise<void> {
    await decideAndAppend<FreezeCommand, FreezeEvent, FreezesState, undefined>(this.store, freezesDecider, freezesStreamId(caller.account), command, undefined);
  }

  private state(account: string): Promise<FreezesState> {
    return storedFreezes(this.store)(account);
  }
}
