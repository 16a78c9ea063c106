import { jobWorkerPolicy } from '@sluice/authz';
/**
 * What a worker process is given to work with (issue 15): a token of its own that may only take and report
 * jobs of its account, and an environment of its own — never the admin's token, the event store's or Kafka's
 * addresses, the internal secret, or whatever else the operator's shell holds.
 */
export const WORKER_USER = 'sluice-worker';

/**
 * The action types the platform's own workers serve: the built-in ones (owners `Sluice` and `AWS`), never a
 * custom type's jobs, which belong to the account's own workers (`actiontype/Custom/…`).
 */
export const BUILT_IN_ACTION_TYPES = ['Sluice/*', 'AWS/*'];

/** Names of the operator's environment a worker may see: its own settings, the basics of a process, where its traces go (OTEL_*). */
const WORKER_ENVIRONMENT = /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|TMPDIR|NODE_OPTIONS|OTEL_[A-Z_]+|SLUICE_(WORKER_|SANDBOX|JOB_|DEPLOY_ROOTS|HTTP_ALLOWED_HOSTS|GIT_|LOG_|ARTIFACTS$)[A-Z_]*)$/;

export function workerEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && WORKER_ENVIRONMENT.test(entry[0])));
}

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<{ data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> }>;

/**
 * The workers' user in `account`, with only the job-worker actions, and a fresh token for this start,
 * made through the gateway as its admin. A user or policy kept from an earlier start is reused.
 */
export async function workerToken(gatewayUrl: string, adminToken: string, account = 'default'): Promise<string> {
  const gql: Gql = async (query, variables = {}) => {
    const res = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    return (await res.json()) as Awaited<ReturnType<Gql>>;
  };
  const tolerate = async (what: string, answer: Awaited<ReturnType<Gql>>, alreadyCodes: string[]) => {
    const errors = answer.errors ?? [];
    if (errors.length > 0 && !errors.every((error) => alreadyCodes.includes(error.extensions?.code ?? ''))) throw new Error(`${what}: ${errors.map((error) => error.message).join('; ')}`);
  };
  await tolerate('createUser', await gql('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: WORKER_USER }), ['CONFLICT']);
  const { document } = jobWorkerPolicy(account, BUILT_IN_ACTION_TYPES);
  // Attached afresh at every start, so a worker user kept from an older Sluice gets today's policy, not its old one.
  const attach = () => gql('mutation($u: String!, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, policyName: "job-worker", document: $d) { name } }', { u: WORKER_USER, d: document });
  const attached = await attach();
  if (attached.errors?.some((error) => error.extensions?.code === 'CONFLICT')) {
    await tolerate('detachPolicy', await gql('mutation($u: String!) { detachPolicy(targetType: USER, targetName: $u, policyName: "job-worker") { name } }', { u: WORKER_USER }), ['NOT_FOUND']);
    await tolerate('attachPolicy', await attach(), []);
  } else await tolerate('attachPolicy', attached, []);
  const created = await gql('mutation($u: String!) { createToken(principalId: $u, description: "workers of npm run start:distributed") { token } }', { u: WORKER_USER });
  const token = (created.data as { createToken?: { token?: string } } | undefined)?.createToken?.token;
  if (!token) throw new Error(`createToken for ${WORKER_USER}: ${(created.errors ?? []).map((error) => error.message).join('; ') || 'no token'}`);
  return token;
}
