#!/usr/bin/env node
// A custom action worker for Sluice, on the public job-worker API only (no Sluice code, no npm packages).
// Action type Test/Custom/HttpCheck: GET the configured Url, succeed when the status is ExpectedStatus (200);
// with an output artifact declared, the answer's body is that artifact (uploaded to the gateway, then reported).
const GATEWAY = (process.env.SLUICE_URL ?? 'http://localhost:4000').replace(/\/$/, '');
const HEARTBEAT_MS = Number(process.env.SLUICE_HEARTBEAT_MS ?? 30_000);
const ACTION_TYPE = { category: 'Test', owner: 'Custom', provider: 'HttpCheck', version: '1' };
// With a token the gateway knows who asks; without one (a gateway without authentication) the worker names itself.
const headers = process.env.SLUICE_TOKEN
  ? { 'content-type': 'application/json', authorization: `Bearer ${process.env.SLUICE_TOKEN}` }
  : { 'content-type': 'application/json', 'x-sluice-actor': 'custom-worker/http-check' };
const log = (line) => console.log(`[http-check] ${line}`);
const stopping = new AbortController();

async function gql(query, variables, signal) {
  const response = await fetch(`${GATEWAY}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal });
  const answer = await response.json();
  if (answer.errors?.length) throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.data;
}

// One file in a tar archive (ustar), a format the built-in actions unpack; mtime 0, so equal bodies get equal addresses.
function tarOf(name, content) {
  const header = Buffer.alloc(512);
  const octal = (value, width) => value.toString(8).padStart(width - 1, '0') + '\0';
  header.write(name, 0, 100);
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(content.length, 12), 124);
  header.write(octal(0, 12), 136);
  header.write(' '.repeat(8), 148); // the checksum counts its own field as spaces
  header.write('0', 156);
  header.write('ustar\u000000', 257);
  header.write(octal(header.reduce((sum, byte) => sum + byte, 0), 7) + ' ', 148);
  return Buffer.concat([header, content, Buffer.alloc((512 - (content.length % 512)) % 512), Buffer.alloc(1024)]);
}

// An output goes to the gateway as the job's (the token's account, the job's id); the answer is its address.
async function upload(job, bytes) {
  const response = await fetch(`${GATEWAY}/artifacts/${job.accountId}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'x-sluice-job-id': job.id },
    body: bytes,
  });
  const answer = await response.json();
  if (response.status !== 201) throw new Error(`upload refused (${response.status}): ${answer.message}`);
  return answer.sha256;
}

async function check(configuration) {
  if (!configuration.Url) return { failure: { type: 'ConfigurationError', message: 'configuration.Url: required' } };
  const expected = Number(configuration.ExpectedStatus ?? 200);
  const started = performance.now();
  try {
    const response = await fetch(configuration.Url, { signal: AbortSignal.timeout(Number(configuration.TimeoutSeconds ?? 30) * 1000) });
    const body = Buffer.from(await response.arrayBuffer());
    const ms = Math.round(performance.now() - started);
    if (response.status !== expected) return { failure: { type: 'JobFailed', message: `GET ${configuration.Url} answered ${response.status}, expected ${expected}` } };
    return { body, variables: { StatusCode: String(response.status), ResponseTimeMs: String(ms) }, summary: `GET ${configuration.Url} answered ${response.status} in ${ms} ms` };
  } catch (error) {
    return { failure: { type: 'JobFailed', message: `GET ${configuration.Url} failed: ${error.message}` } };
  }
}

// A result names only bytes its worker uploaded for the job's account (or the job's inputs): upload, then report.
async function withOutputs(job, result) {
  if (result.failure) return result;
  try {
    const outputArtifacts = [];
    for (const output of job.data.outputArtifacts) outputArtifacts.push({ name: output.name, location: await upload(job, tarOf('response.body', result.body)) });
    return { ...result, outputArtifacts };
  } catch (error) {
    return { failure: { type: 'JobFailed', message: `the output could not be uploaded: ${error.message}` } };
  }
}

async function work(job) {
  await gql('mutation($id: ID!, $nonce: String!) { acknowledgeJob(jobId: $id, nonce: $nonce) { status } }', { id: job.id, nonce: job.nonce });
  log(`job ${job.id}: ${job.data.pipelineName}/${job.data.stageName}/${job.data.actionName}`);
  const beat = setInterval(() => {
    gql('mutation($id: ID!, $nonce: String!) { heartbeat(jobId: $id, nonce: $nonce) { leaseExpiresAt } }', { id: job.id, nonce: job.nonce })
      .then((data) => log(`job ${job.id}: heartbeat, lease until ${data.heartbeat.leaseExpiresAt}`), (error) => log(`job ${job.id}: heartbeat failed: ${error.message}`));
  }, HEARTBEAT_MS);
  try {
    const result = await withOutputs(job, await check(job.data.configuration));
    if (result.failure) {
      await gql('mutation($id: ID!, $f: FailureDetailsInput!) { putJobFailureResult(jobId: $id, failureDetails: $f) }', { id: job.id, f: result.failure });
      log(`job ${job.id}: failed: ${result.failure.message}`);
    } else {
      const outputVariables = Object.entries(result.variables).map(([name, value]) => ({ name, value }));
      await gql('mutation($id: ID!, $out: [ArtifactLocationInput!], $vars: [OutputVariableInput!], $d: ExecutionDetailsInput) { putJobSuccessResult(jobId: $id, outputArtifacts: $out, outputVariables: $vars, executionDetails: $d) }', { id: job.id, out: result.outputArtifacts, vars: outputVariables, d: { summary: result.summary } });
      log(`job ${job.id}: succeeded: ${result.summary}`);
    }
  } finally {
    clearInterval(beat);
  }
}

async function giveBack(job) {
  const data = await gql('mutation($id: ID!, $nonce: String!) { releaseJob(jobId: $id, nonce: $nonce, reason: "the worker is stopping") }', { id: job.id, nonce: job.nonce }).catch(() => null);
  log(`job ${job.id}: ${data?.releaseJob ? 'given back (the worker is stopping)' : 'left to its lease'}`);
}

process.once('SIGTERM', () => stopping.abort());
process.once('SIGINT', () => stopping.abort());
log(`polling ${GATEWAY}/graphql for ${Object.values(ACTION_TYPE).join('/')}`);
while (!stopping.signal.aborted) {
  try {
    const data = await gql('mutation($type: ActionTypeIdInput!) { pollForJobs(actionTypeId: $type, maxBatchSize: 1, waitMs: 10000) { id nonce accountId data { pipelineName stageName actionName configuration outputArtifacts { name } } } }', { type: ACTION_TYPE }, stopping.signal);
    for (const job of data.pollForJobs) {
      // A job handed out as the poll was cut is given back, so another worker takes it at once.
      if (stopping.signal.aborted) await giveBack(job);
      else await work(job); // a job in hand is finished even when asked to stop
    }
  } catch (error) {
    if (stopping.signal.aborted) break;
    log(`poll failed, retrying in 1 s: ${error.message}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
log('stopped');
