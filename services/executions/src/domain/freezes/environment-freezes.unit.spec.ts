import { ValidationError } from '@sluice/domain';
import { activeFreezes, environmentFreezeCondition, freezesDecider, type FreezeCommand, type FreezesState } from './environment-freezes';

const metadata = (now: string, actor = 'ops') => ({ now, account: 'acme', actor, correlationId: 'c' });
const run = (state: FreezesState, command: FreezeCommand): FreezesState => freezesDecider.decide(command, state).reduce(freezesDecider.evolve, state);
const schedule = (overrides: Partial<Extract<FreezeCommand, { type: 'ScheduleEnvironmentFreeze' }>> = {}): FreezeCommand => ({
  type: 'ScheduleEnvironmentFreeze',
  freezeId: 'f1',
  environment: 'prod',
  startsAt: '2026-12-24T00:00:00Z',
  endsAt: '2026-12-27T00:00:00Z',
  reason: 'holidays',
  metadata: metadata('2026-12-01T00:00:00.000Z'),
  ...overrides,
});

describe('environment freezes', () => {
  it('holds an environment from its start until its end or until lifted', () => {
    const frozen = run(freezesDecider.initialState, schedule());
    expect(activeFreezes(frozen, 'prod', '2026-12-23T23:59:59.000Z')).toEqual([]);
    expect(activeFreezes(frozen, 'prod', '2026-12-24T00:00:00.000Z').map((f) => f.reason)).toEqual(['holidays']);
    expect(activeFreezes(frozen, 'staging', '2026-12-25T00:00:00.000Z')).toEqual([]);
    expect(activeFreezes(frozen, 'prod', '2026-12-27T00:00:00.000Z')).toEqual([]);
    const lifted = run(frozen, { type: 'LiftEnvironmentFreeze', freezeId: 'f1', metadata: metadata('2026-12-25T12:00:00.000Z', 'cto') });
    expect(activeFreezes(lifted, 'prod', '2026-12-25T11:00:00.000Z')).toHaveLength(1);
    expect(activeFreezes(lifted, 'prod', '2026-12-25T13:00:00.000Z')).toEqual([]);
    expect(lifted[0]).toMatchObject({ liftedBy: 'cto', scheduledBy: 'ops' });
    // Lifting again changes nothing.
    expect(freezesDecider.decide({ type: 'LiftEnvironmentFreeze', freezeId: 'f1', metadata: metadata('2026-12-26T00:00:00.000Z') }, lifted)).toEqual([]);
  });

  it('starts now when no start is given', () => {
    const [event] = freezesDecider.decide(schedule({ startsAt: null }), []);
    expect(event).toMatchObject({ data: { startsAt: '2026-12-01T00:00:00.000Z' } });
  });

  it('refuses a freeze that cannot hold anything, naming each field', () => {
    const refused = (command: FreezeCommand) => {
      try {
        freezesDecider.decide(command, []);
      } catch (error) {
        if (error instanceof ValidationError) return error.issues.map((issue) => [issue.path, issue.code]);
        throw error;
      }
      throw new Error('not refused');
    };
    expect(refused(schedule({ environment: 'prod eu', endsAt: 'soon', reason: ' ' }))).toEqual([
      ['$.environment', 'invalid_characters'],
      ['$.endsAt', 'invalid_instant'],
      ['$.reason', 'invalid_length'],
    ]);
    expect(refused(schedule({ endsAt: '2026-12-20T00:00:00Z' }))).toEqual([['$.endsAt', 'empty_period']]);
    expect(refused(schedule({ startsAt: null, endsAt: '2026-11-01T00:00:00Z' }))).toEqual([
      ['$.endsAt', 'empty_period'],
      ['$.endsAt', 'in_the_past'],
    ]);
    expect(refused({ type: 'LiftEnvironmentFreeze', freezeId: 'nope', metadata: metadata('2026-12-01T00:00:00Z') })).toEqual([['$.freezeId', 'unknown_freeze']]);
  });

  it('gates a stage that deploys to an environment, and only such a stage', () => {
    const deploy = (name: string, environment?: string) => ({ name, actionTypeId: { category: 'Deploy' as const, owner: 'Sluice' as const, provider: 'Directory', version: '1' }, ...(environment ? { environment } : {}) });
    expect(environmentFreezeCondition({ name: 'Prod', actions: [deploy('A', 'prod'), deploy('B', 'prod'), deploy('C', 'prod-eu')] })).toEqual({
      result: 'FAIL',
      rules: [{ name: 'EnvironmentFreeze', ruleTypeId: { category: 'Rule', owner: 'Sluice', provider: 'EnvironmentFreeze', version: '1' }, configuration: { Environments: 'prod,prod-eu' } }],
    });
    expect(environmentFreezeCondition({ name: 'Build', actions: [deploy('A')] })).toBeUndefined();
  });
});
