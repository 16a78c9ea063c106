import { randomBytes } from 'node:crypto';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type IntrospectionQuery,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLList,
  type GraphQLSchema,
} from 'graphql';
import { AUDIT_STREAM_PREFIX, auditRecordOf, processAuditChainKey, verifyAuditChain, type ChainedAuditRecord } from '@sluice/authz';
import type { EventStore } from '@sluice/eventing';
import { ensureAdmin } from '@sluice/permissions';
import type { RunningGateway } from '../gateway-server';
import { codesOf, gatewayClient, type Caller } from '../testing/gateway-client';
import { eventually } from '../testing/job-worker';
import { subscribeAndCollect, type CollectedSubscription } from '../testing/subscription-client';
import { startGatewayOnSubgraphs, type GatewayOnSubgraphs } from '../testing/gateway-on-subgraphs';
import type { SubgraphProcesses } from '../testing/subgraph-processes';
import { adminCaller } from '../testing/test-gateway';
import { twoStagePipeline } from '@sluice/testing/fixtures';

// Authentication, the one authorization path and the audit trail, through the gateway only: the pipelines,
// executions and permissions services run as OS processes on one PostgreSQL schema behind an internal secret.
const internalSecret = randomBytes(24).toString('base64url');
let platform: GatewayOnSubgraphs | undefined;
let subgraphs: SubgraphProcesses;
let gateway: RunningGateway;
let eventStore: EventStore;

interface Principals {
  admin: Caller;
  readOnly: Caller;
  approver: Caller;
  roleSession: Caller;
  revoked: Caller;
}
let who: Principals;
const executions: Record<string, string> = {};
const open: Array<CollectedSubscription<unknown>> = [];

const ok = <T>(answer: { data?: T | null; errors?: Array<{ message: string }> }, what: string): T => {
  if (answer.errors?.length || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
};

async function userWithToken(admin: ReturnType<typeof gatewayClient>, userName: string, attach: Record<string, unknown>): Promise<{ token: string; tokenId: string }> {
  ok(await admin('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName }), `createUser ${userName}`);
  ok(
    await admin(
      'mutation($u: String!, $m: String, $s: ApproverScopeInput, $n: String, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, managedPolicy: $m, approverScope: $s, policyName: $n, document: $d) { name } }',
      { u: userName, ...attach },
    ),
    `attachPolicy ${userName}`,
  );
  const created = ok(await admin<{ createToken: { token: string; tokenId: string } }>('mutation($p: String!) { createToken(principalId: $p) { token tokenId } }', { p: userName }), `createToken ${userName}`);
  return created.createToken;
}

beforeAll(async () => {
  platform = await startGatewayOnSubgraphs({ subgraphs: { internalSecret } });
  ({ subgraphs, gateway, eventStore } = platform);

  const admin = await adminCaller(eventStore, 'acme');
  const globexAdmin = await adminCaller(eventStore, 'globex');
  const asAdmin = gatewayClient(gateway.url, admin);
  for (const name of ['web', 'prod']) {
    ok(await asAdmin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: twoStagePipeline(name) }), `createPipeline ${name}`);
    const started = ok(await asAdmin<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation($n: String!) { startPipelineExecution(name: $n) { pipelineExecutionId } }', { n: name }), 'start');
    executions[name] = started.startPipelineExecution.pipelineExecutionId;
  }
  const readOnly = await userWithToken(asAdmin, 'rita', { m: 'ReadOnly' });
  const approver = await userWithToken(asAdmin, 'april', { m: 'Approver', s: { pipeline: 'web', stage: 'Deploy' } });
  const revoked = await userWithToken(asAdmin, 'rex', { m: 'Admin' });
  ok(await asAdmin('mutation($t: String!) { revokeToken(tokenId: $t) { status } }', { t: revoked.tokenId }), 'revokeToken');

  // Cross-account: acme's role `deployer` (Operator) trusts globex's bob, who assumes it narrowed to acme/web.
  const trustPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Sluice: ['srn:sluice:globex:principal/bob'] }, Action: 'sluice:AssumeRole' }] };
  ok(await asAdmin('mutation($r: String!, $t: JSON!) { createRole(roleName: $r, trustPolicy: $t) { roleName } }', { r: 'deployer', t: trustPolicy }), 'createRole');
  ok(await asAdmin('mutation { attachPolicy(targetType: ROLE, targetName: "deployer", managedPolicy: "Operator") { name } }'), 'attach Operator');
  const bob = await userWithToken(gatewayClient(gateway.url, globexAdmin), 'bob', {
    n: 'AssumeAcmeRoles',
    d: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:AssumeRole', Resource: 'srn:sluice:acme:' }] },
  });
  const sessionPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:*', Resource: ['srn:sluice:acme:web', 'srn:sluice:acme:web/*'] }] };
  const assumed = ok(
    await gatewayClient(gateway.url, { account: 'globex', actor: 'bob', token: bob.token })<{ assumeRole: { token: string } }>(
      'mutation($p: JSON) { assumeRole(role: "srn:sluice:acme:principal/deployer", sessionName: "bob-deploys", sessionPolicy: $p) { token } }',
      { p: sessionPolicy },
    ),
    'assumeRole',
  );
  who = {
    admin,
    readOnly: { account: 'acme', actor: 'rita', token: readOnly.token },
    approver: { account: 'acme', actor: 'april', token: approver.token },
    roleSession: { account: 'acme', actor: 'bob via deployer', token: assumed.assumeRole.token },
    revoked: { account: 'acme', actor: 'rex', token: revoked.token },
  };
  api = buildClientSchema(ok(await asAdmin<IntrospectionQuery>(getIntrospectionQuery()), 'introspection'));
}, 180_000);

afterAll(async () => {
  await Promise.all(open.map((s) => s.stop()));
  await platform?.stop();
});

// ---- The matrix: every root field of the gateway's API × 4 principals × targets in and out of scope ----

interface Target {
  label: string;
  account: string;
  pipeline: string;
  stage: string;
  action: string;
}
const TARGETS: Target[] = [
  { label: 'acme/web Deploy/Approve', account: 'acme', pipeline: 'web', stage: 'Deploy', action: 'Approve' },
  { label: 'acme/prod Build/Compile', account: 'acme', pipeline: 'prod', stage: 'Build', action: 'Compile' },
];
/** Only fields whose arguments can name another account reach it. */
const FOREIGN: Target = { label: 'globex/web', account: 'globex', pipeline: 'web', stage: 'Deploy', action: 'Approve' };

