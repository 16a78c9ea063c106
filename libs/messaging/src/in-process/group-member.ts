import type { MessageHandler } from '../bus';
import type { DeliveryPolicy } from '../delivery/delivery-policy';
import { StopSignal } from '../delivery/stop-signal';

/** One subscribe call: a handler in a group, and the deliveries it has in hand. */
export class GroupMember {
  readonly stop = new StopSignal();
  private readonly inHand = new Set<Promise<unknown>>();

  constructor(
    readonly handler: MessageHandler,
    readonly policy: DeliveryPolicy,
  ) {}

  track<T>(delivery: Promise<T>): Promise<T> {
    this.inHand.add(delivery);
    const forget = (): void => {
      this.inHand.delete(delivery);
    };
    delivery.then(forget, forget);
    return delivery;
  }

  /** Resolves once no delivery to this member is in hand (each finished or was abandoned). */
  async drained(): Promise<void> {
    while (this.inHand.size > 0) await Promise.allSettled([...this.inHand]);
  }
}
