import { DurableProjectionRunner, LiveProjection, openReadModelDatabase, type EventStore, type LiveProjectionOptions, type OpenedReadModelDatabase } from '@sluice/eventing';
import type { AccessKeyReadModel } from './access-key-read-model';
import { AuditReadModel } from './audit-read-model';
import type { IdentityReadModel } from './identity-read-model';
import { PermissionsReadModels } from './permissions-read-models';

/**
 * Feeds the service's read models from the store. Identities and access keys are in memory, rebuilt by replaying
 * their events at start (decision 0007); the audit trails — the model that grows with every API call — are a durable
 * read model in the store's database, resumed after its checkpoint at start (docs/decisions/0048). The folds are the
 * ones `npm run rebuild-projections` rebuilds (docs/decisions/0022).
 */
export class PermissionsProjection extends LiveProjection<PermissionsReadModels> {
  private readModels: OpenedReadModelDatabase | undefined;
  private auditModel: AuditReadModel | undefined;
  private auditRunner: DurableProjectionRunner | undefined;

  constructor(
    private readonly eventStore: EventStore,
    private readonly projectionOptions: LiveProjectionOptions = {},
  ) {
    super(eventStore, new PermissionsReadModels(), projectionOptions);
  }

  /** The in-memory models caught up, and the audit trails caught up from their checkpoint. */
  override async start(): Promise<void> {
    // The store's own database; for EventStoreDB, an in-memory one (the same tables, rebuilt at each start).
    this.readModels = await openReadModelDatabase(this.eventStore);
    this.auditModel = new AuditReadModel(this.readModels.database);
    this.auditRunner = new DurableProjectionRunner(this.eventStore, this.readModels.database, this.auditModel, {
      waitTimeoutMs: this.projectionOptions.waitTimeoutMs,
      onError: this.projectionOptions.onError,
    });
    await Promise.all([super.start(), this.auditRunner.start()]);
  }

  /** Rebuilds the in-memory models by replay; the audit trails resume after their checkpoint (rebuilt by the command). */
  override async rebuild(): Promise<void> {
    await this.auditRunner?.stop();
    await this.readModels?.close();
    await super.rebuild();
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), this.auditRunner?.stop()]);
    await this.readModels?.close();
  }

  get identities(): IdentityReadModel {
    return this.models.identities;
  }

  get audit(): AuditReadModel {
    if (!this.auditModel) throw new Error('The permissions projection is not started');
    return this.auditModel;
  }

  /** The audit trails' runner: its checkpoint, and the events it read since start. */
  get auditProjection(): DurableProjectionRunner {
    if (!this.auditRunner) throw new Error('The permissions projection is not started');
    return this.auditRunner;
  }

  get accessKeys(): AccessKeyReadModel {
    return this.models.accessKeys;
  }
}
