import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as sdk from '@aws-sdk/client-codepipeline';
import fc from 'fast-check';
import { loadCodePipelineModel } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// Issue 19: a property-based fuzz of every operation of CodePipeline's model, through the real AWS SDK (its signing,
// its headers, its error parsing) with the body replaced by a generated one after serialization and before signing:
// members named as the model names them, with values of every JSON kind. No input may answer a 5xx or take more than
// 1 s. Bounded: RUNS inputs per operation, a seed printed so a failure can be replayed (FUZZ_SEED=…).
const RUNS = 12;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const SLOW_MS = 1_000;
jest.setTimeout(300_000);

const model = loadCodePipelineModel();
const dataDir = mkdtempSync(join(tmpdir(), 'sluice-aws-fuzz-'));
let platform: PlatformProcess;
let client: sdk.CodePipelineClient;
/** The body the next request carries instead of the one the SDK serialized. */
let nextBody = '{}';

/** Each input shape's member names, read from the model's declarations (`export interface GetPipelineInput { name: …; version?: … }`). */
function inputMembers(): Map<string, string[]> {
  const text = readFileSync(join(dirname(require.resolve('@aws-sdk/client-codepipeline/package.json')), 'dist-types/models/models_0.d.ts'), 'utf8');
  const members = new Map<string, string[]>();
  for (const match of text.matchAll(/export interface (\w+)Input \{([\s\S]*?)\n\}/g)) {
    const names = [...match[2]!.matchAll(/^\s{4}(\w+)\??:/gm)].map((m) => m[1]!);
    members.set(match[1]!, names);
  }
  return members;
}

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ minLength: 90, maxLength: 300 }),
  fc.constantFrom('', 'existing', 'arn:aws:codepipeline:us-east-1:000000000000:existing', '../../etc/passwd', '#{secrets.x}', '\u0000', 'x'.repeat(2_000)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) });

/** An input of `operation`: some of its members (and now and then one it does not have), each with any JSON value. */
function inputOf(members: string[]): fc.Arbitrary<Record<string, unknown>> {
  const keys = members.length > 0 ? fc.constantFrom(...members, 'unknownMember') : fc.constant('unknownMember');
  return fc.oneof(fc.dictionary(keys, value, { maxKeys: members.length + 1 }), fc.constant({}));
}

beforeAll(async () => {
  // Rate limits off: every generated call must reach the operation, not the limiter.
  platform = await startPlatformProcess(dataDir, { SLUICE_RATE_LIMIT_PER_PRINCIPAL: '0', SLUICE_RATE_LIMIT_PER_ADDRESS: '0' });
  const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  client = new sdk.CodePipelineClient({
    endpoint: `${platform.url}/aws`,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! },
  });
  // After the SDK serialized its (empty) input, before it signs: the generated body goes out, signed.
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body?: unknown; headers: Record<string, string> };
      request.body = nextBody;
      request.headers['content-length'] = String(Buffer.byteLength(nextBody));
      return next(args);
    },
    { step: 'build', name: 'fuzzBody' },
  );
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One call with `body`: its HTTP status (200 when it answered) and how long it took. */
async function call(operation: string, body: Record<string, unknown>): Promise<{ status: number; ms: number; error?: string }> {
  const Command = (sdk as unknown as Record<string, new (input: object) => sdk.CodePipelineClient extends { send(c: infer C): unknown } ? C : never>)[`${operation}Command`]!;
  nextBody = JSON.stringify(body);
  const started = performance.now();
  try {
    await client.send(new Command({}) as never);
    return { status: 200, ms: performance.now() - started };
  } catch (error) {
    const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return { status: failure.$metadata?.httpStatusCode ?? 0, ms: performance.now() - started, error: failure.name ?? String(error) };
  }
}

describe('/aws under generated input', () => {
  const members = inputMembers();

  it(`answers every operation's generated inputs without a 5xx, each within ${SLOW_MS} ms (seed ${SEED})`, async () => {
    expect(model.operations).toHaveLength(44);
    const statuses = new Map<number, number>();
    let calls = 0;
    let slowest = 0;
    for (const operation of model.operations) {
      await fc.assert(
        fc.asyncProperty(inputOf(members.get(operation) ?? []), async (input) => {
          let answer = await call(operation, input);
          // One slow answer may be the machine (GC, a parallel suite): the same input again must be fast.
          if (answer.ms > SLOW_MS) answer = await call(operation, input);
          calls += 1;
          slowest = Math.max(slowest, answer.ms);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 0 || answer.status >= 500) throw new Error(`${operation} answered ${answer.status} (${answer.error}) to ${JSON.stringify(input).slice(0, 300)}`);
          if (answer.ms > SLOW_MS) throw new Error(`${operation} took ${answer.ms.toFixed(0)} ms twice for ${JSON.stringify(input).slice(0, 300)}`);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
    console.log(`aws fuzz: ${calls} calls over ${model.operations.length} operations (seed ${SEED}), statuses ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${slowest.toFixed(0)} ms`);
    // The fuzz reached the operations: most inputs are refused as the caller's mistake (400), some are served.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(calls / 4);
  });
});
