import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DeliveredMessage, Headers, MessageHandler } from '../bus';

/** The W3C trace-context headers a message carries (the names of the HTTP headers, as OpenTelemetry's Kafka conventions use). */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/**
 * `headers` with the active span's trace context added (`traceparent`, `tracestate`) unless they name one already:
 * what a publisher sends, so the consumer's span continues the publisher's trace. Tracing off: `headers` as they are.
 */
export function withTraceContext(headers: Headers = {}): Headers {
  if (headers.traceparent !== undefined) return headers;
  const carrier: Headers = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent === undefined ? headers : { ...headers, ...carrier };
}

/**
 * The handler, run for a message that carries a trace context inside a consumer span (`consume <topic>`), the child of
 * the publisher's: what the handler appends or calls continues the trace. A message without one runs as it is.
 */
export function tracedHandler(handler: MessageHandler): MessageHandler {
  return (message: DeliveredMessage) => {
    if (message.headers.traceparent === undefined) return handler(message);
    const parent = propagation.extract(ROOT_CONTEXT, message.headers);
    return trace.getTracer('sluice').startActiveSpan(
      `consume ${message.topic}`,
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': message.topic, 'messaging.kafka.message.key': message.key, 'sluice.delivery.attempt': message.attempt } },
      parent,
      async (span) => {
        try {
          return await handler(message);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  };
}
