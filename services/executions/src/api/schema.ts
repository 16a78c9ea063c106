import { ACTION_ENUMS_SDL, subgraphSchemaPreamble } from '@sluice/graphql-service/schema';

/** The executions subgraph, in CodePipeline's words (federation v2; the gateway composes it with the pipelines subgraph). */
export const executionsTypeDefs = /* GraphQL */ `
${subgraphSchemaPreamble(['@key', '@shareable', '@inaccessible'])}
${ACTION_ENUMS_SDL}
  enum ExecutionMode {
    SUPERSEDED
    QUEUED
    PARALLEL
  }

  enum PipelineExecutionStatus {
    InProgress
    Stopping
    Stopped
    Succeeded
    Superseded
    Failed
  }

  enum StageExecutionStatus {
    InProgress
    Stopping
    Stopped
    Succeeded
    Failed
    Skipped
  }

  enum ActionExecutionStatus {
    InProgress
    Succeeded
    Failed
    Abandoned
  }

  enum StageRetryMode {
    FAILED_ACTIONS
    ALL_ACTIONS
  }

  enum ApprovalStatus {
    Approved
    Rejected
  }

  enum SourceRevisionType {
    COMMIT_ID
    IMAGE_DIGEST
    S3_OBJECT_VERSION_ID
    S3_OBJECT_KEY
  }

  "The conditions OverrideStageCondition may override: beforeEntry and onSuccess."
  enum StageConditionType {
    BEFORE_ENTRY
    ON_SUCCESS
  }

  enum TriggerType {
    StartPipelineExecution
    CreatePipeline
    PollForSourceChanges
    Webhook
    RollbackStage
    RerunStage
    AutomatedRollback
    PutActionRevision
    "An Invoke/Sluice/Pipeline action of another pipeline; triggerDetail is {pipeline}/{executionId} of the invoker."
    PipelineInvoke
  }

  enum ExecutionType {
    STANDARD
    ROLLBACK
    RERUN
  }

  enum JobStatus {
    Queued
    Dispatched
    InProgress
    Succeeded
    Failed
    TimedOut
    Cancelled
  }

  enum FailureType {
    JobFailed
    ConfigurationError
    PermissionError
    RevisionOutOfSync
    RevisionUnavailable
    SystemUnavailable
  }

  "The pipelines subgraph's entity, extended with its run state."
  type Pipeline @key(fields: "account name") {
    account: String!
    name: String!
    "getPipelineState of this pipeline; null until this service has received its definition."
    state: PipelineState
  }

  type ActionTypeId @shareable {
    category: ActionCategory!
    owner: ActionOwner!
    provider: String!
    version: String!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
  }

  type PipelineState {
    pipelineName: String
    pipelineVersion: Int
    stageStates: [StageState!]!
    updated: DateTime
  }

  type StageState {
    stageName: String!
    inboundTransitionState: TransitionState!
    latestExecution: StageExecution
    actionStates: [ActionState!]!
  }

  type TransitionState {
    enabled: Boolean!
    disabledReason: String
    lastChangedBy: String
    lastChangedAt: DateTime
  }

  type StageExecution {
    pipelineExecutionId: ID!
    status: StageExecutionStatus!
  }

  type ActionState {
    actionName: String!
    latestExecution: ActionExecution
  }

  type ActionExecution {
    actionExecutionId: ID!
    pipelineExecutionId: ID!
    status: ActionExecutionStatus!
    summary: String
    externalExecutionId: String
    externalExecutionUrl: String
    "The token putApprovalResult needs while a manual approval waits."
    token: String
    errorDetails: String
    lastStatusChange: DateTime!
  }

  type PipelineExecution {
    pipelineExecutionId: ID!
    pipelineName: String!
    pipelineVersion: Int!
    status: PipelineExecutionStatus!
    statusSummary: String
    startTime: DateTime!
    lastUpdateTime: DateTime!
    executionMode: ExecutionMode!
    executionType: ExecutionType!
    trigger: ExecutionTrigger!
    sourceRevisions: [SourceRevision!]!
    "Every pipeline variable with the value this execution runs with."
    variables: [ResolvedPipelineVariable!]!
    stopTrigger: StopExecutionTrigger
    rollbackMetadata: PipelineRollbackMetadata
  }

  type ExecutionTrigger {
    triggerType: TriggerType!
    triggerDetail: String!
  }

  type SourceRevision {
    actionName: String!
    revisionType: SourceRevisionType!
    revisionId: String!
    revisionSummary: String
    revisionUrl: String
  }

  type ResolvedPipelineVariable {
    name: String!
    value: String!
  }

  type StopExecutionTrigger {
    reason: String!
  }

  type PipelineRollbackMetadata {
    rollbackTargetPipelineExecutionId: ID!
  }

  "Newest first; pass pageInfo.endCursor as after for the next page."
  type PipelineExecutionConnection {
    nodes: [PipelineExecution!]!
    pageInfo: PageInfo!
  }

  type ActionExecutionDetail {
    pipelineExecutionId: ID!
    actionExecutionId: ID!
    pipelineVersion: Int!
    stageName: String!
    actionName: String!
    attempt: Int!
    runOrder: Int!
    status: ActionExecutionStatus!
    startTime: DateTime!
    lastUpdateTime: DateTime!
    durationMs: Int
    "Who answered a manual approval (CodePipeline's updatedBy); null for any other action, and until it is answered."
    updatedBy: String
    input: ActionExecutionInput!
    output: ActionExecutionOutput!
  }

  type ActionExecutionInput {
    actionTypeId: ActionTypeId!
    "As declared, with its #{…} references."
    configuration: JSON!
    resolvedConfiguration: JSON!
    inputArtifacts: [ArtifactDetail!]!
    namespace: String
  }

  type ActionExecutionOutput {
    outputArtifacts: [ArtifactDetail!]!
    outputVariables: JSON!
    executionResult: ActionExecutionResult!
  }

  type ActionExecutionResult {
    externalExecutionId: String
    externalExecutionSummary: String
    externalExecutionUrl: String
    errorDetails: String
  }

  type ArtifactDetail {
    name: String!
    "The artifact service's content address."
    location: String!
    producedBy: ArtifactProducer!
  }

  type ArtifactProducer {
    stageName: String!
    actionName: String!
  }

  "One execution's action attempts in start order, or every execution's, newest execution first."
  type ActionExecutionConnection {
    nodes: [ActionExecutionDetail!]!
    pageInfo: PageInfo!
  }

  "One rule of a stage condition, evaluated once: CodePipeline's RuleExecutionDetail."
  type RuleExecutionDetail {
    pipelineExecutionId: ID!
    ruleExecutionId: ID!
    pipelineVersion: Int!
    stageName: String!
    ruleName: String!
    "beforeEntry, onSuccess or onFailure."
    condition: String!
    attempt: Int!
    startTime: DateTime!
    lastUpdateTime: DateTime!
    "Succeeded or Failed."
    status: String!
    ruleTypeId: RuleTypeId!
    "As declared, with its #{…} references."
    configuration: JSON!
    "Why the rule passed or failed."
    summary: String!
  }

  type RuleTypeId {
    category: String!
    owner: String!
    provider: String!
    version: String!
  }

  "One execution's rule evaluations in the order they were made, or every execution's, newest execution first."
  type RuleExecutionConnection {
    nodes: [RuleExecutionDetail!]!
    pageInfo: PageInfo!
  }

  "Where a deploy action execution put its artifact: CodePipeline's DeployActionExecutionTarget."
  type DeployActionExecutionTarget {
    "The directory of a Sluice/Deploy/Directory action."
    targetId: String!
    targetType: String!
    "The deploy's status: InProgress, Succeeded, Failed or Abandoned."
    status: String!
    startTime: DateTime!
    endTime: DateTime
  }

  "A manual approval an execution passed before a deployment."
  type DeploymentApproval {
    stageName: String!
    actionName: String!
    approvedBy: String!
    summary: String!
    at: DateTime!
  }

  "One run of a Deploy action that names its environment (its \`environment\` field): what went where, when, approved by whom."
  type Deployment {
    environment: String!
    pipelineName: String!
    pipelineExecutionId: ID!
    pipelineVersion: Int!
    "STANDARD, or ROLLBACK / RERUN for an execution that re-ran one stage with an earlier execution's inputs."
    executionType: String!
    stageName: String!
    actionName: String!
    actionExecutionId: String!
    "InProgress, Succeeded, Failed or Abandoned."
    status: String!
    "The execution's source revisions when the deploy started."
    sourceRevisions: [SourceRevision!]!
    revisionTimes: [RevisionTime!]!
    approvals: [DeploymentApproval!]!
    startTime: DateTime!
    endTime: DateTime
    "Why it failed (errorType: message); null otherwise."
    failure: String
  }

  "When each source revision of a deployment was authored (a Git source's AuthorDate): the start of its lead time."
  type RevisionTime {
    actionName: String!
    revisionId: String!
    authoredAt: DateTime!
  }

  type DeploymentFrequency {
    deployments: Int!
    days: Float!
    perDay: Float!
    formula: String!
  }

  type LeadTimeForChanges {
    changes: Int!
    medianSeconds: Float
    p90Seconds: Float
    formula: String!
  }

  type ChangeFailureRate {
    deployments: Int!
    failed: Int!
    "failed / deployments; null when there were none."
    rate: Float
    formula: String!
  }

  type TimeToRestore {
    failures: Int!
    restored: Int!
    medianSeconds: Float
    formula: String!
  }

  type ReworkRate {
    deployments: Int!
    rework: Int!
    rate: Float
    formula: String!
  }

  "DORA's delivery metrics of one environment of a pipeline, exact from its deployments, each with its formula."
  type DeliveryMetrics {
    environment: String!
    from: DateTime!
    to: DateTime!
    asOf: DateTime!
    deploymentFrequency: DeploymentFrequency!
    leadTimeForChanges: LeadTimeForChanges!
    changeFailureRate: ChangeFailureRate!
    timeToRestore: TimeToRestore!
    reworkRate: ReworkRate!
  }

  "How long the account keeps its execution history and action logs (docs/retention.md)."
  type RetentionSettings {
    "An execution that ended more than this many days ago is expired by the retention sweep."
    retentionDays: Int!
    "True while the account has not set its own period: CodePipeline's 12 months (365 days) apply."
    isDefault: Boolean!
    setBy: String
    setAt: DateTime
  }

  "An execution a retention sweep expired: its log chunks were deleted, and queries answer EXPIRED from now on."
  type ExpiredExecution {
    pipelineExecutionId: ID!
    pipelineName: String!
    "When it ended (its last update): the period counts from there."
    endedAt: DateTime!
    retentionDays: Int!
  }

  "What one retention sweep did."
  type RetentionSweepResult {
    sweptAt: DateTime!
    "Oldest end first."
    expiredExecutions: [ExpiredExecution!]!
    logChunksDeleted: Int!
    "Chunks written before executions had chunks of their own, which another execution may share: left in the log store."
    logChunksLeftShared: Int!
  }

  "A period during which no stage that deploys to the environment is entered, whichever pipeline of the account it is in."
  type EnvironmentFreeze {
    freezeId: ID!
    environment: String!
    startsAt: DateTime!
    endsAt: DateTime!
    "Shown to whoever the freeze stops."
    reason: String!
    scheduledBy: String!
    scheduledAt: DateTime!
    liftedBy: String
    liftedAt: DateTime
  }

  "An environment a pipeline deploys to: what runs there now (its last successful deployment) and its last attempt."
  type Environment {
    name: String!
    current: Deployment
    latest: Deployment!
    deployments: Int!
  }

  type DeploymentConnection {
    nodes: [Deployment!]!
    pageInfo: PageInfo!
  }

  "A rule type the engine evaluates in stage conditions: CodePipeline's RuleType."
  type RuleType {
    id: RuleTypeId!
    "name, required, key, secret, queryable, description, type of each configuration property."
    ruleConfigurationProperties: JSON!
    inputArtifactDetails: RuleArtifactDetails!
  }

  type RuleArtifactDetails {
    minimumCount: Int!
    maximumCount: Int!
  }

  "CodePipeline's Job: what pollForJobs hands a worker."
  type Job {
    id: ID!
    "Pass it to acknowledgeJob and heartbeat: it proves this worker holds the job."
    nonce: String!
    accountId: String!
    data: JobData!
    "The secrets' values this job received, in clear (decision 0043): mask each, and its base64 and URL-encoded forms, in the logs you ship."
    masks: [String!]!
  }

  type JobDetails {
    id: ID!
    accountId: String!
    status: JobStatus!
    data: JobData!
    "A third-party job's current nonce (what acknowledgeJob takes), when the call presented a clientToken and the job is handed out."
    nonce: String
  }

  "Everything a worker needs to run one action, every #{…} resolved."
  type JobData {
    pipelineName: String!
    pipelineExecutionId: ID!
    pipelineVersion: Int!
    stageName: String!
    actionName: String!
    actionExecutionId: ID!
    actionTypeId: ActionTypeId!
    configuration: JSON!
    commands: [String!]!
    environmentVariables: [EnvironmentVariable!]!
    inputArtifacts: [ArtifactDetail!]!
    outputArtifacts: [OutputArtifactDeclaration!]!
    "Variables the action exports."
    outputVariables: [String!]!
    namespace: String
    "The revision a source action must fetch; null for the head now."
    sourceRevision: SourceRevision
    "Set on the follow-up job of a long-running action."
    continuationToken: String
    "The action's timeout, as an instant."
    deadline: DateTime!
    "W3C trace context (a traceparent) of the engine step that created the job, when the platform exports traces: a worker's span for the job is its child."
    traceContext: String
  }

  type EnvironmentVariable {
    name: String!
    value: String!
    type: String!
  }

  type OutputArtifactDeclaration {
    name: String!
    files: [String!]!
  }

  type ApprovalResultRecorded {
    approvedAt: DateTime!
  }

  type JobAcknowledged {
    status: JobStatus!
  }

  type JobHeartbeat {
    "Heart-beat again before this instant or the job goes back on the queue."
    leaseExpiresAt: DateTime!
  }

  input PipelineVariableInput {
    name: String!
    value: String!
  }

  input SourceRevisionOverrideInput {
    actionName: String!
    revisionType: SourceRevisionType!
    revisionValue: String!
  }

  input ApprovalResultInput {
    status: ApprovalStatus!
    summary: String!
  }

  input PipelineExecutionFilterInput {
    statuses: [PipelineExecutionStatus!]
    triggerTypes: [TriggerType!]
  }

  input ActionTypeIdInput {
    category: ActionCategory!
    owner: ActionOwner!
    provider: String!
    version: String!
  }

  input ArtifactLocationInput {
    name: String!
    location: String!
  }

  input OutputVariableInput {
    name: String!
    value: String!
  }

  input ExecutionDetailsInput {
    summary: String
    externalExecutionId: String
    externalExecutionUrl: String
  }

  input SourceRevisionInput {
    actionName: String!
    revisionType: SourceRevisionType!
    revisionId: String!
    revisionSummary: String
    revisionUrl: String
  }

  "CodePipeline's ActionRevision: what a source action should fetch next."
  input ActionRevisionInput {
    "A commit of a Sluice/Git source; an uploaded archive's address (sha256:…) of a Sluice/Upload source."
    revisionId: String!
    revisionChangeId: String!
    created: DateTime!
  }

  type PutActionRevisionResult {
    "False when the revision is the one the action fetched last: nothing started."
    newRevision: Boolean!
    "The execution started with the revision, or the latest one that has it."
    pipelineExecutionId: ID!
  }

  input FailureDetailsInput {
    type: FailureType!
    message: String!
    externalExecutionId: String
  }

  "An execution as it was at an instant: the fold of its events that occurred up to then (docs/decisions/0022)."
  type PipelineExecutionAsOf {
    "The instant of the answer: the one asked for, or now when it is still to come."
    at: DateTime!
    "As getPipelineExecution answered then."
    pipelineExecution: PipelineExecution!
    "As listActionExecutions answered then for this execution, in start order."
    actionExecutions: [ActionExecutionDetail!]!
  }

  "getPipelineState as it answered at an instant, with the definition valid then."
  type PipelineStateAsOf {
    at: DateTime!
    state: PipelineState!
  }

  "Which output of the action a log chunk came from; system is the worker's own notes."
  enum LogStream {
    stdout
    stderr
    system
  }

  "One chunk of an action's output, as stored (docs/decisions/0016)."
  type ActionLogEntry {
    "The store position: pass it as after (here or to the gateway's actionLogAppended) to go on after it."
    cursor: String!
    stageName: String!
    actionName: String!
    actionExecutionId: String!
    "The job that wrote it (an action execution's continuations are jobs of their own)."
    jobId: ID!
    "Per job, from 0."
    sequence: Int!
    stream: LogStream!
    "The text; empty once expired."
    chunk: String!
    "The text is no longer kept (the logs' retention removed its chunk): the entry stays, its text is gone."
    expired: Boolean!
    at: DateTime!
  }

  type ActionLogPage {
    entries: [ActionLogEntry!]!
    "The cursor of the last entry (or the after given, when there is none)."
    endCursor: String
    hasNextPage: Boolean!
  }

  input JobLogEntryInput {
    sequence: Int!
    stream: LogStream!
    chunk: String!
    at: DateTime!
  }

  type Query {
    getPipelineState(name: String!): PipelineState!
    "getPipelineState as of an ISO-8601 instant (e.g. 2026-01-02T03:04:05.000Z); NOT_FOUND if the pipeline did not exist then."
    pipelineStateAsOf(pipelineName: String!, at: String!): PipelineStateAsOf!
    "An execution as of an ISO-8601 instant; NOT_FOUND if it had not started then."
    executionAsOf(pipelineExecutionId: ID!, at: String!): PipelineExecutionAsOf!
    getPipelineExecution(pipelineName: String!, pipelineExecutionId: ID!): PipelineExecution!
    listPipelineExecutions(pipelineName: String!, first: Int = 100, after: String, filter: PipelineExecutionFilterInput): PipelineExecutionConnection!
    "Without pipelineExecutionId: every execution's, newest execution first."
    listActionExecutions(pipelineName: String!, pipelineExecutionId: ID, first: Int = 100, after: String): ActionExecutionConnection!
    "Without pipelineExecutionId: every execution's, newest execution first."
    listRuleExecutions(pipelineName: String!, pipelineExecutionId: ID, first: Int = 100, after: String): RuleExecutionConnection!
    "The targets of a deploy action execution (a Directory deploy's directory; other deploy providers have none). NOT_FOUND (ACTION_EXECUTION_NOT_FOUND) for an unknown id."
    listDeployActionExecutionTargets(pipelineName: String, actionExecutionId: ID!): [DeployActionExecutionTarget!]!
    "The rule types stage conditions may use that the engine evaluates (VariableCheck)."
    listRuleTypes: [RuleType!]!
    "Each environment the pipeline's Deploy actions name, in the order first deployed to: what runs there now."
    listEnvironments(pipelineName: String!): [Environment!]!
    "The pipeline's deployments, newest first; to one environment when it is named."
    listDeployments(pipelineName: String!, environment: String, first: Int = 100, after: String): DeploymentConnection!
    "What was deployed to from (e.g. staging) and not yet to to (e.g. prod): one deployment per set of source revisions, newest first."
    listUnpromoted(pipelineName: String!, from: String!, to: String!): [Deployment!]!
    "DORA's five metrics of one environment for [from, to) as known at asOf (ISO-8601; asOf defaults to now, to to asOf, from to 30 days before to)."
    deliveryMetrics(pipelineName: String!, environment: String!, from: String, to: String, asOf: String): DeliveryMetrics!
    "The account's environment freezes (of one environment when named), the latest start first, lifted and past ones included."
    listEnvironmentFreezes(environment: String): [EnvironmentFreeze!]!
    "The account's retention period of execution history and logs (365 days unless set)."
    getRetentionSettings: RetentionSettings!
    "With clientToken: a third-party job (action owner ThirdParty) only, refused (INVALID_CLIENT_TOKEN) when it was acknowledged with another token."
    getJobDetails(jobId: ID!, clientToken: String): JobDetails!
    "An execution's action logs in the order they were stored; first at most 5000 (default 500)."
    actionLogs(pipelineExecutionId: ID!, stageName: String, actionName: String, after: String, first: Int): ActionLogPage!
  }

  type Mutation {
    "A manual release change. A repeated clientRequestToken answers with the execution it started."
    startPipelineExecution(
      name: String!
      variables: [PipelineVariableInput!]
      sourceRevisions: [SourceRevisionOverrideInput!]
      clientRequestToken: String
    ): PipelineExecution!
    """
    A push or a poll starts the pipeline (the triggers process, behind the internal secret; not in the gateway's
    API): as startPipelineExecution with the commit pinned, recorded as triggerType (Webhook or
    PollForSourceChanges) with its detail. A repeated clientRequestToken answers with the execution it started,
    so a webhook and the poller seeing one push start one execution.
    """
    startTriggeredExecution(
      name: String!
      sourceRevisions: [SourceRevisionOverrideInput!]!
      clientRequestToken: String!
      triggerType: String!
      triggerDetail: String!
    ): PipelineExecution! @inaccessible
    "Stop and wait for running actions, or abandon them."
    stopPipelineExecution(pipelineName: String!, pipelineExecutionId: ID!, abandon: Boolean = false, reason: String): PipelineExecution!
    "Retries a failed stage with the execution's original inputs."
    retryStageExecution(pipelineName: String!, stageName: String!, pipelineExecutionId: ID!, retryMode: StageRetryMode!): PipelineExecution!
    """
    CodePipeline's OverrideStageCondition: the stage goes on as though the condition's rules had passed, for a condition
    being checked or one that failed the stage (result FAIL) in the execution that entered it last (the execution is
    then in progress again). Else CONFLICT with errorCode CONDITION_NOT_OVERRIDABLE or NOT_LATEST_EXECUTION.
    """
    overrideStageCondition(pipelineName: String!, stageName: String!, pipelineExecutionId: ID!, conditionType: StageConditionType!): PipelineExecution!
    "A new execution re-running the stage with the target execution's inputs."
    rollbackStage(pipelineName: String!, stageName: String!, targetPipelineExecutionId: ID!): PipelineExecution!
    """
    Re-runs one stage of a past execution with that execution's original inputs (definition version, source
    revisions, resolved variables, and the artifacts and variables produced before the stage): a new execution.
    """
    rerunStage(pipelineName: String!, stageName: String!, sourcePipelineExecutionId: ID!, clientRequestToken: String): PipelineExecution!
    "CodePipeline's PutActionRevision: starts the pipeline with the source action pinned to the revision, unless it is the current one."
    putActionRevision(pipelineName: String!, stageName: String!, actionName: String!, actionRevision: ActionRevisionInput!): PutActionRevisionResult!
    putApprovalResult(pipelineName: String!, stageName: String!, actionName: String!, result: ApprovalResultInput!, token: String!): ApprovalResultRecorded!
    "Freezes an environment of the account from startsAt (default now) until endsAt (ISO-8601): stages deploying to it are not entered meanwhile (rollbacks are), their entry condition failing with the reason."
    scheduleEnvironmentFreeze(environment: String!, startsAt: String, endsAt: String!, reason: String!): EnvironmentFreeze!
    "Ends a freeze now (a lifted one stays lifted)."
    liftEnvironmentFreeze(freezeId: ID!): EnvironmentFreeze!
    "Sets how many days (1-3650) the account keeps executions after they end; older ones are expired by the next sweep (EXPIRED, never NOT_FOUND)."
    putRetentionSettings(retentionDays: Int!): RetentionSettings!
    "Runs the retention sweep of the account now (engine nodes also run it every hour): expires the executions older than its period."
    runRetentionSweep: RetentionSweepResult!

    "Long poll: waits up to waitMs (at most 20000) when no job waits. With an x-sluice-account header, only that account's jobs."
    pollForJobs(actionTypeId: ActionTypeIdInput!, maxBatchSize: Int = 1, waitMs: Int = 0): [Job!]!
    "As pollForJobs over several action types (at most 64) at once, oldest job first: a worker serving many types asks for as many jobs as it has free slots. Allowed only when pollForJobs is allowed on every one of the types."
    pollForAnyJobs(actionTypeIds: [ActionTypeIdInput!]!, maxBatchSize: Int = 1, waitMs: Int = 0): [Job!]!
    "A third-party job (action owner ThirdParty) needs a clientToken, which it is bound to: its later calls must present the same token (else INVALID_CLIENT_TOKEN). A token names a third-party job: any other job is JOB_NOT_FOUND to it."
    acknowledgeJob(jobId: ID!, nonce: String!, clientToken: String): JobAcknowledged!
    heartbeat(jobId: ID!, nonce: String!): JobHeartbeat!
    "The holder (its nonce) gives a job back because it stops: handed out again at once, as the next attempt, with the reason in the action's log. False when the nonce no longer holds the job."
    releaseJob(jobId: ID!, nonce: String!, reason: String): Boolean!
    "Accepted once; a duplicate or late result is a CONFLICT. With continuationToken the work goes on in a follow-up job."
    putJobSuccessResult(
      jobId: ID!
      outputArtifacts: [ArtifactLocationInput!]
      outputVariables: [OutputVariableInput!]
      executionDetails: ExecutionDetailsInput
      sourceRevision: SourceRevisionInput
      continuationToken: String
      "A third-party job's client token (the one it was acknowledged with)."
      clientToken: String
    ): Boolean!
    putJobFailureResult(jobId: ID!, failureDetails: FailureDetailsInput!, "A third-party job's client token." clientToken: String): Boolean!
    "The holder of a job (its nonce) appends its output; a batch sent again is stored once. Chunks at most 64 KiB, a call 256 KiB."
    appendJobLogs(jobId: ID!, nonce: String!, entries: [JobLogEntryInput!]!): Boolean!
  }
`;
