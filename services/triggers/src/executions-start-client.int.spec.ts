import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { executionsStartClient, StartRefusedError } from './executions-start-client';

// The triggers' starts over HTTP: sent as the trigger behind the internal secret, to the next executions instance when
// one cannot be reached; a refusal is final (another instance would refuse it too).
const servers: Server[] = [];
const SECRET = 's'.repeat(32);
const input = {
  name: 'web',
  sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID' as const, revisionValue: 'a'.repeat(40) }],
  clientRequestToken: 'push-token',
  trigger: { triggerType: 'Webhook' as const, triggerDetail: 'generic:d-1' },
};

async function executions(answer: (body: { variables: Record<string, unknown> }) => unknown): Promise<{ url: string; seen: Array<{ headers: IncomingHttpHeaders; body: { variables: Record<string, unknown> } }> }> {
  const seen: Array<{ headers: IncomingHttpHeaders; body: { variables: Record<string, unknown> } }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { variables: Record<string, unknown> };
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(body)));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen };
}

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

it('starts as the trigger, behind the internal secret, with the push as the client request token', async () => {
  const service = await executions(() => ({ data: { startTriggeredExecution: { pipelineExecutionId: 'e-1' } } }));
  const start = executionsStartClient({ urls: [service.url], internalSecret: SECRET });
  expect(await start({ account: 'acme', actor: 'webhook/default' }, input)).toEqual({ pipelineExecutionId: 'e-1' });
  const [request] = service.seen;
  expect(request!.headers).toMatchObject({ 'x-sluice-internal-secret': SECRET, 'x-sluice-account': 'acme', 'x-sluice-actor': 'webhook/default' });
  expect(request!.body.variables).toEqual({
    name: 'web',
    sourceRevisions: input.sourceRevisions,
    clientRequestToken: 'push-token',
    triggerType: 'Webhook',
    triggerDetail: 'generic:d-1',
  });
});

it('goes on to the next instance when one cannot be reached, and says which when none can', async () => {
  const service = await executions(() => ({ data: { startTriggeredExecution: { pipelineExecutionId: 'e-2' } } }));
  const start = executionsStartClient({ urls: ['http://127.0.0.1:1/graphql', service.url], internalSecret: SECRET, timeoutMs: 2_000 });
  expect(await start({ account: 'acme', actor: 'poller' }, input)).toEqual({ pipelineExecutionId: 'e-2' });
  const nobody = executionsStartClient({ urls: ['http://127.0.0.1:1/graphql'], internalSecret: SECRET, timeoutMs: 2_000 });
  await expect(nobody({ account: 'acme', actor: 'poller' }, input)).rejects.toThrow(/^no executions service could be reached: http:\/\/127\.0\.0\.1:1\/graphql: /);
});

it('takes a refusal as final, with its code', async () => {
  const refusing = await executions(() => ({ data: null, errors: [{ message: "The pipeline 'web' does not exist.", extensions: { code: 'NOT_FOUND' } }] }));
  const other = await executions(() => ({ data: { startTriggeredExecution: { pipelineExecutionId: 'never' } } }));
  const start = executionsStartClient({ urls: [refusing.url, other.url], internalSecret: SECRET });
  const refused = await start({ account: 'acme', actor: 'poller' }, input).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(StartRefusedError);
  expect(refused).toMatchObject({ code: 'NOT_FOUND', message: "The pipeline 'web' does not exist." });
  expect(other.seen).toHaveLength(0);
});
