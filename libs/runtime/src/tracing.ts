import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ConfigError, type Env } from './runtime-config';

/** What a process started for its traces: flushed and shut down last, when the process stops. */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };

/**
 * OpenTelemetry traces of this process, exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set — the exporter reads the standard variables itself (headers, timeout,
 * `OTEL_BSP_SCHEDULE_DELAY`…); a protocol other than `http/json` is a `ConfigError` naming the variable. Unset: nothing is registered, every span is the API's no-op one, and no trace context is
 * written into events, jobs or messages. The W3C trace-context propagator and an AsyncLocalStorage context manager
 * are registered globally, so a span started in a request is the parent of what that request does.
 */
export function startTracing(service: string, env: Env = process.env): Tracing {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()) return OFF;
  // The exporter speaks OTLP/HTTP with JSON only: a collector expecting protobuf or gRPC would get nothing it reads.
  const problems = (['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const)
    .filter((variable) => env[variable]?.trim() && env[variable]!.trim().toLowerCase() !== 'http/json')
    .map((variable) => ({ variable, reason: `'${env[variable]}' is not supported: Sluice exports traces over OTLP/HTTP as JSON (http/json)` }));
  if (problems.length > 0) throw new ConfigError(problems);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown().catch(() => undefined);
    },
  };
}

/** The tracer of Sluice's own spans (a no-op one while tracing is off). */
export const sluiceTracer = () => trace.getTracer('sluice');

/** The W3C `traceparent` of the active span (or of `ctx`), when there is a sampled span to continue; else undefined. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` (from a header, an event's metadata, a job) continues; the root context without one. */
export function contextOfTraceparent(traceparent: string | undefined | null): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/**
 * Runs `work` inside a new span (child of `parent`, default the active context) and ends it when `work` settles, with
 * an error status and the exception when it throws.
 */
export async function inSpan<T>(name: string, work: (span: Span) => Promise<T>, options: { parent?: Context; kind?: SpanKind; attributes?: Record<string, string | number | boolean> } = {}): Promise<T> {
  return sluiceTracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
