import type { ConditionBlock } from '../policy/policy-document';
import { context } from '../testing/policy-builders';
import { compileConditions, conditionsHold, resolveConditionValues } from './condition-evaluation';
import type { RequestContext } from './principal';

const JUNE_1_NOON = new Date('2026-06-01T12:00:00Z');

function holds(block: ConditionBlock, overrides: Partial<RequestContext> = {}): boolean {
  const request = context({ currentTime: JUNE_1_NOON, ...overrides });
  const values = resolveConditionValues({ context: request, principal: { id: 'alice', account: 'acme' }, resourceAccount: 'acme' });
  return conditionsHold(compileConditions(block), values);
}

/** The caller's address unknown (e.g. a job worker on a local socket). */
const NO_IP: Partial<RequestContext> = { sourceIp: undefined };

describe('condition operators (IAM semantics)', () => {
  it.each<[string, ConditionBlock, Partial<RequestContext>, boolean]>([
    ['StringEquals: equal', { StringEquals: { 'sluice:SourceBranch': 'main' } }, { sourceBranch: 'main' }, true],
    ['StringEquals: different', { StringEquals: { 'sluice:SourceBranch': 'main' } }, { sourceBranch: 'dev' }, false],
    ['StringEquals: case matters', { StringEquals: { 'sluice:SourceBranch': 'main' } }, { sourceBranch: 'Main' }, false],
    ['StringEquals: any of several values (OR)', { StringEquals: { 'sluice:SourceBranch': ['main', 'release'] } }, { sourceBranch: 'release' }, true],
    ['StringEquals: key missing → false', { StringEquals: { 'sluice:SourceBranch': 'main' } }, {}, false],
    ['StringNotEquals: different', { StringNotEquals: { 'sluice:SourceBranch': 'main' } }, { sourceBranch: 'dev' }, true],
    ['StringNotEquals: none of several values (NOR), one matches', { StringNotEquals: { 'sluice:SourceBranch': ['main', 'release'] } }, { sourceBranch: 'release' }, false],
    ['StringNotEquals: none of several values (NOR), none matches', { StringNotEquals: { 'sluice:SourceBranch': ['main', 'release'] } }, { sourceBranch: 'dev' }, true],
    ['StringNotEquals: key missing → true', { StringNotEquals: { 'sluice:SourceBranch': 'main' } }, {}, true],
    ['StringLike: "*" spans "/"', { StringLike: { 'sluice:SourceBranch': 'release/*' } }, { sourceBranch: 'release/2026/06' }, true],
    ['StringLike: "?" is one character', { StringLike: { 'sluice:SourceBranch': 'v?' } }, { sourceBranch: 'v10' }, false],
    ['StringLike: case matters', { StringLike: { 'sluice:SourceBranch': 'Release/*' } }, { sourceBranch: 'release/1' }, false],
    ['StringLike: any of several patterns', { StringLike: { 'sluice:SourceBranch': ['main', 'hotfix-*'] } }, { sourceBranch: 'hotfix-42' }, true],
    ['StringLike: key missing → false', { StringLike: { 'sluice:SourceBranch': '*' } }, {}, false],
    ['StringNotLike: matching', { StringNotLike: { 'sluice:SourceBranch': 'release/*' } }, { sourceBranch: 'release/1' }, false],
    ['StringNotLike: not matching', { StringNotLike: { 'sluice:SourceBranch': 'release/*' } }, { sourceBranch: 'main' }, true],
    ['StringNotLike: key missing → true', { StringNotLike: { 'sluice:SourceBranch': '*' } }, {}, true],
    ['StringLike on the user agent', { StringLike: { 'sluice:UserAgent': 'sluice-cli/*' } }, { userAgent: 'sluice-cli/1.4.0' }, true],
    ['DateLessThan: before', { DateLessThan: { 'sluice:CurrentTime': '2026-07-01T00:00:00Z' } }, {}, true],
    ['DateLessThan: after', { DateLessThan: { 'sluice:CurrentTime': '2026-05-01' } }, {}, false],
    ['DateLessThan: at the instant is not before', { DateLessThan: { 'sluice:CurrentTime': '2026-06-01T12:00:00Z' } }, {}, false],
    ['DateLessThan: an offset is honoured', { DateLessThan: { 'sluice:CurrentTime': '2026-06-01T13:00:01+01:00' } }, {}, true],
    ['DateLessThan: any of several dates (OR)', { DateLessThan: { 'sluice:CurrentTime': ['2026-01-01', '2027-01-01'] } }, {}, true],
    ['DateGreaterThan: after', { DateGreaterThan: { 'sluice:CurrentTime': '2026-05-31T23:59:59Z' } }, {}, true],
    ['DateGreaterThan: before', { DateGreaterThan: { 'sluice:CurrentTime': '2026-06-02' } }, {}, false],
    ['IpAddress: in the range', { IpAddress: { 'sluice:SourceIp': '203.0.113.0/24' } }, { sourceIp: '203.0.113.7' }, true],
    ['IpAddress: outside', { IpAddress: { 'sluice:SourceIp': '203.0.113.0/24' } }, { sourceIp: '198.51.100.1' }, false],
    ['IpAddress: any of several ranges (OR)', { IpAddress: { 'sluice:SourceIp': ['10.0.0.0/8', '198.51.100.0/24'] } }, { sourceIp: '198.51.100.1' }, true],
    ['IpAddress: IPv6 caller in an IPv6 range', { IpAddress: { 'sluice:SourceIp': '2001:db8::/32' } }, { sourceIp: '2001:db8:1::7' }, true],
    ['IpAddress: IPv4 caller on a dual-stack socket', { IpAddress: { 'sluice:SourceIp': '203.0.113.0/24' } }, { sourceIp: '::ffff:203.0.113.9' }, true],
    ['IpAddress: key missing → false', { IpAddress: { 'sluice:SourceIp': '0.0.0.0/0' } }, NO_IP, false],
    ['NotIpAddress: outside', { NotIpAddress: { 'sluice:SourceIp': '10.0.0.0/8' } }, { sourceIp: '203.0.113.7' }, true],
    ['NotIpAddress: inside', { NotIpAddress: { 'sluice:SourceIp': '10.0.0.0/8' } }, { sourceIp: '10.9.8.7' }, false],
    ['NotIpAddress: in one of several ranges (NOR)', { NotIpAddress: { 'sluice:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } }, { sourceIp: '203.0.113.7' }, false],
    ['NotIpAddress: key missing → true', { NotIpAddress: { 'sluice:SourceIp': '10.0.0.0/8' } }, NO_IP, true],
    ['several keys of one operator: all must hold (AND), both do', { StringEquals: { 'sluice:SourceBranch': 'main', 'sluice:PrincipalAccount': 'acme' } }, { sourceBranch: 'main' }, true],
    ['several keys of one operator: all must hold (AND), one does not', { StringEquals: { 'sluice:SourceBranch': 'main', 'sluice:PrincipalAccount': 'globex' } }, { sourceBranch: 'main' }, false],
    [
      'several operators: all must hold (AND)',
      { IpAddress: { 'sluice:SourceIp': '203.0.113.0/24' }, DateLessThan: { 'sluice:CurrentTime': '2026-01-01' } },
      { sourceIp: '203.0.113.7' },
      false,
    ],
    ['keys compare without case', { StringEquals: { 'SLUICE:sourcebranch': 'main' } }, { sourceBranch: 'main' }, true],
    ['the principal and resource accounts', { StringEquals: { 'sluice:PrincipalId': 'alice', 'sluice:ResourceAccount': 'acme' } }, {}, true],
  ])('%s', (_label, block, overrides, expected) => {
    expect(holds(block, overrides)).toBe(expected);
  });

  it('holds when there is no condition', () => expect(holds({})).toBe(true));

  it('refuses a request context it cannot read rather than treating it as a missing key', () => {
    expect(() => holds({}, { sourceIp: 'unknown' })).toThrow(RangeError);
    expect(() => holds({}, { currentTime: new Date('nonsense') })).toThrow(RangeError);
  });
});
