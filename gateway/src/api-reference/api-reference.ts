import { ERROR_CODES } from '@sluice/domain';
import { publicApiSdl, subscriptionSdl } from './public-api';

const INTRO = `# The GraphQL API

Everything Sluice does is reachable at one endpoint, \`/graphql\` on the gateway (http://localhost:4000
in embedded mode); the dashboard and the \`sluice\` CLI use nothing else. Operations are named after
CodePipeline's (\`createPipeline\`, \`startPipelineExecution\`, \`getPipelineState\`, \`putApprovalResult\`,
\`pollForJobs\`, …) and take and return its JSON shapes. The same operations speak CodePipeline's own
wire protocol at \`/aws\` ([aws-compatibility.md](aws-compatibility.md)).

## Authentication

Every request carries \`Authorization: Bearer <token>\`. \`npm start\` prints the admin's token once and
keeps it in \`$SLUICE_DATA_DIR/admin-token\`; \`createToken\` makes more, \`assumeRole\` makes short-lived
ones. No token, or one expired or revoked, answers 401; \`/healthz\`, \`/readyz\` and \`/metrics\` need none.
Every root field is authorized by the caller's policies at its resource
(\`srn:sluice:{account}:{pipeline}[/{stage}[/{action}]]\`; decision 0021), and every call is recorded in
the audit trail (\`lookupAuditEvents\`, \`auditRecorded\`).

## Errors

Errors carry \`extensions.code\`, the kind of refusal, and, when a service refused, \`extensions.errorCode\`:
which refusal it is, a stable code (decision 0030). Decide by \`errorCode\`, never by the message: messages
are for people and may be reworded. A refused input also carries \`extensions.issues\`, each with the JSON
path of the field (\`$.stages[2].actions[0].configuration.Commands\`) and what is wrong with it.

| code | meaning |
|---|---|
| \`BAD_USER_INPUT\` | the input is invalid; nothing was stored |
| \`NOT_FOUND\` | the pipeline, execution, job, … does not exist (in your account) |
| \`CONFLICT\` | what exists now does not allow it: a name taken, a stale \`version\`, a concurrent change (read again and retry), a state that forbids it |
| \`FORBIDDEN\` | a policy does not allow the action at that resource; the message names both |
| \`UNAUTHENTICATED\` | no valid token (HTTP 401) |

The error codes, as \`libs/domain/src/decider/error-codes.ts\` lists them (\`/aws\` answers each as a
CodePipeline exception: [aws-compatibility.md](aws-compatibility.md#errors)):
`;

const AFTER_ERRORS = `
## Examples

\`\`\`bash
TOKEN=$(cat .sluice/admin-token)
gql() { curl -s localhost:4000/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$1"; }
\`\`\`

\`\`\`graphql
# The pipeline's definition and where each stage is: one request, two services.
query { getPipeline(name: "demo") { metadata { version updated } pipeline state { stageStates { stageName latestExecution { status } } } } }

mutation { startPipelineExecution(name: "demo", variables: [{ name: "Environment", value: "prod" }]) { pipelineExecutionId } }

# A waiting approval's token is in the state; answer it at the action.
query { getPipelineState(name: "demo") { stageStates { stageName actionStates { actionName latestExecution { status token } } } } }
mutation { putApprovalResult(pipelineName: "demo", stageName: "Approval", actionName: "Approve", token: "…", result: { status: Approved, summary: "ship it" }) { approvedAt } }

# An action's log as stored, page by page; the same cursors resume the live subscription.
query { actionLogs(pipelineExecutionId: "…", stageName: "Build", first: 500) { entries { cursor actionName stream chunk } endCursor hasNextPage } }

# The pipeline as it was yesterday, replayed from its events.
query { pipelineAsOf(name: "demo", at: "2026-11-24T17:00:00Z") { metadata { version } pipeline } }
\`\`\`

## Subscriptions

Subscriptions use the graphql-ws protocol on the same \`/graphql\` URL (send the token as
\`{ "authorization": "Bearer …" }\` in \`connectionParams\`). Each message has a \`cursor\` (a position in
the event store): subscribing again with \`after: <the last cursor you saw>\` delivers exactly what came
after it, so a client that reconnects misses nothing and sees nothing twice. Without \`after\` a
subscription starts from now; \`after: "0"\` replays from the beginning.

\`\`\`graphql
subscription { executionUpdated(pipelineName: "demo") { cursor pipelineExecutionId stageName actionName status eventType at } }
subscription { actionLogAppended(executionId: "…", after: "0") { cursor stageName actionName stream chunk } }
\`\`\`

## Job workers

A worker takes jobs of an action type through \`pollForJobs\` (a long poll: \`waitMs\` up to 20 s),
confirms with \`acknowledgeJob(jobId, nonce)\`, keeps its lease with \`heartbeat\`, sends output with
\`appendJobLogs\`, and ends with \`putJobSuccessResult\` or \`putJobFailureResult\`. A job whose worker
stops heart-beating goes back on the queue. \`examples/custom-worker/worker.mjs\` is a complete worker in
70 lines of plain Node.

## Schema

Generated from the services' schemas (\`npx tsx gateway/src/api-reference/write-api-reference.ts\`);
a unit test fails when this page is stale.
`;

/** Every code of the catalogue (libs/domain error-codes.ts), so the page cannot miss one. */
function errorCodeTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
  return ['| errorCode | meaning |', '|---|---|', ...rows].join('\n');
}

/** docs/api.md: the prose above, the error codes and the schema as the gateway serves it. */
export function apiReference(): string {
  return `${INTRO}
${errorCodeTable()}
${AFTER_ERRORS}
### Queries and mutations

\`\`\`graphql
${publicApiSdl().trim()}
\`\`\`

### Subscriptions

\`\`\`graphql
${subscriptionSdl().trim()}
\`\`\`
`;
}
