import { randomUUID } from 'node:crypto';
import { context, trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { eventMetadataOf, openEmbeddedEventStore, type EmbeddedEventStore } from '@sluice/eventing';
import type { Bus, DeliveredMessage } from '../bus';
import { eventually } from '../contract/eventually';
import { createKafkaBus } from '../kafka/kafka-bus';
import { testKafkaBrokers, testKafkaBusOptions } from '../kafka/test-kafka';
import { startEventRelay, type EventRelay } from './event-relay';

// Decision 0050: the W3C trace context crosses Kafka in the message headers. An event appended inside a span is relayed
// with that span's `traceparent`; the consumer's handler runs inside a `consume <topic>` span, its child.

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = () => trace.getTracer('test');

interface Seen {
  message: DeliveredMessage;
  active: SpanContext | undefined;
}

describe('trace context through Kafka', () => {
  let store: EmbeddedEventStore;
  let bus: Bus;
  let relay: EventRelay | undefined;

  beforeAll(async () => {
    provider.register();
    store = await openEmbeddedEventStore({ dataDir: 'memory' });
    bus = createKafkaBus(testKafkaBusOptions(testKafkaBrokers(), 'trace-context'));
  });

  afterAll(async () => {
    await relay?.stop();
    await bus?.close();
    await store?.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  const consume = async (topic: string): Promise<Seen[]> => {
    const seen: Seen[] = [];
    await bus.subscribe(topic, `trace-${randomUUID().slice(0, 8)}`, (message) => void seen.push({ message, active: trace.getActiveSpan()?.spanContext() }));
    return seen;
  };

  it('relays an event with the traceparent it was appended in; the consumer’s span is the appender’s child', async () => {
    const run = randomUUID().slice(0, 8);
    const topic = `trace-relay-${run}`;
    const seen = await consume(topic);
    relay = await startEventRelay({ store, bus, topicFor: () => topic, streamPrefixes: [`execution-${run}`], checkpoints: store.checkpoints, subscriberId: `relay-${run}` });

    // A command's events appended inside a span (a request's, an engine step's): their metadata names it.
    const appender = await tracer().startActiveSpan('append', async (span) => {
      const metadata = eventMetadataOf({ correlationId: 'c-1', actor: 'alice', account: 'acme', now: new Date().toISOString() });
      await store.append(`execution-${run}`, [{ type: 'PipelineExecutionStarted', data: {}, metadata }]);
      span.end();
      return span.spanContext();
    });
    // An event appended outside any span carries none, and is consumed without a span of its own.
    await store.append(`execution-${run}`, [{ type: 'PipelineExecutionSucceeded', data: {}, metadata: eventMetadataOf({ correlationId: 'c-1', actor: 'alice', account: 'acme', now: new Date().toISOString() }) }]);
    await eventually(
      () => seen.length >= 2,
      () => `consumed ${seen.length} of 2`,
      60_000,
    );

    const [traced, untraced] = seen;
    expect(traced!.message.headers.traceparent).toBe(`00-${appender.traceId}-${appender.spanId}-01`);
    expect(untraced!.message.headers.traceparent).toBeUndefined();
    expect(untraced!.active).toBeUndefined();
    const consumeSpans = exporter.getFinishedSpans().filter((span) => span.name === `consume ${topic}`);
    expect(consumeSpans).toHaveLength(1);
    const [consumer] = consumeSpans;
    expect(consumer!.spanContext().traceId).toBe(appender.traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(appender.spanId);
    expect(consumer!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.kafka.message.key': `execution-${run}` });
    // The handler ran inside the consumer span: what it appends or calls continues the trace.
    expect(traced!.active).toMatchObject({ traceId: appender.traceId, spanId: consumer!.spanContext().spanId });
  });

  it('adds the active span’s trace context to what is published inside it, and keeps a traceparent the publisher set', async () => {
    const topic = `trace-publish-${randomUUID().slice(0, 8)}`;
    const seen = await consume(topic);
    const publisher = await tracer().startActiveSpan('publish', async (span) => {
      await bus.publish(topic, 'k', { n: 1 });
      span.end();
      return span.spanContext();
    });
    const given = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    await tracer().startActiveSpan('other', async (span) => {
      await bus.publish(topic, 'k', { n: 2 }, { traceparent: given });
      span.end();
    });
    await eventually(
      () => seen.length >= 2,
      () => `consumed ${seen.length} of 2`,
      60_000,
    );
    expect(seen.map(({ message }) => message.headers.traceparent)).toEqual([`00-${publisher.traceId}-${publisher.spanId}-01`, given]);
    expect(seen.map(({ active }) => active?.traceId)).toEqual([publisher.traceId, 'a'.repeat(32)]);
  });
});
