import { ConnectionLimits } from './connection-limits';

describe('ConnectionLimits', () => {
  const alice = { id: 'alice', account: 'acme', policies: [] };

  it('counts the connections of a principal, each released once however often it is released', () => {
    const limits = new ConnectionLimits({ connectionsPerPrincipal: 2, subscriptionsPerConnection: 3 });
    const first = limits.connect(alice);
    const second = limits.connect(alice);
    expect([first.ok, second.ok]).toEqual([true, true]);
    const third = limits.connect(alice);
    expect(third).toEqual({ ok: false, message: 'Too many connections: alice of acme has 2 open, the limit (SLUICE_WS_MAX_CONNECTIONS_PER_PRINCIPAL)' });
    if (first.ok) {
      first.release();
      first.release();
    }
    expect(limits.connectionsOf(alice)).toBe(1);
    expect(limits.connect(alice).ok).toBe(true);
    expect(limits.connect({ id: 'bob', account: 'acme', policies: [] }).ok).toBe(true);
  });

  it('names the subscription limit', () => {
    const limits = new ConnectionLimits({ connectionsPerPrincipal: 2, subscriptionsPerConnection: 3 });
    expect(limits.subscriptionProblem(2)).toBeUndefined();
    expect(limits.subscriptionProblem(3)).toMatch(/^Too many subscriptions on this connection: 3 running, the limit is 3 \(SLUICE_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION\)/);
  });
});
