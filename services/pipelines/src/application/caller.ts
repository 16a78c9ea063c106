import { randomUUID } from 'node:crypto';
import type { CommandMetadata } from '@sluice/domain';

/** Who asks, for which account: from the request until the permissions service authenticates callers. */
export interface Caller {
  account: string;
  actor: string;
}

export type Clock = () => Date;

export function commandMetadata(caller: Caller, clock: Clock): CommandMetadata {
  return { now: clock().toISOString(), account: caller.account, actor: caller.actor, correlationId: randomUUID() };
}
