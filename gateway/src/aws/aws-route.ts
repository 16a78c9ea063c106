import type { IncomingMessage } from 'node:http';
import type { GatewayAuth } from '../auth/gateway-auth';
import type { SubgraphEndpoint } from '../subgraph-config';
import { awsEndpoint, type AccessKeyResolver } from './aws-endpoint';
import { codePipelineOperations } from './codepipeline-operations';
import type { ForwardedIdentities } from './forwarded-identities';
import { gatewayGraphql } from './gateway-graphql';
import { permissionsAccessKeys } from './permissions-access-keys';

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
  const graphql = gatewayGraphql({ admitHttp: (req, res) => options.auth.admitHttp(req, res), fetch: (url, init, context) => fetch(url, init, context) }, options.identities);
  return awsEndpoint({
    accessKeys: options.accessKeys,
    operations: codePipelineOperations(graphql),
    recordRefusal: (reason, origin) => options.auth.recorder.recordRefusedAuthentication(reason, origin),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    log: options.log,
  });
}

/** `/aws` of a gateway process (main.ts): access keys looked up on the `permissions` subgraph; none without one. */
export function awsApiFrom(subgraphs: readonly SubgraphEndpoint[]): AwsApiOptions | undefined {
  const permissions = subgraphs.find((subgraph) => subgraph.name === 'permissions');
  return permissions ? { accessKeys: permissionsAccessKeys(permissions.url) } : undefined;
}
