/** Which deliveries were already acted on, so a redelivery starts nothing twice. */
export interface DeliveryLog {
  /** True when this call claims the delivery; false when it was claimed before. */
  claim(deliveryKey: string): Promise<boolean>;
  /** Gives a claim back when acting on it failed, so the provider's redelivery is tried again. */
  release(deliveryKey: string): Promise<void>;
}

/** Remembers the most recent `capacity` deliveries (providers redeliver within hours, not forever). */
export class InMemoryDeliveryLog implements DeliveryLog {
  private readonly claimed = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  async claim(deliveryKey: string): Promise<boolean> {
    if (this.claimed.has(deliveryKey)) return false;
    this.claimed.add(deliveryKey);
    if (this.claimed.size > this.capacity) {
      const oldest = this.claimed.values().next();
      if (!oldest.done) this.claimed.delete(oldest.value);
    }
    return true;
  }

  async release(deliveryKey: string): Promise<void> {
    this.claimed.delete(deliveryKey);
  }
}
