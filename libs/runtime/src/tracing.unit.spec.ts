import { context, trace } from '@opentelemetry/api';
import { contextOfTraceparent, currentTraceparent, inSpan, startTracing } from './tracing';
import { ConfigError } from './runtime-config';

describe('startTracing', () => {
  afterEach(() => {
    trace.disable();
    context.disable();
  });

  it('registers nothing without an OTLP endpoint: spans are no-ops and no trace context is written anywhere', async () => {
    const tracing = startTracing('executions', {});
    expect(tracing.enabled).toBe(false);
    const inside = await inSpan('engine step', async (span) => ({ recording: span.isRecording(), traceparent: currentTraceparent() }));
    expect(inside).toEqual({ recording: false, traceparent: undefined });
  });

  it('with an endpoint, makes spans whose trace context children continue', async () => {
    const tracing = startTracing('executions', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(tracing.enabled).toBe(true);
    const parent = await inSpan('gateway graphql StartExecution', async (span) => ({ recording: span.isRecording(), traceparent: currentTraceparent(), ids: span.spanContext() }));
    expect(parent.recording).toBe(true);
    expect(parent.traceparent).toBe(`00-${parent.ids.traceId}-${parent.ids.spanId}-01`);
    // A job's or an event's traceparent continues the trace in another process.
    const child = await inSpan('job Build/Sluice/Commands/1', async (span) => span.spanContext(), { parent: contextOfTraceparent(parent.traceparent) });
    expect(child.traceId).toBe(parent.ids.traceId);
    expect(child.spanId).not.toBe(parent.ids.spanId);
    await expect(inSpan('failing', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await tracing.shutdown();
  });

  it('refuses an OTLP protocol it does not speak, naming the variable', () => {
    const start = () => startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' is not supported/);
  });
});
