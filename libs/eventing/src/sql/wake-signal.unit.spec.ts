import { categoryOf, concerns, WakeSignal } from './wake-signal';

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

  const settled = async (promise: Promise<void>): Promise<boolean> => Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20))]);

  it('wakes a reader of some streams only for appends that can concern them', async () => {
    const signal = new WakeSignal();
    const jobs = signal.wait(signal.current, 10_000, ['job-']);
    const everything = signal.wait(signal.current, 10_000);
    signal.notify(['execution-', 'lanes-']);
    expect(await settled(everything.promise)).toBe(true);
    expect(await settled(jobs.promise)).toBe(false);
    signal.notify(['audit-', 'job-']);
    expect(await settled(jobs.promise)).toBe(true);
    // A notify that names nothing (another version's, or too long a list) concerns everyone.
    const again = signal.wait(signal.current, 10_000, ['job-']);
    signal.notify();
    expect(await settled(again.promise)).toBe(true);
  });

  it('does not lose a notify that concerns the reader among others that came between reading and waiting', async () => {
    const signal = new WakeSignal();
    const version = signal.current;
    signal.notify(['execution-']);
    expect(await settled(signal.wait(version, 10_000, ['job-']).promise)).toBe(false);
    signal.notify(['job-']);
    signal.notify(['execution-']);
    expect(await settled(signal.wait(version, 10_000, ['job-']).promise)).toBe(true);
    // A reader further behind than the notifies remembered is woken: it reads and finds what there is.
    for (let i = 0; i < 300; i += 1) signal.notify(['execution-']);
    expect(await settled(signal.wait(version + 1, 10_000, ['job-']).promise)).toBe(true);
    expect(await settled(signal.wait(signal.current - 10, 10_000, ['job-']).promise)).toBe(false);
  });
});

describe('categoryOf and concerns', () => {
  it('names a stream by its id up to the first dash, a prefix of the id', () => {
    expect(categoryOf('execution-42')).toBe('execution-');
    expect(categoryOf('lanes-default.real-path')).toBe('lanes-');
    expect(categoryOf('standalone')).toBe('standalone');
  });

  it('never misses a reader whose prefix the stream begins with, whatever the prefix’s length', () => {
    const streams = ['execution-42', 'expired-execution-7', 'job-abc', 'standalone', 'pipeline-acme.build'];
    const prefixes = ['execution-', 'expired-', 'expired-execution-', 'job-ab', 'stand', 'pipeline-acme.', 'e', 'x-'];
    for (const stream of streams) {
      for (const prefix of prefixes) {
        if (stream.startsWith(prefix)) expect(concerns([prefix], [categoryOf(stream)])).toBe(true);
      }
    }
    expect(concerns(['job-'], ['execution-'])).toBe(false);
    expect(concerns(undefined, ['execution-'])).toBe(true);
    expect(concerns(['job-'], undefined)).toBe(true);
  });
});
