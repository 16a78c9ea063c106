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
about 120 lines of plain Node, output artifact included. (The platform's own built-in worker, in the engine's process,
takes a job in one step, dispatched and acknowledged together — decision 0060; a worker of this API, or of \`/aws\`,
always acknowledges.)

### Output artifacts: upload, then name

A job result's \`outputArtifacts\` may name only the job's input artifacts and bytes its worker uploaded for
the job's account (decision 0038); any other 64-hex location (another account's bytes, or bytes nobody
uploaded) is refused with \`BAD_USER_INPUT\` at \`$.outputArtifacts[i].location\` and the job stays as it was.
A worker uploads each output to the gateway with its own token, naming the job:

\`\`\`sh
curl -s -X PUT "http://localhost:4000/artifacts/$ACCOUNT" \\
  -H "authorization: Bearer $SLUICE_TOKEN" -H "x-sluice-job-id: $JOB_ID" \\
  -H 'content-type: application/octet-stream' --data-binary @output.tar
# 201 {"sha256":"9f86d08…","size":10240}
\`\`\`

then reports \`putJobSuccessResult(jobId: $JOB_ID, outputArtifacts: [{ name: "BuildOutput", location: "9f86d08…" }])\`.
\`$ACCOUNT\` is the job's \`accountId\` (the token's account: another one is 403 at \`path.account\`). The upload
is authorized as the job's result is, \`sluice:PutJobSuccessResult\` at the job's action type, so a worker
allowed only its type's job actions may upload for its jobs and for no other job (403; another account's
job is refused as an unknown one is). The body is streamed, never held in memory; equal bytes are stored
once. Optional headers: \`x-sluice-sha256\` (the expected address: a mismatch stores nothing, 400) and
\`x-sluice-max-bytes\` (413 beyond). A chunked upload whose source fails ends with the trailer
\`x-sluice-upload-aborted: <reason>\`: nothing is stored. Built-in actions unpack an input as zip, tar or
tar.gz, told by its first bytes: upload an output another action reads as one of those.

### Source archives: upload, then start

A \`Source/Sluice/Upload/1\` action extracts an archive (zip, tar or tar.gz) of its account. A person (or a
CI job) with \`sluice:UploadSourceArchive\` on the account (Admin and Operator have it) uploads it to the same
route without naming a job, then starts the pipeline with its address as the source revision:

\`\`\`sh
curl -s -X PUT "http://localhost:4000/artifacts/default" \\
  -H "authorization: Bearer $SLUICE_TOKEN" -H 'content-type: application/octet-stream' --data-binary @site.zip
# 201 {"sha256":"4e07408…","size":1290}
\`\`\`

then \`startPipelineExecution(name: "site", sourceRevisions: [{ actionName: "Upload", revisionType:
S3_OBJECT_VERSION_ID, revisionValue: "4e07408…" }])\` (or an \`ObjectKey\` that is the address). An address
the account did not upload — another account's archive, or bytes written straight into the store — is refused
before any execution starts, as a missing archive (\`BAD_USER_INPUT\` at the revision's path).

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
