import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { inSpan } from '@sluice/runtime';

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * A `/graphql` request as a server span: the child of the client's own `traceparent` when it sent one, else the root of
 * a trace. What the request does — the subgraph calls (their `traceparent` header, `traceHeaders`), the events the
 * services append, the engine steps and jobs that follow — is in that trace. A no-op while tracing is off.
 */
export function inRequestSpan(req: IncomingMessage, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
  const parent = propagation.extract(context.active(), { traceparent: header(req.headers.traceparent), tracestate: header(req.headers.tracestate) });
  return inSpan(
    `gateway ${req.method ?? 'GET'} /graphql`,
    async (span) => {
      await handle();
      span.setAttribute('http.response.status_code', res.statusCode);
    },
    { parent, kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': '/graphql' } },
  );
}

/** The request span named after the operation it carries (`gateway graphql StartExecution`), once Hive has parsed it. */
export function operationNamePlugin(): GatewayPlugin {
  return {
    onParams({ params }) {
      const span = trace.getActiveSpan();
      if (!span) return;
      const operation = params.operationName ?? /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(params.query ?? '')?.[1] ?? 'anonymous';
      span.updateName(`gateway graphql ${operation}`);
      span.setAttribute('graphql.operation.name', operation);
    },
  };
}

/** The trace context of the request being served, for the headers Hive sends each subgraph. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}
