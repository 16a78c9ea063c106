import { randomUUID } from 'node:crypto';
import type { CommandMetadata } from '@sluice/domain';

/** Who asks: the account and actor every service knows, and the principal and token the gateway authenticated. */
export interface Caller {
  account: string;
  actor: string;
  principalId: string | null;
  tokenId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

export type Clock = () => Date;

export function commandMetadata(caller: Pick<Caller, 'account' | 'actor'>, clock: Clock): CommandMetadata {
  return { now: clock().toISOString(), account: caller.account, actor: caller.actor, correlationId: randomUUID() };
}
