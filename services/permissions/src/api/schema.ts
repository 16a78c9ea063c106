import { subgraphSchemaPreamble } from '@sluice/graphql-service/schema';

/** The permissions subgraph, named like IAM and CloudTrail (federation v2; the gateway composes it). */
export const permissionsTypeDefs = /* GraphQL */ `
${subgraphSchemaPreamble(['@key', '@shareable', '@inaccessible'])}
  enum PolicyTargetType {
    USER
    GROUP
    ROLE
  }

  enum TokenStatus {
    ACTIVE
    EXPIRED
    REVOKED
  }

  enum AuthorizationDecision {
    Allow
    ExplicitDeny
    ImplicitDeny
  }

  "For the gateway only (called on this subgraph's URL): who a token stands for."
  type AuthenticatedPrincipal @inaccessible {
    "Exactly the Principal of @sluice/authz: id, account, policies, sessionPolicy?, assumedBy?."
    principal: JSON!
    expiresAt: DateTime!
    actor: String!
    tokenId: String!
  }

  type PrincipalRef {
    id: String!
    account: String!
  }

  "A policy attached to a user, group or role: a managed one (its document computed for the account) or an inline one."
  type AttachedPolicy {
    name: String!
    managed: Boolean!
    "Approver's scope, when it is the Approver policy."
    approverScope: ApproverScope
    document: JSON!
  }

  type ApproverScope {
    pipeline: String!
    stage: String
    action: String
  }

  type User {
    account: String!
    userName: String!
    "srn:sluice:{account}:principal/{userName}"
    srn: String!
    createdAt: DateTime!
    groups: [String!]!
    policies: [AttachedPolicy!]!
  }

  type Role {
    account: String!
    roleName: String!
    srn: String!
    createdAt: DateTime!
    description: String
    trustPolicy: JSON!
    maxSessionDurationSeconds: Int!
    policies: [AttachedPolicy!]!
  }

  type Group {
    account: String!
    groupName: String!
    members: [String!]!
    policies: [AttachedPolicy!]!
  }

  type Account {
    account: String!
    "The first admin's token when createAccount was given adminUserName: shown this once."
    adminToken: CreatedToken
  }

  "A new token: the secret is returned here once and never again (only its SHA-256 is stored)."
  type CreatedToken {
    token: String!
    tokenId: String!
    account: String!
    principalId: String!
    expiresAt: DateTime!
  }

  type TokenInfo {
    tokenId: String!
    principalId: String!
    description: String
    createdAt: DateTime!
    expiresAt: DateTime!
    revokedAt: DateTime
    status: TokenStatus!
    "For a role session: its name and who assumed the role."
    sessionName: String
    assumedBy: PrincipalRef
  }

  type AssumedRole {
    "The session token, shown once: Authorization: Bearer <token>."
    token: String!
    tokenId: String!
    expiresAt: DateTime!
    "The role's srn."
    role: String!
    actor: String!
    assumedBy: PrincipalRef!
  }

  type WhoAmI {
    account: String!
    principalId: String
    actor: String!
    tokenId: String
    expiresAt: DateTime
    assumedBy: PrincipalRef
    policies: [String!]!
  }

  type DecidingStatement {
    policyName: String!
    sid: String
    index: Int!
  }

  type SimulationResult {
    action: String!
    resource: String!
    resourceMatchesActionLevel: Boolean!
    decision: AuthorizationDecision!
    allowed: Boolean!
    "The statement that decided; null for an implicit deny."
    decidingStatement: DecidingStatement
    "Why an implicit deny: no_matching_allow, not_allowed_by_session_policy, cross_account."
    implicitDenyReason: String
    explanation: String!
  }

  "One (action, resource) pair to check: a catalogue action and a resource of its level (srn:sluice:{account}:{pipeline}[/{stage}[/{action}]])."
  input PermissionCheckInput {
    action: String!
    resource: String!
  }

  type PermissionAnswer {
    action: String!
    resource: String!
    allowed: Boolean!
  }

  input SimulationContextInput {
    currentTime: DateTime
    sourceIp: String
    sourceBranch: String
    userAgent: String
  }

  input ApproverScopeInput {
    pipeline: String!
    stage: String
    action: String
  }

  input AuditEventFilter {
    "A principal id: the original principal or the role it acted through."
    principal: String
    operation: String
    "A resource name, or a prefix ending in *."
    resource: String
    decision: AuthorizationDecision
    from: DateTime
    to: DateTime
    "true: leave out reads (calls of actions the catalogue marks read-only, denied ones too), which are most of a trail."
    excludeReads: Boolean
  }

  "One API call as recorded in the hash-chained trail."
  type AuditEvent {
    id: String!
    "The record's place in its account's chain (0 = first)."
    position: Int!
    time: DateTime!
    principal: PrincipalRef!
    viaRole: PrincipalRef
    operation: String!
    resource: String!
    requestParameters: JSON!
    decision: AuthorizationDecision!
    decidingStatement: DecidingStatement
    "succeeded | failed | denied, with errorCode when failed; attempted for a change recorded before it ran (its outcome follows in a record whose resultOf names this one)."
    result: JSON!
    "On the outcome of a call recorded as attempted first: the id of that attempt record."
    resultOf: String
    sourceIp: String
    userAgent: String
    requestId: String!
    "hmac-sha256: the hash is keyed with the audit chain key (decision 0028); null on records from before the chain was keyed."
    chain: String
    previousHash: String
    hash: String!
  }

  type AuditEventEdge {
    cursor: String!
    node: AuditEvent!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
  }

  "Newest first."
  type AuditEventConnection {
    edges: [AuditEventEdge!]!
    pageInfo: PageInfo!
  }

  type BrokenAuditLink {
    "The broken record's place in the chain (0 = first)."
    position: Int!
    id: String
    "Its position in the event store."
    storePosition: String
    "hash_mismatch (changed, or written without the audit key), previous_hash_mismatch, missing_records or differs_from_checkpoint."
    reason: String!
    explanation: String!
  }

  type AuditTrailVerification {
    account: String!
    ok: Boolean!
    checked: Int!
    lastHash: String
    firstBrokenLink: BrokenAuditLink
  }

  type Query {
    authenticate(token: String!): AuthenticatedPrincipal @inaccessible
    whoami: WhoAmI!
    getUser(userName: String!): User!
    listUsers: [User!]!
    getRole(roleName: String!): Role!
    listRoles: [Role!]!
    getGroup(groupName: String!): Group!
    "The account's tokens (never their secrets), optionally of one principal."
    listTokens(principalId: String): [TokenInfo!]!
    "Which of the pairs (at most 200) the caller itself may do, decided as the gateway decides; needs only a valid token."
    myPermissions(checks: [PermissionCheckInput!]!): [PermissionAnswer!]!
    simulatePrincipalPolicy(principalId: String!, actions: [String!]!, resources: [String!]!, context: SimulationContextInput): [SimulationResult!]!
    lookupAuditEvents(filter: AuditEventFilter, first: Int, after: String): AuditEventConnection!
    "Checks the caller's account's trail (account defaults to it); from/to limit the records checked."
    verifyAuditTrail(account: String, from: DateTime, to: DateTime): AuditTrailVerification!
  }

  type Mutation {
    createAccount(account: String!, adminUserName: String): Account!
    createUser(userName: String!): User!
    createGroup(groupName: String!): Group!
    addUserToGroup(groupName: String!, userName: String!): Group!
    createRole(roleName: String!, trustPolicy: JSON!, maxSessionDurationSeconds: Int, description: String): Role!
    "Attach a managed policy (managedPolicy, with approverScope for Approver) or an inline one (policyName and document)."
    attachPolicy(targetType: PolicyTargetType!, targetName: String!, managedPolicy: String, approverScope: ApproverScopeInput, policyName: String, document: JSON): [AttachedPolicy!]!
    detachPolicy(targetType: PolicyTargetType!, targetName: String!, policyName: String!): [AttachedPolicy!]!
    "An API token for a user (default 90 days, at most 10 years)."
    createToken(principalId: String!, expiresInSeconds: Int, description: String): CreatedToken!
    revokeToken(tokenId: String!): TokenInfo!
    "role: a role name in the caller's account or srn:sluice:{account}:principal/{role}."
    assumeRole(role: String!, sessionName: String!, sessionPolicy: JSON, durationSeconds: Int): AssumedRole!
  }
`;
