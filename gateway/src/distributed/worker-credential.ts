/**
 * What a worker process is given to work with (issue 15): a token of its own that may only take and report
 * jobs of its account, and an environment of its own — never the admin's token, the event store's or Kafka's
 * addresses, the internal secret, or whatever else the operator's shell holds.
 */
export const WORKER_USER = 'sluice-worker';

/** The job-worker protocol's actions, on the account's queue (libs/authz action catalogue). */
export const JOB_WORKER_ACTIONS = ['sluice:PollForJobs', 'sluice:AcknowledgeJob', 'sluice:GetJobDetails', 'sluice:PutJobSuccessResult', 'sluice:PutJobFailureResult'];

/** Names of the operator's environment a worker may see: its own settings and the basics of a process. */
const WORKER_ENVIRONMENT = /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|TMPDIR|NODE_OPTIONS|SLUICE_(WORKER_|SANDBOX|JOB_|DEPLOY_ROOTS|HTTP_ALLOWED_HOSTS|GIT_|LOG_|ARTIFACTS$)[A-Z_]*)$/;

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
  const document = { Version: '2012-10-17', Statement: [{ Sid: 'TakeAndReportJobs', Effect: 'Allow', Action: JOB_WORKER_ACTIONS, Resource: `srn:sluice:${account}:` }] };
  await tolerate(
    'attachPolicy',
    await gql('mutation($u: String!, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, policyName: "job-worker", document: $d) { name } }', { u: WORKER_USER, d: document }),
    ['CONFLICT'],
  );
  const created = await gql('mutation($u: String!) { createToken(principalId: $u, description: "workers of npm run start:distributed") { token } }', { u: WORKER_USER });
  const token = (created.data as { createToken?: { token?: string } } | undefined)?.createToken?.token;
  if (!token) throw new Error(`createToken for ${WORKER_USER}: ${(created.errors ?? []).map((error) => error.message).join('; ') || 'no token'}`);
  return token;
}
