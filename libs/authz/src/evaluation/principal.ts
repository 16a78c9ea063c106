import type { NamedPolicy } from '../policy/policy-document';

/** Who a principal is, without its policies: `srn:sluice:{account}:principal/{id}`. */
export interface PrincipalRef {
  id: string;
  account: string;
}

/**
 * A principal as the authorizer sees it. For a role session, `id` and `account` are the role's, the
 * policies are the role's, and `assumedBy` is who assumed it (the audit trail names both).
 */
export interface Principal extends PrincipalRef {
  /** Identity, group and role policies together; any of them may allow, any may deny. */
  policies: readonly NamedPolicy[];
  /** Narrows: a request must be allowed by `policies` and by this. */
  sessionPolicy?: NamedPolicy;
  assumedBy?: PrincipalRef;
}

/** Facts about the request that conditions test; time comes in with the request, never from the clock here. */
export interface RequestContext {
  currentTime: Date;
  sourceIp?: string;
  sourceBranch?: string;
  userAgent?: string;
}

export interface AuthorizationRequest {
  principal: Principal;
  /** A catalogue action, e.g. `sluice:GetPipelineState`. */
  action: string;
  /** A concrete resource name, e.g. from `resourceForAction(action, target)`. */
  resource: string;
  context: RequestContext;
}
