import { randomBytes } from 'node:crypto';
import type { ExecutionCommandMetadata } from '../domain';

/** Who asks, for which account: from the request until the permissions service authenticates callers. */
export interface Caller {
  account: string;
  actor: string;
}

export type Clock = () => Date;

/** Ids of things that grant nothing (executions, correlation ids); a port so tests can name them. */
export type IdGenerator = () => string;

/**
 * Unguessable values: a command's entropy (the domain draws job ids and approval tokens from it, fresh-ids.ts)
 * and a dispatched job's nonce. 128 random bits or more; a port so tests can name them.
 */
export type RandomSource = () => string;

export const randomSource: RandomSource = () => randomBytes(16).toString('hex');

export function commandMetadata(caller: Caller, clock: Clock, ids: IdGenerator, random: RandomSource): ExecutionCommandMetadata {
  return { now: clock().toISOString(), account: caller.account, actor: caller.actor, correlationId: ids(), entropy: random() };
}
