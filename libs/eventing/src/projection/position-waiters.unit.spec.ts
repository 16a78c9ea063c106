import { PositionWaiters, ProjectionLagError } from './position-waiters';

describe('PositionWaiters', () => {
  it('resolves a waiter once its position is reached, not before', async () => {
    const waiters = new PositionWaiters(1_000);
    let resolved = false;
    const waiting = waiters.waitFor(5n).then(() => (resolved = true));
    waiters.reached(4n);
    await Promise.resolve();
    expect(resolved).toBe(false);
    waiters.reached(6n);
    await waiting;
    expect(resolved).toBe(true);
    expect(waiters.current).toBe(6n);
  });

  it('answers at once for a position already reached', async () => {
    const waiters = new PositionWaiters();
    waiters.reached(10n);
    await expect(waiters.waitFor(3n)).resolves.toBeUndefined();
  });

  it('times out with a ProjectionLagError naming the position', async () => {
    await expect(new PositionWaiters(20).waitFor(7n)).rejects.toThrow(new ProjectionLagError('The read model did not reach position 7 within 20 ms.'));
  });

  it('passes a subscription failure to current and later waiters, until reset', async () => {
    const waiters = new PositionWaiters(1_000);
    const early = waiters.waitFor(1n);
    waiters.fail(new Error('store gone'));
    await expect(early).rejects.toThrow('store gone');
    await expect(waiters.waitFor(2n)).rejects.toThrow('store gone');
    waiters.reset();
    const later = waiters.waitFor(1n);
    waiters.reached(1n);
    await expect(later).resolves.toBeUndefined();
  });

  it('tells waiters the service is stopping', async () => {
    const waiters = new PositionWaiters(1_000);
    const waiting = waiters.waitFor(1n);
    waiters.stop();
    await expect(waiting).rejects.toThrow(ProjectionLagError);
  });
});
