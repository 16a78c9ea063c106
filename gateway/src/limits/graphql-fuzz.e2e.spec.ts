import { randomBytes } from 'node:crypto';
import * as codepipeline from '@aws-sdk/client-codepipeline';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isAbstractType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { EventStore } from '@sluice/eventing';
import { CODEPIPELINE_TARGET_PREFIX } from '../aws/aws-endpoint';
import { permissionsAccessKeys } from '../aws/permissions-access-keys';
import type { RunningGateway } from '../gateway-server';
import { gatewayClient, type Caller } from '../testing/gateway-client';
import { startGatewayOnSubgraphs, type GatewayOnSubgraphs } from '../testing/gateway-on-subgraphs';
import { adminCaller } from '../testing/test-gateway';
import { twoStagePipeline } from '@sluice/testing/fixtures';

// Any name, any input: a property-based fuzz of every query and mutation of the composed API (introspected from a
// running gateway), as an admin (so that input reaches the subgraphs), with argument values generated from their
// types and hostile strings; then of every /aws operation through the AWS SDK. It fails on any HTTP 5xx and on any
// call slower than 1 s. Bounded: CALLS GraphQL calls spread over the fields and AWS_CALLS over the operations, one at
// a time. SLUICE_FUZZ_SEED replays a run; SLUICE_FUZZ_CALLS sets the GraphQL budget.
const CALLS = Number(process.env.SLUICE_FUZZ_CALLS ?? 300);
const AWS_CALLS = 104;
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 1616);
const SLOW_MS = 1_000;

let platform: GatewayOnSubgraphs | undefined;
let eventStore: EventStore;
let gateway: RunningGateway;
let admin: Caller;
let api: GraphQLSchema;
let accessKey: { accessKeyId: string; secretAccessKey: string };

/** Strings that broke name handling before (issue 16) and their kin. */
const HOSTILE = [
  '',
  ' ',
  'a b',
  '/',
  'a/b',
  '../../etc/passwd',
  'web\u202e',
  '\u202egnp.exe',
  'x'.repeat(1000),
  '__proto__',
  'constructor',
  'prototype',
  'a\u0000b',
  '\u0000',
  '\ud800',
  '😀',
  'srn:sluice:acme:web',
  'srn:sluice:*:*',
  '*',
  '%00',
  '${sluice:username}',
  '#{variables.x}',
  "'; DROP TABLE events; --",
  '$(id)',
  'web',
  'Deploy',
  'admin',
];

const hostileString = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme' }) });

/** A value of `type`, hostile where it can be: nulls, out-of-range numbers, prototypes in JSON. */
function valueOf(type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type.ofType, name, depth);
  const inner = ((): fc.Arbitrary<unknown> => {
    if (isListType(type)) return fc.array(valueOf(type.ofType, name, depth + 1), { maxLength: depth > 1 ? 1 : 3 });
    if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.value as unknown));
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      if (depth > 3) return fc.constant({});
      const required = Object.fromEntries(fields.filter((f) => isNonNullType(f.type)).map((f) => [f.name, valueOf(f.type, f.name, depth + 1)]));
      const optional = Object.fromEntries(fields.filter((f) => !isNonNullType(f.type)).map((f) => [f.name, valueOf(f.type, f.name, depth + 1)]));
      return fc.record({ ...required, ...optional }, { requiredKeys: Object.keys(required) });
    }
    if (isScalarType(type)) {
      // A long poll is slow by design: only its invalid or zero waits are fuzzed.
      if (name === 'waitMs') return fc.constantFrom(0, -1, 20_001, 2 ** 31 - 1);
      switch (type.name) {
        case 'Int':
          return fc.oneof(fc.constantFrom(0, -1, 1, 2 ** 31 - 1, -(2 ** 31)), fc.integer());
        case 'Float':
          return fc.oneof(fc.constantFrom(0, -1, 1e308, -1e-308), fc.double({ noNaN: true, noDefaultInfinity: true }));
        case 'Boolean':
          return fc.boolean();
        case 'DateTime':
          return fc.oneof(fc.constantFrom('1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', 'not a date', ''), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
        case 'JSON':
          return fc.oneof(
            fc.constantFrom<unknown>({}, [], null, 'x', { __proto__: { polluted: true } }, JSON.parse('{"__proto__": {"polluted": true}}'), { name: 'a b', stages: 'x' }, { pipeline: { name: 'web\u202e' } }),
            fc.jsonValue({ maxDepth: 2 }),
          );
        default:
          return hostileString;
      }
    }
    return fc.constant(null);
  })();
  return isNonNullType(type) ? inner : fc.option(inner, { nil: null, freq: 4 });
}

