import type { DeliveredMessage, MessageHandler } from '../bus';

/** A handler that records what it was given, for assertions. */
export class ReceivedMessages<TValue = unknown> {
  readonly messages: Array<DeliveredMessage<TValue>> = [];

  readonly handler: MessageHandler = (message) => {
    this.messages.push(message as DeliveredMessage<TValue>);
  };

  get values(): TValue[] {
    return this.messages.map((m) => m.value);
  }

  valuesOf(key: string): TValue[] {
    return this.messages.filter((m) => m.key === key).map((m) => m.value);
  }
}