type Scope = 'account' | 'pipeline' | 'stage' | 'action';

/** The deepest part of a target the field's arguments name: read from the argument names, not from the gateway's table. */
function scopeOf(field: GraphQLField<unknown, unknown>): Scope {
  const names = new Set(field.args.map((a) => a.name));
  if (names.has('actionName')) return 'action';
  if (names.has('stageName')) return 'stage';
  const pipelineArgs = ['name', 'pipelineName', 'pipeline', 'input', 'resourceArn', 'pipelineExecutionId', 'executionId'];
  return pipelineArgs.some((n) => names.has(n)) && field.name !== 'getUser' ? 'pipeline' : 'account';
}

const namesAccount = (field: string) => ['tagResource', 'untagResource', 'verifyAuditTrail'].includes(field);

/** Runs pipelines: what the Operator policy adds to reads (rerunStage is a retry of a stage). */
const RUNS_PIPELINES = new Set(['startPipelineExecution', 'stopPipelineExecution', 'retryStageExecution', 'rerunStage', 'rollbackStage', 'disableStageTransition', 'enableStageTransition', 'putActionRevision', 'overrideStageCondition']);
/** Needs a valid token only, as STS GetCallerIdentity (myPermissions answers only about the caller itself). */
const ANY_AUTHENTICATED = new Set(['whoami', 'myPermissions']);
/**
 * Answered over the pipelines the principal may read, nothing of the others (decision 0054): allowed when it may read
 * (getPipeline) at least one pipeline of the target's account, refused when it may read none.
 */
const OVER_READABLE_PIPELINES = new Set(['pipelineGraph']);

interface Cell {
  principal: keyof Principals;
  operation: 'query' | 'mutation';
  field: string;
  target: Target;
  scope: Scope;
}

