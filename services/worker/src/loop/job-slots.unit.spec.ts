import { JobSlots } from './job-slots';

const never = new AbortController().signal;

describe('JobSlots', () => {
  it('reserves up to its size, then makes pollers wait and hands a released slot to the first of them', async () => {
    const slots = new JobSlots(2);
    expect([await slots.acquire(never), await slots.acquire(never)]).toEqual([true, true]);
    const order: string[] = [];
    const a = slots.acquire(never).then(() => order.push('a'));
    const b = slots.acquire(never).then(() => order.push('b'));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await a;
    expect(order).toEqual(['a']);
    slots.release();
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('serves a poller that just got a job ahead of the others', async () => {
    const slots = new JobSlots(1);
    await slots.acquire(never);
    const order: string[] = [];
    const idle = slots.acquire(never).then(() => order.push('idle'));
    const busy = slots.acquire(never, true).then(() => order.push('busy'));
    slots.release();
    await busy;
    slots.release();
    await idle;
    expect(order).toEqual(['busy', 'idle']);
  });

  it('answers false to a waiter whose signal aborts, and does not give it the next slot', async () => {
    const slots = new JobSlots(1);
    await slots.acquire(never);
    const stop = new AbortController();
    const waiting = slots.acquire(stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    slots.release();
    expect(await slots.acquire(never)).toBe(true);
    expect(slots.contended).toBe(false);
  });

  it('cuts the oldest long poll when a poller starts waiting', async () => {
    const slots = new JobSlots(2);
    await slots.acquire(never);
    await slots.acquire(never);
    const older = new AbortController();
    const newer = new AbortController();
    slots.cutWhenContended(older);
    const forgetNewer = slots.cutWhenContended(newer);
    void slots.acquire(never);
    expect([older.signal.aborted, newer.signal.aborted]).toEqual([true, false]);
    forgetNewer();
    void slots.acquire(never);
    expect(newer.signal.aborted).toBe(false);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new JobSlots(0)).toThrow(RangeError);
    expect(() => new JobSlots(1.5)).toThrow(RangeError);
  });
});
