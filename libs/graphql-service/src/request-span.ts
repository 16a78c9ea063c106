import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * A subgraph's `/graphql` request as a server span, the child of the gateway's (its `traceparent` header), active while
 * Nest handles the request: the events a resolver's command appends carry its trace context (`eventMetadataOf`). Ends
 * when the response does. The OpenTelemetry API's no-op tracer while tracing is off.
 */
export function traceSubgraphRequest(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const parent = propagation.extract(context.active(), { traceparent: header(req.headers.traceparent), tracestate: header(req.headers.tracestate) });
  const span = trace.getTracer('sluice').startSpan(`subgraph ${req.method ?? 'GET'} /graphql`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': '/graphql' } }, parent);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  context.with(trace.setSpan(parent, span), next);
}