/** Each principal's rule, written out: true when the call must not be FORBIDDEN. */
const EXPECTED: Record<Exclude<keyof Principals, 'revoked'>, { rule: string; allows: (cell: Cell) => boolean }> = {
  admin: { rule: 'Admin of acme: everything in acme, nothing in globex', allows: (c) => c.target.account === 'acme' },
  readOnly: {
    rule: "ReadOnly of acme: every query in acme but a job's details (they are its workers'), no mutation",
    allows: (c) => c.target.account === 'acme' && c.operation === 'query' && c.field !== 'getJobDetails',
  },
  approver: {
    rule: 'Approver of acme/web/Deploy: putApprovalResult on web/Deploy actions, and queries of the web pipeline (not account-wide ones)',
    allows: (c) =>
      c.target.account === 'acme' &&
      c.target.pipeline === 'web' &&
      ((c.field === 'putApprovalResult' && c.target.stage === 'Deploy') || (c.operation === 'query' && c.scope !== 'account')),
  },
  roleSession: {
    rule: "globex's bob in acme's Operator role, session narrowed to acme/web: queries and runs of the web pipeline only",
    allows: (c) => c.target.account === 'acme' && c.target.pipeline === 'web' && c.scope !== 'account' && (c.operation === 'query' || RUNS_PIPELINES.has(c.field)),
  },
};

/** A value of the argument's type: from the target for the arguments that name it, else the smallest valid-looking value. */
function argumentValue(arg: Pick<GraphQLArgument, 'name' | 'type'>, target: Target, field: string): unknown {
  switch (arg.name) {
    case 'name':
    case 'pipelineName':
      return target.pipeline;
    case 'stageName':
      return target.stage;
    case 'actionName':
      return target.action;
    case 'pipelineExecutionId':
    case 'executionId':
    case 'targetPipelineExecutionId':
    case 'sourcePipelineExecutionId':
      return target.account === 'acme' ? executions[target.pipeline] : 'no-such-execution';
    case 'pipeline':
      return { name: target.pipeline };
    case 'input':
      return field === 'importAwsPipeline' ? { pipeline: { name: target.pipeline } } : {};
    case 'resourceArn':
      return `srn:sluice:${target.account}:${target.pipeline}`;
    case 'webhook':
      // putWebhook's definition: authorized at the webhook it names (named after the target's pipeline here).
      return { name: target.pipeline };
    case 'rule':
      // createNotificationRule's rule: authorized at the pipeline it watches.
      return { pipelineName: target.pipeline };
    case 'account':
      return field === 'verifyAuditTrail' ? target.account : 'matrix-made';
    case 'tokenId':
      return 'tok_no_such_token';
    case 'actionTypeIds': {
      // One action type, as pollForJobs's actionTypeId: a list naming none is bad input before any policy is asked.
      const list = (isNonNullType(arg.type) ? arg.type.ofType : arg.type) as GraphQLList<GraphQLInputType>;
      return [valueOfType(list.ofType, 'actionTypeId')];
    }
  }
  return valueOfType(arg.type, arg.name);
}

function valueOfType(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return valueOfType(type.ofType, name);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, valueOfType(f.type, f.name)]));
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return true;
      case 'JSON':
        return {};
      case 'DateTime':
        return new Date().toISOString();
      default:
        return `matrix-${name}`;
    }
  }
  return null;
}

