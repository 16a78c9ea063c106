import { ValidationError } from '@sluice/domain';
import { isDueForExpiry, retentionDaysOf, retentionDecider, type RetentionCommand, type RetentionState } from './retention';
import type { ExecutionState } from '../execution/execution-state';

const put = (retentionDays: number, actor = 'admin'): RetentionCommand => ({ type: 'PutRetentionSettings', retentionDays, metadata: { now: '2026-05-01T00:00:00.000Z', account: 'acme', actor, correlationId: 'c' } });
const run = (state: RetentionState, command: RetentionCommand): RetentionState => retentionDecider.decide(command, state).reduce(retentionDecider.evolve, state);

describe('retention settings', () => {
  it('defaults to CodePipeline’s 12 months, then keeps what the account set', () => {
    expect(retentionDaysOf(retentionDecider.initialState)).toBe(365);
    const set = run(retentionDecider.initialState, put(90));
    expect(set).toEqual({ kind: 'Set', retentionDays: 90, setBy: 'admin', setAt: '2026-05-01T00:00:00.000Z' });
    expect(retentionDaysOf(set)).toBe(90);
    // The same period again records nothing.
    expect(retentionDecider.decide(put(90, 'other'), set)).toEqual([]);
  });

  it.each([0, -1, 3651, 1.5, Number.NaN])('refuses %p days, naming retentionDays', (days) => {
    try {
      retentionDecider.decide(put(days), retentionDecider.initialState);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([expect.objectContaining({ path: '$.retentionDays', code: 'out_of_range' })]);
    }
  });
});

describe('which executions are due', () => {
  const run = { lastUpdatedAt: '2026-01-01T00:00:00.000Z' } as Extract<ExecutionState, { status: 'Succeeded' }>['run'];
  const ended = { status: 'Succeeded', run, endedAt: run.lastUpdatedAt } as ExecutionState;
  const running = { status: 'InProgress', run } as ExecutionState;

  it('expires an ended execution whose last update is older than the period, never a running one', () => {
    expect(isDueForExpiry(ended, 30, new Date('2026-01-31T00:00:00.000Z'))).toBe(false);
    expect(isDueForExpiry(ended, 30, new Date('2026-01-31T00:00:00.001Z'))).toBe(true);
    expect(isDueForExpiry(running, 30, new Date('2027-01-01T00:00:00.000Z'))).toBe(false);
    expect(isDueForExpiry({ status: 'NotStarted' }, 1, new Date('2027-01-01T00:00:00.000Z'))).toBe(false);
  });
});
