import { auditIdentity, type Principal } from '@sluice/authz';
import type { GatewayLimits } from './limits-config';

/**
 * graphql-ws connections per principal and subscriptions per connection, in this process's memory. A connection
 * over the limit is closed (4429) and a subscribe over it refused with TOO_MANY_SUBSCRIPTIONS, each naming the limit.
 */
export class ConnectionLimits {
  private readonly open = new Map<string, number>();

  constructor(private readonly limits: Pick<GatewayLimits, 'connectionsPerPrincipal' | 'subscriptionsPerConnection'>) {}

  /** One more connection of `principal`: `release` (idempotent) when it closes, or why it may not open. */
  connect(principal: Principal): { ok: true; release: () => void } | { ok: false; message: string } {
    const { principal: who } = auditIdentity(principal);
    const key = `${who.account}/${who.id}`;
    const count = this.open.get(key) ?? 0;
    if (count >= this.limits.connectionsPerPrincipal) {
      return { ok: false, message: `Too many connections: ${who.id} of ${who.account} has ${count} open, the limit (SLUICE_WS_MAX_CONNECTIONS_PER_PRINCIPAL)` };
    }
    this.open.set(key, count + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(key) ?? 1) - 1;
        if (left <= 0) this.open.delete(key);
        else this.open.set(key, left);
      },
    };
  }

  /** Why one more subscription may not start on a connection running `running` (those starting included). */
  subscriptionProblem(running: number): string | undefined {
    const max = this.limits.subscriptionsPerConnection;
    return running >= max ? `Too many subscriptions on this connection: ${running} running, the limit is ${max} (SLUICE_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one or open another connection` : undefined;
  }

  /** Open connections of principals now (for tests). */
  connectionsOf(principal: Principal): number {
    const { principal: who } = auditIdentity(principal);
    return this.open.get(`${who.account}/${who.id}`) ?? 0;
  }
}
