import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('does not lose a notify that came between reading and waiting', async () => {
    const signal = new WakeSignal();
    const version = signal.current;
    signal.notify();
    const started = Date.now();
    await signal.wait(version, 10_000).promise;
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('wakes waiters on notify, on timeout, and on cancel', async () => {
    const signal = new WakeSignal();
    const woken = signal.wait(signal.current, 10_000);
    signal.notify();
    await woken.promise;
    await signal.wait(signal.current, 5).promise;
    const cancelled = signal.wait(signal.current, 10_000);
    cancelled.cancel();
    await cancelled.promise;
  });
});
