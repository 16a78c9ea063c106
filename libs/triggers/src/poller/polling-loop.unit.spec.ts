import { startPollingLoop } from './polling-loop';

describe('the pollers\' loop', () => {
  it('never runs two polls at once: one asked for while another runs starts when it ends', async () => {
    const log: string[] = [];
    let running = 0;
    let n = 0;
    const poll = async () => {
      const mine = (n += 1);
      running += 1;
      log.push(`start ${mine} (${running} running)`);
      await new Promise((resolve) => setTimeout(resolve, mine === 1 ? 30 : 5));
      running -= 1;
      log.push(`end ${mine}`);
    };
    const loop = startPollingLoop(poll, 3_600_000, (error) => log.push(`failed: ${String(error)}`));
    // The loop's own first poll, then two asked for at once while it runs (a test, a nudge).
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([loop.pollOnce(), loop.pollOnce()]);
    await loop.stop();
    expect(log).toEqual(['start 1 (1 running)', 'end 1', 'start 2 (1 running)', 'end 2', 'start 3 (1 running)', 'end 3']);
  });

  it('goes on after a poll that failed, reporting it', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const loop = startPollingLoop(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('ls-remote failed');
      },
      3_600_000,
      (error) => failures.push(error),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await loop.pollOnce();
    await loop.stop();
    expect(calls).toBe(2);
    expect(failures.map(String)).toEqual(['Error: ls-remote failed']);
  });
});
