import { GraphQLError } from 'graphql';
import { authorize, authorizeEveryPipeline, resourceForAction, type Principal, type RequestContext } from '@sluice/authz';
import { ACCOUNT_HEADER, ACTOR_HEADER } from '../caller-headers';
import { fetchFirstConnected, type InstanceUrls } from '../subgraph-instances';
import { internalSecretHeaders } from './internal-secret-headers';

/** Kept well under Node's 16 KiB of request headers: about 160 names of the longest kind. */
export const MAX_READABLE_PIPELINES_HEADER = 8_000;

/**
 * The value of READABLE_PIPELINES_HEADER for `principal` (decision 0054): `*` when `action` is allowed on every pipeline
 * of its account (the common case: one policy decision, no list asked), else the names of the account's pipelines it
 * is allowed on, each decided by the one authorization path, comma-separated. Allowed on none, or on a list too long
 * for a header, the call is refused, saying what to grant instead.
 */
export async function readablePipelinesHeader(principal: Principal, action: string, context: RequestContext, pipelineNames: (account: string) => Promise<string[]>): Promise<string> {
  const { account } = principal;
  if (authorizeEveryPipeline(principal, action, account).allowed) return '*';
  const readable = (await pipelineNames(account)).filter((pipeline) => authorize({ principal, action, resource: resourceForAction(action, { account, pipeline }), context }).allowed);
  // Allowed on no pipeline: refused as any read of a pipeline it may not read is, not answered with an empty graph
  // (an empty answer would say "this account has no pipeline", which is not what the principal's policies allow it to learn).
  if (readable.length === 0) {
    throw new GraphQLError(`Forbidden: pipelineGraph needs ${action} on at least one pipeline of account ${account}`, { extensions: { code: 'FORBIDDEN', action } });
  }
  const value = readable.join(',');
  if (value.length > MAX_READABLE_PIPELINES_HEADER) {
    throw new GraphQLError(
      `Forbidden: pipelineGraph: the principal may read ${readable.length} pipelines one by one, more than one graph answers for; ` +
        `allow ${action} on srn:sluice:${account}:* to see the whole account`,
      { extensions: { code: 'FORBIDDEN', action } },
    );
  }
  return value;
}

const NAMES = 'query Names($after: String) { listPipelines(first: 100, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }';

/** The names of an account's pipelines, asked of the pipelines subgraph on its own URL with the internal secret, as the gateway. */
export function pipelinesSubgraphNames(pipelinesGraphqlUrl: InstanceUrls, internalSecret: string): (account: string) => Promise<string[]> {
  return async (account) => {
    const names: string[] = [];
    let after: string | null = null;
    do {
      const response = await fetchFirstConnected(pipelinesGraphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...internalSecretHeaders(internalSecret), [ACCOUNT_HEADER]: account, [ACTOR_HEADER]: 'gateway' },
        body: JSON.stringify({ query: NAMES, variables: { after } }),
        signal: AbortSignal.timeout(5_000),
      });
      const answer = (await response.json()) as {
        data?: { listPipelines: { edges: Array<{ node: { name: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null;
        errors?: Array<{ message: string }>;
      };
      if (!answer.data) throw new Error(`the pipelines service did not list the pipelines: ${answer.errors?.map((e) => e.message).join('; ') ?? response.status}`);
      names.push(...answer.data.listPipelines.edges.map(({ node }) => node.name));
      after = answer.data.listPipelines.pageInfo.hasNextPage ? answer.data.listPipelines.pageInfo.endCursor : null;
    } while (after !== null);
    return names;
  };
}
