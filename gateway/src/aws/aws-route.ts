import type { IncomingMessage } from 'node:http';
import type { GatewayAuth } from '../auth/gateway-auth';
import { stableReason } from '../auth/refusal-tally';
import { requestWeight } from '../limits/rate-limiter';
import { endpointUrls, PERMISSIONS_SUBGRAPH, type SubgraphEndpoint } from '../gateway-config';
import { awsEndpoint, type AccessKeyResolver } from './aws-endpoint';
import { codePipelineOperations } from './codepipeline-operations';
import type { ForwardedIdentities } from './forwarded-identities';
import { gatewayGraphql } from './gateway-graphql';
import { permissionsAccessKeys } from './permissions-access-keys';
import { webhookOperations } from './webhook-operations';

/** The `/aws` options of the gateway: where access keys are looked up. */
export interface AwsApiOptions {
  accessKeys: AccessKeyResolver;
  maxBodyBytes?: number;
}

/** What `fetch` of the Hive runtime is, as far as `/aws` uses it (the third argument is the server context). */
type RuntimeFetch = (url: string, init: RequestInit, context: { req: IncomingMessage }) => Promise<Response> | Response;

/** `/aws` composed on the gateway's own authentication gate, authorization plugin and runtime (decision 0024). */
export function awsRoute(options: AwsApiOptions & { auth: GatewayAuth; runtime: { fetch: unknown }; identities: ForwardedIdentities; log: (line: string) => void }) {
  const fetch = options.runtime.fetch as RuntimeFetch;
  // The call's rate was taken when it came in (admitPrincipal): its GraphQL operations are not counted again.
  const graphql = gatewayGraphql({ admitHttp: (req, res) => options.auth.admitHttp(req, res, { internal: true }), fetch: (url, init, context) => fetch(url, init, context) }, options.identities);
  const { admission } = options.auth;
  return awsEndpoint({
    accessKeys: options.accessKeys,
    operations: { ...codePipelineOperations(graphql), ...webhookOperations(graphql) },
    // Counted, not recorded one by one: one audit record per address, reason and minute (RefusalTally).
    recordRefusal: async (reason, origin) => admission.refuse({ code: 'UNAUTHENTICATED', surface: '/aws', reason: stableReason(reason), message: reason }, origin),
    admitPrincipal: (auth, origin, req) => admission.principal(auth.principal, origin, '/aws', requestWeight(req.headers)),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    log: options.log,
  });
}

/** `/aws` of a gateway process (main.ts): access keys looked up on the `permissions` subgraph; none without one. */
export function awsApiFrom(subgraphs: readonly SubgraphEndpoint[], internalSecret: string): AwsApiOptions | undefined {
  const permissions = subgraphs.find((subgraph) => subgraph.name === PERMISSIONS_SUBGRAPH);
  return permissions ? { accessKeys: permissionsAccessKeys(endpointUrls(permissions), { internalSecret }) } : undefined;
}