/** The field with every argument as a variable, selecting only `__typename` of what it returns. */
function documentOf(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${operation}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

let api: GraphQLSchema;
/** The API as clients see it: the gateway's introspection (so @inaccessible fields are not in it). */
const apiSchema = (): GraphQLSchema => api;

function cellsOf(api: GraphQLSchema): Array<Cell & { document: string; variables: Record<string, unknown> }> {
  const cells: Array<Cell & { document: string; variables: Record<string, unknown> }> = [];
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? api.getQueryType() : api.getMutationType();
    for (const field of Object.values(root!.getFields())) {
      if (field.astNode?.directives?.some((d) => d.name.value === 'inaccessible')) continue;
      const targets = namesAccount(field.name) ? [...TARGETS, FOREIGN] : TARGETS;
      for (const target of targets) {
        const variables = Object.fromEntries(field.args.map((a) => [a.name, argumentValue(a, target, field.name)]));
        for (const principal of ['admin', 'readOnly', 'approver', 'roleSession'] as const) {
          cells.push({ principal, operation, field: field.name, target, scope: scopeOf(field), document: documentOf(operation, field), variables });
        }
      }
    }
  }
  // Deleting a pipeline last, so the cells before it meet the pipelines as set up.
  return cells.sort((a, b) => Number(a.field === 'deletePipeline') - Number(b.field === 'deletePipeline'));
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

describe('the authorization matrix through the gateway', () => {
  it('decides every cell as the principal’s rule says: zero wrong decisions', async () => {
    const cells = cellsOf(apiSchema());
    const fields = new Set(cells.map((c) => c.field));
    expect(fields.size).toBeGreaterThan(50);
    const outcomes = await inBatches(cells, 8, async (cell) => {
      const answer = await gatewayClient(gateway.url, who[cell.principal])(cell.document, cell.variables);
      const forbidden = codesOf(answer).includes('FORBIDDEN');
      const rule = EXPECTED[cell.principal as Exclude<keyof Principals, 'revoked'>];
      const readsSomePipeline = () => TARGETS.some((target) => rule.allows({ ...cell, field: 'getPipeline', operation: 'query', scope: 'pipeline', target: { ...target, account: cell.target.account } }));
      const expectedAllowed = ANY_AUTHENTICATED.has(cell.field) || (OVER_READABLE_PIPELINES.has(cell.field) ? readsSomePipeline() : rule.allows(cell));
      return { cell, forbidden, expectedAllowed, status: answer.status, errors: answer.errors?.map((e) => `${e.extensions?.code}: ${e.message}`.slice(0, 200)) };
    });
    // The admin's deletePipeline cells deleted the pipelines: set them up again for the tests below.
    const asAdmin = gatewayClient(gateway.url, who.admin);
    for (const name of ['web', 'prod']) {
      if (codesOf(await asAdmin('query($n: String!) { getPipeline(name: $n) { name } }', { n: name })).includes('NOT_FOUND')) {
        ok(await asAdmin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: twoStagePipeline(name) }), `createPipeline ${name} again`);
      }
    }
    const wrong = outcomes
      .filter((o) => o.forbidden === o.expectedAllowed || o.status === 401)
      .map((o) => `${o.cell.principal} ${o.cell.operation} ${o.cell.field} @ ${o.cell.target.label}: expected ${o.expectedAllowed ? 'allowed' : 'FORBIDDEN'}, got ${JSON.stringify(o.errors ?? 'no error')}`);
    expect(wrong).toEqual([]);
    // The matrix is not one-sided: each principal is both allowed and refused somewhere.
    for (const principal of ['admin', 'readOnly', 'approver', 'roleSession'] as const) {
      const mine = outcomes.filter((o) => o.cell.principal === principal);
      expect([principal, mine.some((o) => o.forbidden), mine.some((o) => !o.forbidden)]).toEqual([principal, true, true]);
    }
    console.log(`authorization matrix: ${outcomes.length} cells (${fields.size} operations × 4 principals × 2–3 targets), ${wrong.length} wrong`);
  });

  it('refuses the revoked token on every operation with 401, before GraphQL', async () => {
    const api = apiSchema();
    const fields = ['query', 'mutation'].flatMap((op) => Object.values((op === 'query' ? api.getQueryType() : api.getMutationType())!.getFields()).map((f) => [op as 'query' | 'mutation', f] as const));
    const statuses = await inBatches(fields, 8, async ([operation, field]) => {
      const variables = Object.fromEntries(field.args.map((a) => [a.name, argumentValue(a, TARGETS[0]!, field.name)]));
      const answer = await gatewayClient(gateway.url, who.revoked)(documentOf(operation, field), variables);
      return `${answer.status} ${codesOf(answer).join()}`;
    });
    expect(new Set(statuses)).toEqual(new Set(['401 UNAUTHENTICATED']));
  });
});

