import { PositionWaiters, type EventStore, type RecordedEvent, type Subscription } from '@sluice/eventing';
import type { AccessKeyReadModel } from './access-key-read-model';
import type { AuditReadModel } from './audit-read-model';
import type { IdentityReadModel } from './identity-read-model';
import { PermissionsReadModels } from './permissions-read-models';

/**
 * Feeds the identity and audit read models from the store: in memory, rebuilt by replaying every
 * identity and audit event at start (like the pipelines service, decision 0007).
 */
export class PermissionsProjection {
  /** The folds, the same class `npm run rebuild-projections` rebuilds into (docs/decisions/0022). */
  readonly models = new PermissionsReadModels();
  private subscription: Subscription | undefined;
  private readonly positions: PositionWaiters;

  constructor(
    private readonly store: EventStore,
    private readonly options: { waitTimeoutMs?: number; onError?: (error: Error) => void } = {},
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
  }

  /** Subscribes from the first event; resolves once every event stored so far is folded in. */
  async start(): Promise<void> {
    const subscription = this.store.subscribeToAll((event) => this.apply(event), {
      fromPosition: 'start',
      streamPrefixes: this.models.streamPrefixes,
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    await subscription.caughtUp;
  }

  /** Drops the read models and builds them again by replaying the store. */
  async rebuild(): Promise<void> {
    await this.subscription?.stop();
    this.models.reset();
    this.positions.reset();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    this.positions.stop();
  }

  /** Resolves once the event at `position` is folded in: a read after a write then sees the write. */
  waitForPosition(position: bigint): Promise<void> {
    return this.positions.waitFor(position);
  }

  get identities(): IdentityReadModel {
    return this.models.identities;
  }

  get audit(): AuditReadModel {
    return this.models.audit;
  }

  get accessKeys(): AccessKeyReadModel {
    return this.models.accessKeys;
  }

  /** The position of the last event folded in. */
  get processedPosition(): bigint | undefined {
    return this.models.checkpoint();
  }

  private apply(event: RecordedEvent): void {
    this.models.apply(event);
    this.positions.reached(event.position);
  }

  private fail(error: Error): void {
    this.positions.fail(error);
    this.options.onError?.(error);
  }
}
