import type { Principal, RequestContext } from '../evaluation/principal';
import type { NamedPolicy, PolicyStatement } from '../policy/policy-document';

/** Short ways to write policies and requests in tests: `policy('deploy', allow('sluice:Get*', 'srn:sluice:acme:*'))`. */
export function policy(name: string, ...statements: PolicyStatement[]): NamedPolicy {
  return { name, document: { Version: '2012-10-17', Statement: statements } };
}

export function allow(action: string | string[], resource: string | string[], extra: Partial<Pick<PolicyStatement, 'Sid' | 'Condition'>> = {}): PolicyStatement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

export function deny(action: string | string[], resource: string | string[], extra: Partial<Pick<PolicyStatement, 'Sid' | 'Condition'>> = {}): PolicyStatement {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

export function principal(id: string, account: string, policies: NamedPolicy[], extra: Partial<Pick<Principal, 'sessionPolicy' | 'assumedBy'>> = {}): Principal {
  return { id, account, policies, ...extra };
}

export const AT_NOON: RequestContext = { currentTime: new Date('2026-06-01T12:00:00Z'), sourceIp: '203.0.113.7' };

export function context(overrides: Partial<RequestContext> = {}): RequestContext {
  return { ...AT_NOON, ...overrides };
}
