import type { Consumer, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import type { BusSubscription, DeliveredMessage, Headers, MessageHandler } from '../bus';
import { deliverWithRetries, type DeliveryOutcome } from '../delivery/deliver-with-retries';
import type { DeliveryPolicy } from '../delivery/delivery-policy';
import { Backoff, type BackoffOptions } from '../delivery/backoff';
import { sleep, StopSignal } from '../delivery/stop-signal';
import { decodeValue } from '../message-value';
import { withTimeLimit } from '../time-limit';
import { headersFromKafka } from './kafka-headers';

export interface KafkaConsumerSettings {
  sessionTimeout: number;
  rebalanceTimeout: number;
  heartbeatInterval: number;
  maxWaitTimeInMs: number;
  partitionsConsumedConcurrently: number;
  /** How long subscribe waits for the member to join its group before it fails. */
  joinTimeoutMs: number;
  /** Waits before starting a consumer again that kafkajs gave up on (e.g. the broker went away). */
  restartBackoff: BackoffOptions;
}

export interface DeadLetterRequest {
  message: KafkaMessage;
  headers: Headers;
  partition: number;
  attempts: number;
  error: unknown;
}

/** Thrown out of eachMessage so kafkajs leaves the offset uncommitted: the group redelivers it. */
class MessageAbandoned extends Error {
  override readonly name = 'MessageAbandoned';
}

/**
 * One subscribe call: a kafkajs consumer in the group. Offsets are resolved (and auto-committed
 * by kafkajs) only when eachMessage returns, which it does only once the handler succeeded or
 * the message went to the DLQ.
 */
export class KafkaGroupMember implements BusSubscription {
  private readonly signal = new StopSignal();
  private readonly consumer: Consumer;
  private readonly restartDelays: Backoff;
  private started = false;
  private restarting: Promise<void> | undefined;
  private crashPending = false;
  private stopping: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly group: string,
    private readonly handler: MessageHandler,
    private readonly policy: DeliveryPolicy,
    private readonly settings: KafkaConsumerSettings,
    private readonly deadLetter: (request: DeadLetterRequest) => Promise<void>,
  ) {
    this.consumer = kafka.consumer({
      groupId: group,
      sessionTimeout: settings.sessionTimeout,
      rebalanceTimeout: settings.rebalanceTimeout,
      heartbeatInterval: settings.heartbeatInterval,
      maxWaitTimeInMs: settings.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async () => true },
    });
    this.restartDelays = new Backoff(settings.restartBackoff);
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, () => this.restartDelays.reset());
    // kafkajs restarts a consumer after a retriable crash only; losing the broker (e.g. "Failed to
    // find group coordinator") is not retriable for it, and would leave the subscription dead.
    this.consumer.on(events.CRASH, (event) => {
      if (!event.payload.restart && this.started) this.restartAfterCrash();
    });
  }

  /** Resolves once the member has joined its group (and, for a new group reading only new messages, fixed where it starts). */
  async start(): Promise<void> {
    const { events } = this.consumer;
    let removeListeners: Array<() => void> = [];
    const joined = new Promise<void>((resolve, reject) => {
      removeListeners = [
        this.consumer.on(events.GROUP_JOIN, () => resolve()),
        this.consumer.on(events.CRASH, (event) => {
          if (!event.payload.restart) reject(event.payload.error);
        }),
      ];
    });
    const firstFetch = new Promise<void>((resolve) => {
      const off = this.consumer.on(events.FETCH, () => {
        off();
        resolve();
      });
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [this.topic], fromBeginning: this.policy.fromBeginning });
      await this.run();
      await withTimeLimit(
        joined,
        this.settings.joinTimeoutMs,
        () => new Error(`Consumer of '${this.topic}' did not join group '${this.group}' within ${this.settings.joinTimeoutMs} ms`),
      );
      // A new group reading only new messages fixes its start offsets ("latest") on its first
      // fetch, not on joining: wait for it, or a message published right after subscribe is missed.
      // A member given no partition never fetches, hence the time limit.
      if (!this.policy.fromBeginning) {
        await withTimeLimit(firstFetch, this.settings.maxWaitTimeInMs * 3, () => new Error('no fetch')).catch(() => undefined);
      }
      this.started = true;
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      for (const remove of removeListeners) remove();
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.signal.request(this.policy.stopGraceMs);
      try {
        await this.restarting;
        await this.consumer.disconnect();
      } finally {
        this.signal.dispose();
      }
    })();
    return this.stopping;
  }

  private run(): Promise<void> {
    return this.consumer.run({
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
      eachMessage: (payload) => this.onMessage(payload),
    });
  }

  /**
   * Connects and runs the crashed consumer again after a wait, until it stays up: a try that
   * fails throws, or crashes again while running (which sets crashPending for the next round).
   */
  private restartAfterCrash(): void {
    this.crashPending = true;
    this.restarting ??= (async () => {
      while (this.crashPending && !this.signal.isRequested) {
        this.crashPending = false;
        if (!(await sleep(this.restartDelays.next(), this.signal.requested))) break;
        try {
          await this.consumer.connect();
          if (!this.signal.isRequested) await this.run();
        } catch {
          this.crashPending = true;
        }
      }
      this.restarting = undefined;
    })();
  }

  private async onMessage({ partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    if (this.signal.isRequested) throw new MessageAbandoned(`Consumer of '${this.topic}' is stopping`);
    const headers = headersFromKafka(message.headers);
    const delivered: Omit<DeliveredMessage, 'attempt'> = {
      topic: this.topic,
      key: message.key?.toString() ?? '',
      value: undefined,
      headers,
      partition,
      offset: message.offset,
    };
    let outcome: DeliveryOutcome;
    try {
      delivered.value = decodeValue(message.value?.toString() ?? 'null');
      outcome = await deliverWithRetries(this.handler, delivered, this.policy, this.signal, heartbeat);
    } catch (error) {
      if (error instanceof SyntaxError) outcome = { kind: 'failed', attempts: 0, error };
      else throw error; // e.g. a heartbeat that found the group rebalancing: redelivered after it
    }
    switch (outcome.kind) {
      case 'handled':
        return;
      case 'failed':
        await this.deadLetter({ message, headers, partition, attempts: outcome.attempts, error: outcome.error });
        return;
      case 'abandoned':
        throw new MessageAbandoned(`Consumer of '${this.topic}' stopped before offset ${message.offset} was handled`);
    }
  }
}