describe('what a caller may see', () => {
  it('derives the caller from the token only: spoofed x-sluice headers change nothing', async () => {
    const spoofed = await gatewayClient(gateway.url, { ...who.readOnly, account: 'globex', actor: 'admin' })<{ whoami: { account: string; actor: string } }>('{ whoami { account actor } }');
    expect(spoofed.data?.whoami).toEqual({ account: 'acme', actor: 'rita' });
    const session = await gatewayClient(gateway.url, who.roleSession)<{ whoami: { account: string; assumedBy: { id: string; account: string } } }>('{ whoami { account assumedBy { id account } } }');
    expect(session.data?.whoami).toEqual({ account: 'acme', assumedBy: { id: 'bob', account: 'globex' } });
  });

  it('a read-only user reads pipeline state, and no mutation of it runs', async () => {
    const gql = gatewayClient(gateway.url, who.readOnly);
    const state = await gql<{ getPipelineState: { pipelineName: string } }>('query { getPipelineState(name: "prod") { pipelineName } }');
    expect(state.data?.getPipelineState.pipelineName).toBe('prod');
    const before = (await gql<{ listPipelineExecutions: { nodes: unknown[] } }>('query { listPipelineExecutions(pipelineName: "prod") { nodes { pipelineExecutionId } } }')).data;
    const refused = await gql('mutation { startPipelineExecution(name: "prod") { pipelineExecutionId } }');
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0]!.message).toMatch(/sluice:StartPipelineExecution on srn:sluice:acme:prod/);
    const after = (await gql<typeof before>('query { listPipelineExecutions(pipelineName: "prod") { nodes { pipelineExecutionId } } }')).data;
    expect(after).toEqual(before);
  });

  it('authorizes fields below the root on the pipeline they read: a denied GetPipelineState is not read through listPipelines', async () => {
    const asAdmin = gatewayClient(gateway.url, who.admin);
    const document = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['sluice:ListPipelines', 'sluice:GetPipeline', 'sluice:GetPipelineState'], Resource: ['srn:sluice:acme:', 'srn:sluice:acme:*'] },
        { Effect: 'Deny', Action: 'sluice:GetPipelineState', Resource: 'srn:sluice:acme:web' },
      ],
    };
    const lister = await userWithToken(asAdmin, 'lena', { n: 'list-but-not-web-state', d: document });
    const gql = gatewayClient(gateway.url, { account: 'acme', actor: 'lena', token: lister.token });
    const listed = await gql<unknown>('{ listPipelines { edges { node { name state { stageStates { actionStates { latestExecution { token } } } } } } } }');
    expect(codesOf(listed)).toEqual(['FORBIDDEN']);
    expect(listed.errors![0]!.message).toMatch(/sluice:GetPipelineState on srn:sluice:acme:\*: listPipelines selects Pipeline\.state/);
    expect(listed.data ?? null).toBeNull();
    expect(codesOf(await gql('{ getPipeline(name: "web") { state { pipelineName } } }'))).toEqual(['FORBIDDEN']);
    // What the policy allows still answers: names from the listing, another pipeline's state by name.
    const names = await gql<{ listPipelines: { edges: Array<{ node: { name: string } }> } }>('{ listPipelines { edges { node { name } } } }');
    expect(names.data?.listPipelines.edges.map((edge) => edge.node.name)).toEqual(expect.arrayContaining(['web', 'prod']));
    const prod = await gql<{ getPipeline: { state: { pipelineName: string } | null } }>('{ getPipeline(name: "prod") { state { pipelineName } } }');
    expect(prod.errors).toBeUndefined();
  });

  it('re-checks open sockets: a revoked token and a detached policy end their subscriptions within seconds, as on HTTP', async () => {
    const asAdmin = gatewayClient(gateway.url, who.admin);
    const QUERY = 'subscription($p: String) { executionUpdated(pipelineName: $p) { pipelineName eventType } }';
    const sam = await userWithToken(asAdmin, 'sam', { m: 'ReadOnly' });
    const dora = await userWithToken(asAdmin, 'dora', { m: 'ReadOnly' });
    const samSocket = subscribeAndCollect(gateway.url, { account: 'acme', actor: 'sam', token: sam.token }, QUERY, {}, 'executionUpdated');
    const doraSocket = subscribeAndCollect(gateway.url, { account: 'acme', actor: 'dora', token: dora.token }, QUERY, { p: 'web' }, 'executionUpdated');
    open.push(samSocket, doraSocket);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([samSocket.closed, doraSocket.closed]).toEqual([undefined, undefined]);

    const changed = Date.now();
    ok(await asAdmin('mutation($t: String!) { revokeToken(tokenId: $t) { status } }', { t: sam.tokenId }), 'revokeToken sam');
    ok(await asAdmin('mutation { detachPolicy(targetType: USER, targetName: "dora", policyName: "ReadOnly") { name } }'), 'detachPolicy dora');
    await eventually(() => (samSocket.closed && doraSocket.closed ? true : undefined), 'both sockets to be closed', 15_000);
    const tookMs = Date.now() - changed;
    expect(samSocket.closed?.code).toBe(4401);
    expect(doraSocket.closed).toEqual({ code: 4403, reason: expect.stringMatching(/^Forbidden: sluice:GetPipelineExecution on srn:sluice:acme:web/) });
    // The HTTP cache lives 5 s; a socket is checked every second on top.
    expect(tookMs).toBeLessThan(7_500);

    // Reconnecting with the same token: the subscribe itself is refused now.
    const again = subscribeAndCollect(gateway.url, { account: 'acme', actor: 'dora', token: dora.token }, QUERY, { p: 'web' }, 'executionUpdated');
    open.push(again);
    await eventually(() => (again.errors.length > 0 ? true : undefined), 'the resubscribe to be refused', 10_000);
    expect(JSON.stringify(again.errors)).toContain('FORBIDDEN');
  });

  it('refuses the whole operation when one of its fields is refused: no subgraph runs the allowed one', async () => {
    const answer = await gatewayClient(gateway.url, who.approver)('mutation { a: startPipelineExecution(name: "web") { pipelineExecutionId } b: createUser(userName: "sneaky") { userName } }');
    expect(codesOf(answer)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    const users = await gatewayClient(gateway.url, who.admin)<{ listUsers: Array<{ userName: string }> }>('{ listUsers { userName } }');
    expect(users.data!.listUsers.map((u) => u.userName)).not.toContain('sneaky');
  });

  it('delivers subscription events only for what the principal may read, and refuses the subscribe of a pipeline it may not', async () => {
    const QUERY = 'subscription($p: String) { executionUpdated(pipelineName: $p) { pipelineName eventType } }';
    const approverAll = subscribeAndCollect<{ pipelineName: string }>(gateway.url, who.approver, QUERY, {}, 'executionUpdated');
    const readOnlyAll = subscribeAndCollect<{ pipelineName: string }>(gateway.url, who.readOnly, QUERY, {}, 'executionUpdated');
    const approverProd = subscribeAndCollect<{ pipelineName: string }>(gateway.url, who.approver, 'subscription { pipelineStateChanged(pipelineName: "prod") { eventType } }', {}, 'pipelineStateChanged');
    const anonymous = subscribeAndCollect<unknown>(gateway.url, 'acme', QUERY, {}, 'executionUpdated');
    open.push(approverAll, readOnlyAll, approverProd, anonymous);
    await eventually(() => (approverProd.errors.length > 0 && anonymous.closed ? true : undefined), 'the refusals');
    expect(JSON.stringify(approverProd.errors)).toMatch(/FORBIDDEN|Forbidden: sluice:GetPipelineState on srn:sluice:acme:prod/);
    expect(anonymous.closed?.code).toBe(4401);
    await new Promise((r) => setTimeout(r, 500)); // the subscriptions reach the store's head
    const asAdmin = gatewayClient(gateway.url, who.admin);
    for (const name of ['prod', 'web']) ok(await asAdmin('mutation($n: String!) { startPipelineExecution(name: $n) { pipelineExecutionId } }', { n: name }), `start ${name}`);
    await eventually(() => (readOnlyAll.received.some((r) => r.value.pipelineName === 'web') && readOnlyAll.received.some((r) => r.value.pipelineName === 'prod') ? true : undefined), 'read-only events of both');
    await eventually(() => (approverAll.received.some((r) => r.value.pipelineName === 'web') ? true : undefined), 'approver events of web');
    expect(approverAll.received.filter((r) => r.value.pipelineName !== 'web')).toEqual([]);
  });
});

