import type { RuleDeclaration } from '@sluice/domain';
import { deploymentWindowRule, parseWindowCron, localTime } from './deployment-window-rule';
import type { StageConditionRequest } from './stage-condition-evaluator';

const rule = (configuration: Record<string, string>): RuleDeclaration => ({ name: 'Window', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' }, configuration });
const request = {} as StageConditionRequest;
const evaluateAt = (instant: string, configuration: Record<string, string>) => deploymentWindowRule(() => new Date(instant))(rule(configuration), request);
const open = (expression: string, instant: string, timeZone = 'UTC'): boolean => {
  const parsed = parseWindowCron(expression);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.matches(localTime(new Date(instant), timeZone)!);
};

describe('the DeploymentWindow rule', () => {
  it('opens on weekdays 09:00-16:59 in the zone given, and says when it is closed', async () => {
    const weekdays = { Cron: '* * 9-16 ? * MON-FRI', TimeZone: 'Europe/Paris' };
    // 2026-12-07 is a Monday; 08:30 UTC is 09:30 in Paris.
    expect(await evaluateAt('2026-12-07T08:30:00Z', weekdays)).toEqual({ passed: true, message: '2026-12-07 09:30 Europe/Paris is inside the window * * 9-16 ? * MON-FRI' });
    expect(await evaluateAt('2026-12-07T16:00:00Z', weekdays)).toMatchObject({ passed: false, message: '2026-12-07 17:00 Europe/Paris is outside the window * * 9-16 ? * MON-FRI' });
    // Saturday.
    expect(await evaluateAt('2026-12-05T10:00:00Z', weekdays)).toMatchObject({ passed: false });
    // Without TimeZone: UTC.
    expect(await evaluateAt('2026-12-07T08:30:00Z', { Cron: '* * 9-16 ? * MON-FRI' })).toMatchObject({ passed: false });
  });

  it('reads AWS’s fields: steps, lists, names, L, nL, n#k and the year', () => {
    expect(open('* 0/15 * * * ?', '2026-03-02T10:30:00Z')).toBe(true);
    expect(open('* 0/15 * * * ?', '2026-03-02T10:31:00Z')).toBe(false);
    expect(open('* * * ? * 2,4,6', '2026-03-02T10:00:00Z')).toBe(true); // Monday = 2
    expect(open('* * * ? JAN-MAR 1', '2026-03-01T10:00:00Z')).toBe(true); // Sunday = 1
    expect(open('* * * L * ?', '2026-02-28T23:00:00Z')).toBe(true);
    expect(open('* * * L * ?', '2026-02-27T23:00:00Z')).toBe(false);
    expect(open('* * * ? * 6L', '2026-02-27T12:00:00Z')).toBe(true); // last Friday of February 2026
    expect(open('* * * ? * 6L', '2026-02-20T12:00:00Z')).toBe(false);
    expect(open('* * * ? * MON#1', '2026-03-02T12:00:00Z')).toBe(true);
    expect(open('* * * ? * MON#1', '2026-03-09T12:00:00Z')).toBe(false);
    expect(open('* * * * * ? 2027', '2026-03-09T12:00:00Z')).toBe(false);
  });

  it('refuses what it cannot read, naming the field, and fails the rule rather than opening', async () => {
    expect(parseWindowCron('* * *')).toEqual({ ok: false, problem: expect.stringMatching(/has 3 fields/) });
    expect(parseWindowCron('0 * * * * ?')).toEqual({ ok: false, problem: expect.stringMatching(/seconds must be '\*'/) });
    expect(parseWindowCron('* * 25 * * ?')).toEqual({ ok: false, problem: "hours: '25' is not within 0-23" });
    expect(parseWindowCron('* * * 15W * ?')).toEqual({ ok: false, problem: expect.stringMatching(/W or L-n/) });
    expect(parseWindowCron('* * * 1 * MON')).toEqual({ ok: false, problem: expect.stringMatching(/put '\?' in one of them/) });
    expect(await evaluateAt('2026-12-07T08:30:00Z', { Cron: '* * * * * ?', TimeZone: 'Mars/Olympus' })).toMatchObject({ passed: false, message: expect.stringMatching(/is not a time zone/) });
    expect(await evaluateAt('2026-12-07T08:30:00Z', {})).toEqual({ passed: false, message: 'the configuration lacks Cron' });
  });
});
