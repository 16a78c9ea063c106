import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testPostgresUrl } from '@sluice/testing';
import { eventually } from '../contract/eventually';
import type { EventRelay } from './event-relay';
import { startLeadingRelay, type LeadingRelay } from './relay-leadership';

// One relay at a time among the processes that ask (decision 0079), on the real PostgreSQL: the lock's holder relays,
// the others stand by, and one takes over when the holder stops or its session dies.
describe('the leading relay', () => {
  const contenders: LeadingRelay[] = [];
  afterEach(async () => {
    await Promise.all(contenders.splice(0).map((contender) => contender.stop()));
  });

  /** A contender whose relay counts its starts and stops. */
  const contend = async (lockName: string, log: string[], name: string): Promise<LeadingRelay> => {
    const relay: EventRelay = { done: new Promise(() => undefined), publishedPosition: undefined, stop: async () => void log.push(`${name} stopped`) };
    const contender = await startLeadingRelay({ connectionString: testPostgresUrl(), lockName, retryMs: 100, start: async () => (log.push(`${name} started`), relay) });
    contenders.push(contender);
    return contender;
  };

  it('relays in one process of those that ask, and in another once the first stops', async () => {
    const lockName = `test/${randomUUID()}`;
    const log: string[] = [];
    const [a, b] = [await contend(lockName, log, 'a'), await contend(lockName, log, 'b')];
    expect([a.leading, b.leading]).toEqual([true, false]);
    // Another schema's relay is another lock.
    expect((await contend(`test/${randomUUID()}`, [], 'c')).leading).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(log).toEqual(['a started']);
    await a.stop();
    await eventually(
      () => b.leading,
      () => `b does not lead: ${log.join(', ')}`,
      5_000,
    );
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
  });

  it('takes over when the leader’s session dies, and the leader stops relaying', async () => {
    const lockName = `test/${randomUUID()}`;
    const log: string[] = [];
    const [a, b] = [await contend(lockName, log, 'a'), await contend(lockName, log, 'b')];
    expect(a.leading).toBe(true);
    // The lock holder's backend ended, as when its process is killed or its connection lost.
    const admin = new Client({ connectionString: testPostgresUrl() });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::bigint = (hashtext($1)::bigint & 4294967295)`,
        [lockName],
      );
      expect(rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
    await eventually(
      () => b.leading && !a.leading,
      () => `a ${a.leading}, b ${b.leading}: ${log.join(', ')}`,
      5_000,
    );
    expect(log.slice(0, 3)).toEqual(['a started', 'a stopped', 'b started']);
  });

  it('stops a relay that finished starting after its lock was lost, and leads again once it holds the lock', async () => {
    const lockName = `test/${randomUUID()}`;
    const log: string[] = [];
    let release!: () => void;
    const slowStart = new Promise<void>((resolve) => (release = resolve));
    const relay: EventRelay = { done: new Promise(() => undefined), publishedPosition: undefined, stop: async () => void log.push('stopped') };
    const starting = startLeadingRelay({
      connectionString: testPostgresUrl(),
      lockName,
      retryMs: 100,
      start: async () => {
        log.push('starting');
        await slowStart;
        log.push('started');
        return relay;
      },
    });
    await eventually(
      () => log.includes('starting'),
      () => 'the relay did not start',
      5_000,
    );
    // While its relay starts, the lock's session ends.
    const admin = new Client({ connectionString: testPostgresUrl() });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::bigint = (hashtext($1)::bigint & 4294967295)`, [lockName]);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const contender = await starting;
    contenders.push(contender);
    await eventually(
      () => log.includes('stopped'),
      () => `the relay started without the lock was not stopped: ${log.join(', ')}`,
      5_000,
    );
    expect(log.slice(0, 3)).toEqual(['starting', 'started', 'stopped']);
    // Nobody else holds the lock: it takes it again and relays.
    await eventually(
      () => contender.leading,
      () => `it does not lead again: ${log.join(', ')}`,
      5_000,
    );
  });
});
