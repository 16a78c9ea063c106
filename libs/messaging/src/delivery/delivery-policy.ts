import type { SubscribeOptions } from '../bus';

export interface DeliveryPolicy {
  maxAttempts: number;
  retryBackoffMs: number;
  fromBeginning: boolean;
  stopGraceMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 5,
  retryBackoffMs: 100,
  fromBeginning: true,
  stopGraceMs: 5000,
};

export function deliveryPolicy(options: SubscribeOptions = {}): DeliveryPolicy {
  const policy = { ...DEFAULT_DELIVERY_POLICY };
  for (const key of Object.keys(policy) as Array<keyof DeliveryPolicy>) {
    const value = options[key];
    if (value !== undefined) (policy as Record<string, unknown>)[key] = value;
  }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1, got ${options.maxAttempts}`);
  }
  if (!(policy.retryBackoffMs >= 0)) throw new RangeError(`retryBackoffMs must be >= 0, got ${options.retryBackoffMs}`);
  if (!(policy.stopGraceMs >= 0)) throw new RangeError(`stopGraceMs must be >= 0, got ${options.stopGraceMs}`);
  return policy;
}
