import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GraphQLError } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Principal } from '@sluice/authz';
import type { CallOrigin } from '../auth/audit-recorder';
import { originOf } from '../auth/gateway-auth';
import type { Admission } from './admission';
import { complexityRefusal, GRAPHQL_LIMIT_VARIABLES, queryBytesRefusal, type GraphQLLimitName } from './operation-complexity';

/** Who sent the request of a GraphQL context, once authenticated (GatewayAuth.requestOf). */
export type CallerOfRequest = (req: IncomingMessage | undefined) => { origin: CallOrigin; auth: { principal: Principal } } | undefined;

/**
 * The yoga plugin that measures every operation against the GraphQL limits: the query's size before it is parsed,
 * its depth, aliases, root fields and cost before it is validated (graphql-js's validation of 20,000 aliases alone
 * takes the process for seconds). Runs before the authorization plugin: a refused operation is one 400, counted
 * once (Admission), and nothing of it is planned, sent to a subgraph or recorded per field.
 */
export function limitsPlugin(admission: Admission, callerOf: CallerOfRequest): GatewayPlugin {
  const limits = admission.limits.graphql;
  const refuse = (context: unknown, refusal: GraphQLError): never => {
    const req = (context as { req?: IncomingMessage } | undefined)?.req;
    const caller = callerOf(req);
    const origin = caller?.origin ?? (req ? originOf(req) : { sourceIp: null, userAgent: null, requestId: randomUUID(), time: new Date() });
    const limit = refusal.extensions.limit as GraphQLLimitName;
    admission.refuse({ code: 'QUERY_TOO_COMPLEX', surface: '/graphql', reason: `over ${GRAPHQL_LIMIT_VARIABLES[limit]}`, message: refusal.message }, origin, caller?.auth.principal);
    throw refusal;
  };
  return {
    onParams: ({ params, context }) => {
      const refusal = queryBytesRefusal(params.query ?? '', limits);
      if (refusal) refuse(context, refusal);
    },
    onValidate: ({ params, context }) => {
      const variables = (context as { params?: { variables?: Record<string, unknown> | null } }).params?.variables;
      const refusal = complexityRefusal(params.documentAST, limits, { schema: params.schema, variables });
      if (refusal) refuse(context, refusal);
    },
  };
}
