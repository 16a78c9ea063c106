import { ACTION_ENUMS_SDL, subgraphSchemaPreamble } from '@sluice/graphql-service/schema';

/** The pipelines subgraph, in CodePipeline's words (federation v2; the gateway composes it). */
export const pipelinesTypeDefs = /* GraphQL */ `
${subgraphSchemaPreamble(['@key', '@shareable'])}
${ACTION_ENUMS_SDL}
  "CodePipeline's transition types; Sluice disables and enables Inbound transitions."
  enum StageTransitionType {
    Inbound
    Outbound
  }

  "A pipeline of an account: its definition (latest, or the version asked for), metadata, transitions and tags."
  type Pipeline @key(fields: "account name") {
    account: String!
    name: String!
    "The definition exactly as accepted, with its version: createPipeline accepts it unchanged (a copy)."
    pipeline: JSON!
    metadata: PipelineMetadata!
    "The inbound transition of every stage but the first."
    transitions: [StageTransition!]!
    tags: [Tag!]!
  }

  type PipelineMetadata {
    "srn:sluice:{account}:{pipeline}"
    pipelineArn: String!
    created: DateTime!
    updated: DateTime!
    "The version of the definition in this answer."
    version: Int!
    "The latest version."
    latestVersion: Int!
  }

  type StageTransition {
    stageName: String!
    transitionType: StageTransitionType!
    enabled: Boolean!
    disabledReason: String
    lastChangedBy: String
    lastChangedAt: DateTime
  }

  type Tag {
    key: String!
    value: String!
  }

  input TagInput {
    key: String!
    value: String!
  }

  type PipelineConnection {
    edges: [PipelineEdge!]!
    pageInfo: PageInfo!
  }

  type PipelineEdge {
    cursor: String!
    node: Pipeline!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
  }

  type PipelineVersion {
    version: Int!
    created: DateTime!
    createdBy: String!
    pipeline: JSON!
  }

  "One difference between two versions, located by a path that names stages and actions."
  type PipelineChange {
    path: String!
    kind: String!
    before: JSON
    after: JSON
  }

  type PipelineVersionDiff {
    name: String!
    from: Int!
    to: Int!
    changes: [PipelineChange!]!
  }

  type ActionTypeId @shareable {
    category: ActionCategory!
    owner: ActionOwner!
    provider: String!
    version: String!
  }

  type ArtifactDetails {
    minimumCount: Int!
    maximumCount: Int!
  }

  type ActionType {
    id: ActionTypeId!
    settings: JSON
    actionConfigurationProperties: JSON!
    inputArtifactDetails: ArtifactDetails!
    outputArtifactDetails: ArtifactDetails!
    tags: [Tag!]!
  }

  enum PipelineGraphNodeKind {
    SOURCE
    PIPELINE
    ENVIRONMENT
  }

  "SOURCE: a source feeds a pipeline; INVOKES: an Invoke/Sluice/Pipeline (or Invoke/AWS/CodePipeline) action starts another pipeline; DEPLOYS_TO: a Deploy action names the environment."
  enum PipelineGraphEdgeKind {
    SOURCE
    INVOKES
    DEPLOYS_TO
  }

  type PipelineGraphNode {
    "pipeline:<name>, environment:<name> or source:<repository#branch, s3 bucket/key or upload key>."
    id: String!
    kind: PipelineGraphNodeKind!
    label: String!
    "The pipeline's name (PIPELINE nodes)."
    pipelineName: String
    "The pipelines joined to the node: more than one for a shared source or environment."
    pipelineNames: [String!]!
  }

  type PipelineGraphEdge {
    "Node ids."
    from: String!
    to: String!
    kind: PipelineGraphEdgeKind!
    "The stage/action each edge comes from."
    via: [String!]!
  }

  type PipelineGraph {
    nodes: [PipelineGraphNode!]!
    edges: [PipelineGraphEdge!]!
  }

  type ImportedAwsPipeline {
    "The Sluice definition the AWS one became."
    pipeline: JSON!
    "For each action, the provider it became; every field dropped or changed, by path; warnings."
    report: JSON!
    "The pipeline created, with create: true."
    created: Pipeline
  }

  "A pipeline as it was at an instant: the fold of its events that occurred up to then (docs/decisions/0022)."
  type PipelineAsOf {
    "The instant of the answer: the one asked for, or now when it is still to come."
    at: DateTime!
    account: String!
    name: String!
    "The definition that was current then, with its version."
    pipeline: JSON!
    "version and latestVersion as they were then (a name deleted and created again: its incarnation of then)."
    metadata: PipelineMetadata!
    "The inbound transitions as they were then (disabled ones with their reason)."
    transitions: [StageTransition!]!
    tags: [Tag!]!
  }

  "CodePipeline's webhook authentications (decision 0039)."
  enum WebhookAuthentication {
    GITHUB_HMAC
    IP
    UNAUTHENTICATED
  }

  type WebhookFilterRule {
    "A JSONPath into the delivery's body: $ then .name, ['name'] or [index] steps."
    jsonPath: String!
    "The value it must select; {Key} stands for the target action's configuration property Key ({Branch} also reads BranchName)."
    matchEquals: String
  }

  "Never the secret token: only whether one is set."
  type WebhookAuthConfiguration {
    allowedIPRange: String
    secretTokenSet: Boolean!
  }

  "A webhook of the account: a POST to the gateway at path whose body passes the filters starts targetPipeline."
  type Webhook {
    name: String!
    targetPipeline: String!
    targetAction: String!
    filters: [WebhookFilterRule!]!
    authentication: WebhookAuthentication!
    authenticationConfiguration: WebhookAuthConfiguration!
    "Where the gateway serves it: POST <gateway address><path>."
    path: String!
    "srn:sluice:{account}:webhook/{name}"
    arn: String!
    "Recorded by registerWebhookWithThirdParty: Sluice calls no Git host; the URL is yours to configure there."
    registeredWithThirdParty: Boolean!
    tags: [Tag!]!
    created: DateTime!
    updated: DateTime!
  }

  type WebhookConnection {
    nodes: [Webhook!]!
    pageInfo: PageInfo!
  }

  "A secret of the account (decision 0043): names, versions and dates; its value is never answered."
  type Secret {
    name: String!
    description: String!
    "The current version: jobs receive its value; each putSecretValue adds one."
    version: Int!
    "srn:sluice:{account}:secret/{name}"
    arn: String!
    created: DateTime!
    createdBy: String!
    "When and by whom the current version was put."
    updated: DateTime!
    updatedBy: String!
  }

  "A notification target (decision 0044): a signed generic webhook, a Slack incoming webhook, or an email address."
  enum NotificationTargetType {
    Webhook
    Slack
    Email
  }

  "A target as answered: a Webhook's secret is never returned, only that it is set."
  type NotificationTarget {
    type: NotificationTargetType!
    "Webhook and Slack: the URL posted to; Email: the recipient."
    address: String!
    secretSet: Boolean!
  }

  "A pipeline's notification rule: which CodePipeline event types go to which targets (docs/notifications.md)."
  type NotificationRule {
    name: String!
    pipelineName: String!
    "CodePipeline's event type ids, such as codepipeline-pipeline-pipeline-execution-failed."
    eventTypeIds: [String!]!
    targets: [NotificationTarget!]!
    "ENABLED or DISABLED."
    status: String!
    "srn:sluice:{account}:{pipeline}: rules are managed at the pipeline they watch."
    pipelineArn: String!
    created: DateTime!
    createdBy: String!
    "1 when created, one more with each update, tag or untag: updateNotificationRule names the version it read."
    version: Int!
    updated: DateTime!
    updatedBy: String!
    tags: [Tag!]!
  }

  enum NotificationDeliveryStatus {
    Pending
    InProgress
    Retrying
    Succeeded
    Failed
  }

  "One notification to one target, and its attempts: a row of the delivery history."
  type NotificationDelivery {
    "Derived from the rule, the source event and the target; sent as X-Sluice-Delivery so receivers dedupe."
    idempotencyKey: String!
    ruleName: String!
    targetIndex: Int!
    targetType: NotificationTargetType!
    eventTypeId: String!
    pipelineName: String!
    executionId: String!
    summary: String!
    "The dashboard's page of the execution or the approval."
    link: String!
    status: NotificationDeliveryStatus!
    attempts: Int!
    lastError: String
    nextAttemptAt: DateTime
    requestedAt: DateTime!
    updatedAt: DateTime!
  }

  type Query {
    getPipeline(name: String!, version: Int): Pipeline!
    "The pipeline as it was at an ISO-8601 instant (e.g. 2026-01-02T03:04:05.000Z); NOT_FOUND if it did not exist then."
    pipelineAsOf(name: String!, at: String!): PipelineAsOf!
    listPipelines(first: Int = 50, after: String): PipelineConnection!
    listPipelineVersions(name: String!): [PipelineVersion!]!
    "Sources, pipelines and environments of the account and what joins them, over the pipelines the caller may read (sluice:GetPipeline): nothing of another is named; FORBIDDEN when it may read none."
    pipelineGraph: PipelineGraph!
    diffPipelineVersions(name: String!, from: Int!, to: Int!): PipelineVersionDiff!
    "With includeDeleted: deleted custom types too, whose jobs the definitions stored before the delete still make."
    listActionTypes(owner: ActionOwner, category: ActionCategory, includeDeleted: Boolean = false): [ActionType!]!
    "One action type the account's definitions may use, built in or custom; ACTION_TYPE_NOT_FOUND otherwise."
    getActionType(category: ActionCategory!, owner: ActionOwner!, provider: String!, version: String!): ActionType!
    "The definition in AWS CodePipeline's form, with a report of what did not map back."
    exportAwsPipeline(name: String!, version: Int): JSON!
    "The account's webhooks, by name."
    webhooks(first: Int = 50, after: String): WebhookConnection!
    "The account's secrets, by name: never a value."
    listSecrets: [Secret!]!
    "The pipeline's notification rules, by name; with tagKey, those with that tag (and tagValue, with that value)."
    notificationRules(pipelineName: String!, tagKey: String, tagValue: String): [NotificationRule!]!
    "The pipeline's notifications, newest first: of one rule, in one status, at most first (1 to 200)."
    notificationDeliveries(pipelineName: String!, ruleName: String, status: NotificationDeliveryStatus, first: Int = 50): [NotificationDelivery!]!
  }

  type Mutation {
    createPipeline(pipeline: JSON!, tags: [TagInput!]): Pipeline!
    "The expected version is pipeline.version (the one you read): a stale one is a CONFLICT."
    updatePipeline(pipeline: JSON!): Pipeline!
    deletePipeline(name: String!): Boolean!
    disableStageTransition(pipelineName: String!, stageName: String!, transitionType: StageTransitionType!, reason: String!): StageTransition!
    enableStageTransition(pipelineName: String!, stageName: String!, transitionType: StageTransitionType!): StageTransition!
    "input is CodePipeline's CreateCustomActionType request (category, provider, version, configurationProperties, artifact details, tags)."
    createCustomActionType(input: JSON!): ActionType!
    """
    A custom type's new definition (input as createCustomActionType's, without tags; same id). Pipelines are checked
    against it from now on. Built-in types (owner AWS or Sluice) are refused (INVALID_INPUT at $.owner).
    """
    updateActionType(owner: ActionOwner! = Custom, input: JSON!): ActionType!
    """
    No new or changed definition may use the type; definitions stored with it keep running until changed. The same
    id can be created again with the definition it had (a restore); another definition needs a new version.
    """
    deleteCustomActionType(category: ActionCategory!, provider: String!, version: String!): Boolean!
    tagResource(resourceArn: String!, tags: [TagInput!]!): [Tag!]!
    untagResource(resourceArn: String!, tagKeys: [String!]!): [Tag!]!
    "input is what aws codepipeline get-pipeline prints; with create: true the pipeline (and the custom action types it needs) is created."
    importAwsPipeline(input: JSON!, create: Boolean = false): ImportedAwsPipeline!
    "webhook is CodePipeline's WebhookDefinition (name, targetPipeline, targetAction, filters, authentication, authenticationConfiguration): created, or replaced by name (its path stays)."
    putWebhook(webhook: JSON!, tags: [TagInput!]): Webhook!
    "true also when there was no such webhook, as CodePipeline's DeleteWebhook."
    deleteWebhook(name: String!): Boolean!
    registerWebhookWithThirdParty(name: String!): Webhook!
    deregisterWebhookWithThirdParty(name: String!): Webhook!
    "A new secret, version 1. The value is sealed under the server's master key and never answered again."
    createSecret(name: String!, value: String!, description: String): Secret!
    "Rotates the secret: its value becomes a new version, the one jobs receive from now on."
    putSecretValue(name: String!, value: String!): Secret!
    "Definitions that reference it fail their jobs until it is created again; SECRET_NOT_FOUND if there is none."
    deleteSecret(name: String!): Boolean!
    """
    rule: { name, pipelineName, eventTypeIds, targets: [{ type, address, secret? }], status? } (docs/notifications.md).
    A Webhook target's secret signs each body and is never answered; a name taken is a CONFLICT.
    """
    createNotificationRule(rule: JSON!): NotificationRule!
    """
    changes: { eventTypeIds?, targets?, status? }: what it names replaces the rule's, the rest stays (docs/notifications.md).
    version is the rule's version you read: a stale one is a CONFLICT, nothing changed. A Webhook target without a secret
    keeps the one of the target at its index when that was a Webhook to the same address.
    """
    updateNotificationRule(pipelineName: String!, name: String!, version: Int!, changes: JSON!): NotificationRule!
    "Sets tags on the rule (a key given again takes the new value); with version, a CONFLICT when the rule changed since."
    tagNotificationRule(pipelineName: String!, name: String!, tags: [TagInput!]!, version: Int): NotificationRule!
    "Removes tags by key (keys it does not have are ignored); with version, a CONFLICT when the rule changed since."
    untagNotificationRule(pipelineName: String!, name: String!, tagKeys: [String!]!, version: Int): NotificationRule!
    "The rule must watch pipelineName (NOTIFICATION_RULE_NOT_FOUND otherwise); its owed notifications fail as deleted."
    deleteNotificationRule(pipelineName: String!, name: String!): Boolean!
  }
`;
