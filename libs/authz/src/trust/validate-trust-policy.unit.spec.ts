import { validateTrustPolicy } from './validate-trust-policy';

const base = { Effect: 'Allow', Principal: { Sluice: 'srn:sluice:globex:root' }, Action: 'sluice:AssumeRole' };
const withStatement = (statement: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [statement] });

describe('validateTrustPolicy', () => {
  it.each([
    ['an account root', withStatement(base)],
    ['principals of two accounts, with a condition', withStatement({ ...base, Principal: { Sluice: ['srn:sluice:globex:principal/bob', 'srn:sluice:initech:principal/ci-bot@build'] }, Condition: { IpAddress: { 'sluice:SourceIp': '198.51.100.0/24' } } })],
    ['a deny', { Statement: [base, { ...base, Effect: 'Deny', Principal: { Sluice: 'srn:sluice:globex:principal/mallory' }, Action: ['sluice:AssumeRole'] }] }],
  ])('accepts %s', (_label, input) => expect(validateTrustPolicy(input)).toEqual({ valid: true, policy: input }));

  it.each([
    ['no Principal', withStatement({ Effect: 'Allow', Action: 'sluice:AssumeRole' }), '$.Statement[0].Principal', 'missing_field'],
    ['an AWS principal', withStatement({ ...base, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }), '$.Statement[0].Principal.AWS', 'unknown_field'],
    ['"*" as principal', withStatement({ ...base, Principal: { Sluice: '*' } }), '$.Statement[0].Principal.Sluice', 'invalid_principal'],
    ['a wildcard principal id', withStatement({ ...base, Principal: { Sluice: ['srn:sluice:globex:root', 'srn:sluice:globex:principal/ci-*'] } }), '$.Statement[0].Principal.Sluice[1]', 'invalid_principal'],
    ['a pipeline instead of a principal', withStatement({ ...base, Principal: { Sluice: 'srn:sluice:globex:web' } }), '$.Statement[0].Principal.Sluice', 'invalid_principal'],
    ['an action other than AssumeRole', withStatement({ ...base, Action: ['sluice:AssumeRole', 'sluice:GetPipeline'] }), '$.Statement[0].Action[1]', 'unknown_action'],
    ['a Resource', withStatement({ ...base, Resource: '*' }), '$.Statement[0].Resource', 'unknown_field'],
    ['a bad condition', withStatement({ ...base, Condition: { DateLessThan: { 'sluice:CurrentTime': 'soon' } } }), '$.Statement[0].Condition.DateLessThan["sluice:CurrentTime"]', 'invalid_date'],
  ])('refuses %s', (_label, input, path, code) => {
    const result = validateTrustPolicy(input);
    expect(result.valid ? [] : result.issues.map((issue) => [issue.path, issue.code])).toContainEqual([path, code]);
  });
});
