import type { CommandMetadata } from '@sluice/domain';

/** Who asks, for which account: from the request until the permissions service authenticates callers. */
export interface Caller {
  account: string;
  actor: string;
}

export type Clock = () => Date;

/** Ids and nonces; a port so tests can name them. */
export type IdGenerator = () => string;

export function commandMetadata(caller: Caller, clock: Clock, ids: IdGenerator): CommandMetadata {
  return { now: clock().toISOString(), account: caller.account, actor: caller.actor, correlationId: ids() };
}