const argumentsOf = (args: readonly GraphQLArgument[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(Object.fromEntries(args.map((a) => [a.name, isNonNullType(a.type) ? valueOf(a.type, a.name) : valueOf(a.type, a.name)])), {
    requiredKeys: args.filter((a) => isNonNullType(a.type)).map((a) => a.name),
  });

/** The field with every argument as a variable, selecting `__typename` of what it returns. */
function documentOf(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isAbstractType(named) ? ' { __typename }' : '';
  return `${operation}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

beforeAll(async () => {
  // Access keys (for /aws) need the permissions service's master key.
  platform = await startGatewayOnSubgraphs({
    subgraphs: { env: { SLUICE_ACCESS_KEY_MASTER_KEY: randomBytes(32).toString('base64') } },
    gateway: (subgraphs) => ({ aws: { accessKeys: permissionsAccessKeys(`${subgraphs.permissions.url}/graphql`, { internalSecret: subgraphs.internalSecret }) } }),
  });
  ({ gateway, eventStore } = platform);
  admin = await adminCaller(eventStore, 'acme');
  const gql = gatewayClient(gateway.url, admin);
  const created = await gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: twoStagePipeline('web') });
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  const key = await gql<{ createAccessKey: { accessKeyId: string; secretAccessKey: string } }>('mutation { createAccessKey(principalId: "admin") { accessKeyId secretAccessKey } }');
  if (!key.data) throw new Error(JSON.stringify(key.errors));
  accessKey = key.data.createAccessKey;
  const introspection = await gql<IntrospectionQuery>(getIntrospectionQuery());
  api = buildClientSchema(introspection.data!);
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

describe('any name, any input', () => {
  it(`answers every query and mutation with generated and hostile arguments without a 5xx, each within ${SLOW_MS} ms (${CALLS} calls)`, async () => {
    const fields = (['query', 'mutation'] as const).flatMap((operation) => {
      const root = operation === 'query' ? api.getQueryType() : api.getMutationType();
      return Object.values(root?.getFields() ?? {}).map((field) => ({ operation, field }));
    });
    expect(fields.length).toBeGreaterThan(50);
    const runs = Math.max(1, Math.ceil(CALLS / fields.length));
    const failures: string[] = [];
    const internalErrors = new Map<string, string>();
    const statuses = new Map<number, number>();
    let calls = 0;
    const started = performance.now();
    for (const [index, { operation, field }] of fields.entries()) {
      const query = documentOf(operation, field);
      const property = fc.asyncProperty(argumentsOf(field.args), async (variables) => {
        calls += 1;
        const t0 = performance.now();
        const res = await fetch(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        const ms = performance.now() - t0;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const codes = (() => {
          try {
            return ((JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> }).errors ?? []).map((e) => e.extensions?.code);
          } catch {
            return ['not JSON'];
          }
        })();
        if (codes.includes('INTERNAL_SERVER_ERROR')) internalErrors.set(field.name, `${JSON.stringify(variables).slice(0, 200)} → ${text.slice(0, 300)}`);
        if (res.status >= 500 || ms > SLOW_MS) throw new Error(`${field.name}: HTTP ${res.status} in ${ms.toFixed(0)} ms: ${text.slice(0, 300)}`);
      });
      try {
        // endOnFailure: a failure is reported as found (with its seed), not shrunk for minutes.
        await fc.assert(property, { numRuns: runs, seed: SEED + index, endOnFailure: true });
      } catch (error) {
        failures.push(`${operation} ${field.name}: ${error instanceof Error ? error.message.split('\n').slice(0, 6).join(' | ') : String(error)}`);
      }
    }
    const elapsed = performance.now() - started;
    console.log(
      `fuzz: ${calls} calls over ${fields.length} root fields in ${(elapsed / 1000).toFixed(1)} s (seed ${SEED}); HTTP ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}; ` +
        `${failures.length} failures; INTERNAL_SERVER_ERROR answers (HTTP 200, from a subgraph) from ${internalErrors.size} fields${internalErrors.size ? `:\n${[...internalErrors].map(([f, e]) => `  ${f}: ${e}`).join('\n')}` : ''}`,
    );
    expect(failures).toEqual([]);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it(`answers every /aws operation of the AWS SDK with hostile members without a 5xx, each within ${SLOW_MS} ms (${AWS_CALLS} calls)`, async () => {
    const operations = (await import('../aws/codepipeline-operations')).codePipelineOperations;
    const names = Object.keys(operations(() => Promise.reject(new Error('not called'))));
    expect(names.length).toBeGreaterThan(20);
    const client = new codepipeline.CodePipelineClient({ endpoint: `${gateway.url}/aws`, region: 'us-east-1', credentials: accessKey, maxAttempts: 1 });
    const text = hostileString;
    const number = fc.constantFrom(0, -1, 1, 1001, 2 ** 31 - 1, 1.5);
    // Members of every operation's input; the SDK sends those of the operation's shape.
    const input = fc.record(
      {
        name: text,
        pipelineName: text,
        stageName: text,
        actionName: text,
        pipelineExecutionId: text,
        targetPipelineExecutionId: text,
        token: text,
        reason: text,
        transitionType: fc.constantFrom('Inbound', 'Outbound', 'x'),
        retryMode: fc.constantFrom('FAILED_ACTIONS', 'ALL_ACTIONS', 'x'),
        abandon: fc.boolean(),
        maxResults: number,
        maxBatchSize: number,
        nextToken: text,
        jobId: text,
        nonce: text,
        clientToken: text,
        clientRequestToken: text,
        resourceArn: text,
        tagKeys: fc.array(text, { maxLength: 3 }),
        tags: fc.array(fc.record({ key: text, value: text }), { maxLength: 2 }),
        result: fc.record({ summary: text, status: fc.constantFrom('Approved', 'Rejected', 'x') }),
        actionTypeId: fc.record({ category: fc.constantFrom('Source', 'Build', 'Deploy', 'x'), owner: fc.constantFrom('AWS', 'Custom', 'x'), provider: text, version: text }),
        failureDetails: fc.record({ type: fc.constantFrom('JobFailed', 'x'), message: text }),
        category: fc.constantFrom('Build', 'x'),
        provider: text,
        version: text,
        inputArtifactDetails: fc.record({ minimumCount: number, maximumCount: number }),
        outputArtifactDetails: fc.record({ minimumCount: number, maximumCount: number }),
        pipeline: fc.record({ name: text, roleArn: text, stages: fc.array(fc.record({ name: text, actions: fc.constant([]) }), { maxLength: 2 }) }, { requiredKeys: [] }),
        variables: fc.array(fc.record({ name: text, value: text }), { maxLength: 2 }),
        filter: fc.record({ succeededInStage: fc.record({ stageName: text }) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    const runs = Math.ceil(AWS_CALLS / names.length);
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    let calls = 0;
    for (const [index, name] of names.entries()) {
      const Command = (codepipeline as unknown as Record<string, new (input: unknown) => Parameters<typeof client.send>[0]>)[`${name}Command`];
      expect([name, typeof Command]).toEqual([name, 'function']);
      const property = fc.asyncProperty(input, async (members) => {
        calls += 1;
        const t0 = performance.now();
        let status: number | undefined;
        let what = 'ok';
        try {
          const answer = (await client.send(new Command!(members))) as { $metadata?: { httpStatusCode?: number } };
          status = answer.$metadata?.httpStatusCode;
        } catch (error) {
          const failed = error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string };
          status = failed.$metadata?.httpStatusCode;
          what = `${failed.name}: ${failed.message}`.slice(0, 200);
          if (status === undefined) throw new Error(`${name}: no HTTP answer: ${what}`);
        }
        const ms = performance.now() - t0;
        statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
        if (status! >= 500 || ms > SLOW_MS) throw new Error(`${CODEPIPELINE_TARGET_PREFIX}${name}: HTTP ${status} in ${ms.toFixed(0)} ms: ${what}`);
      });
      try {
        await fc.assert(property, { numRuns: runs, seed: SEED + 1000 + index, endOnFailure: true });
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message.split('\n').slice(0, 6).join(' | ') : String(error)}`);
      }
    }
    console.log(`aws fuzz: ${calls} calls over ${names.length} operations (seed ${SEED}); HTTP ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}; ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 120_000);
});