describe('authentication and the audit trail', () => {
  const auditOf = async (account: string): Promise<ChainedAuditRecord[]> => (await eventStore.readStream(`${AUDIT_STREAM_PREFIX}${account}`)).map(auditRecordOf);

  it('answers 401 without a token, with a forged, an expired or a revoked one, and records the refusals counted by reason', async () => {
    const expired = await ensureAdmin(eventStore, { account: 'acme', userName: 'old', now: new Date(Date.now() - 11 * 366 * 24 * 3600 * 1000) });
    if (!expired.created) throw new Error('old exists');
    await gateway.flushRefusals(); // earlier tests' refusals (a socket without a token) are written before counting
    const before = (await auditOf('default')).length;
    const tokens = [undefined, `slu_${randomBytes(32).toString('base64url')}`, expired.token, who.revoked.token, 'not a token at all'];
    for (const token of tokens) {
      const answer = await gatewayClient(gateway.url, { account: 'acme', actor: 'x', ...(token ? { token } : {}) })('{ listPipelines { pageInfo { hasNextPage } } }');
      expect([answer.status, codesOf(answer)]).toEqual([401, ['UNAUTHENTICATED']]);
    }
    // One record per address, reason and minute (written once a minute, and at stop; flushed here), each with its count.
    await gateway.flushRefusals();
    const refusals = (await auditOf('default')).slice(before);
    expect(new Set(refusals.map((r) => JSON.stringify([r.principal.id, r.decision, r.result.status, r.operation])))).toEqual(new Set([JSON.stringify(['anonymous', 'ImplicitDeny', 'denied', 'sluice:Authenticate'])]));
    expect(refusals.length).toBeLessThan(tokens.length);
    expect(refusals.reduce((sum, r) => sum + Number(r.requestParameters.count), 0)).toBe(tokens.length);
    expect(new Set(refusals.map((r) => r.requestParameters.reason))).toEqual(new Set(['no token', 'unknown, expired or revoked token', 'malformed Authorization header']));
    expect(JSON.stringify(refusals)).not.toContain(expired.token);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('records exactly one audit record per call under a burst of concurrent calls, with an unbroken chain', async () => {
    const before = (await auditOf('acme')).length;
    const calls = 60;
    const answers = await Promise.all(
      Array.from({ length: calls }, (_, i) =>
        gatewayClient(gateway.url, i % 2 === 0 ? who.readOnly : who.approver)(i % 3 === 0 ? 'mutation { startPipelineExecution(name: "prod") { pipelineExecutionId } }' : '{ getPipeline(name: "web") { name } }'),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const trail = await auditOf('acme');
    const burst = trail.slice(before);
    expect(burst).toHaveLength(calls);
    expect(burst.filter((r) => r.operation === 'sluice:StartPipelineExecution').map((r) => r.decision)).toEqual(Array(calls / 3).fill('ImplicitDeny'));
    expect(burst.filter((r) => r.operation === 'sluice:GetPipeline').every((r) => r.decision === 'Allow' && r.result.status === 'succeeded' && r.decidingStatement !== null)).toBe(true);
    expect(verifyAuditChain(trail, { key: await processAuditChainKey()() })).toEqual({ ok: true, count: trail.length });
  });

  it('names the role and the original principal of a role session, and redacts secrets', async () => {
    const before = (await auditOf('acme')).length;
    await gatewayClient(gateway.url, who.roleSession)('mutation { putApprovalResult(pipelineName: "web", stageName: "Deploy", actionName: "Approve", result: { summary: "ok", status: Approved }, token: "secret-approval-token") { approvedAt } }');
    const [record] = (await auditOf('acme')).slice(before);
    expect(record).toMatchObject({ principal: { id: 'bob', account: 'globex' }, viaRole: { id: 'deployer', account: 'acme' }, operation: 'sluice:PutApprovalResult', resource: 'srn:sluice:acme:web/Deploy/Approve' });
    expect(JSON.stringify(record)).not.toContain('secret-approval-token');
    expect(record!.sourceIp).toMatch(/127\.0\.0\.1/);
  });

  it('streams the account’s audit records to whoever may look them up (auditRecorded)', async () => {
    const QUERY = 'subscription { auditRecorded { cursor principal { id account } operation resource decision result { status } } }';
    const admin = subscribeAndCollect<{ principal: { id: string }; operation: string; decision: string }>(gateway.url, who.admin, QUERY, {}, 'auditRecorded');
    const approver = subscribeAndCollect<unknown>(gateway.url, who.approver, QUERY, {}, 'auditRecorded');
    open.push(admin, approver);
    await eventually(() => (approver.errors.length > 0 ? true : undefined), 'the approver refused');
    expect(JSON.stringify(approver.errors)).toMatch(/sluice:LookupAuditEvents on srn:sluice:acme:/);
    await new Promise((r) => setTimeout(r, 500)); // the subscription reaches the store's head
    await gatewayClient(gateway.url, who.readOnly)('mutation { deletePipeline(name: "prod") }');
    const record = await eventually(() => admin.received.find((r) => r.value.principal.id === 'rita' && r.value.operation === 'sluice:DeletePipeline')?.value, 'the record of rita’s call');
    expect(record.decision).toBe('ImplicitDeny');
  });

  it('keeps the subgraphs behind the gateway: without the internal secret a subgraph answers 401', async () => {
    const direct = await fetch(`${subgraphs.pipelines.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sluice-account': 'acme' }, body: JSON.stringify({ query: '{ listPipelines { pageInfo { hasNextPage } } }' }) });
    expect([direct.status, ((await direct.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await fetch(`${subgraphs.pipelines.url}/healthz`)).status).toBe(200);
  });
});
