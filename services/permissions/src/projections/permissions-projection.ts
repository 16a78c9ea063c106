import {
  DurableProjectionFollower,
  DurableProjectionRunner,
  LiveProjection,
  openReadModelDatabase,
  type DurableReadModelPosition,
  type EventStore,
  type LiveProjectionOptions,
  type OpenedReadModelDatabase,
} from '@sluice/eventing';
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
/**
 * Who folds the durable audit trails (docs/decisions/0061): `fold`, this process (the default, and the embedded
 * platform's); `follow`, another process (the permissions service's projection role): this one reads the tables
 * and their checkpoint, never writes them.
 */
export type AuditFolding = 'fold' | 'follow';

export interface PermissionsProjectionOptions extends LiveProjectionOptions {
  audit?: AuditFolding;
}

export class PermissionsProjection extends LiveProjection<PermissionsReadModels> {
  private readModels: OpenedReadModelDatabase | undefined;
  private auditModel: AuditReadModel | undefined;
  private auditRunner: DurableProjectionRunner | undefined;
  private auditFollower: DurableProjectionFollower | undefined;

  constructor(
    private readonly eventStore: EventStore,
    private readonly projectionOptions: PermissionsProjectionOptions = {},
  ) {
    super(eventStore, new PermissionsReadModels(), projectionOptions);
  }

  /** The in-memory models caught up, and the audit trails caught up from their checkpoint (or, followed, their checkpoint read). */
  override async start(): Promise<void> {
    // The store's own database; for EventStoreDB, an in-memory one (the same tables, rebuilt at each start).
    this.readModels = await openReadModelDatabase(this.eventStore);
    this.auditModel = new AuditReadModel(this.readModels.database);
    if (this.projectionOptions.audit === 'follow') {
      // In-memory tables would be this process's own, folded by nobody: following needs the store's database.
      if (!this.readModels.durable) throw new Error('The audit trails can be folded by another process only on a SQL store (postgres://…): its tables are where both processes meet.');
      this.auditFollower = new DurableProjectionFollower(this.readModels.database, this.auditModel, { waitTimeoutMs: this.projectionOptions.waitTimeoutMs });
      await Promise.all([super.start(), this.auditFollower.start()]);
      return;
    }
    this.auditRunner = new DurableProjectionRunner(this.eventStore, this.readModels.database, this.auditModel, {
      waitTimeoutMs: this.projectionOptions.waitTimeoutMs,
      onError: this.projectionOptions.onError,
    });
    await Promise.all([super.start(), this.auditRunner.start()]);
  }

  /** Rebuilds the in-memory models by replay; the audit trails resume after their checkpoint (rebuilt by the command). */
  override async rebuild(): Promise<void> {
    await Promise.all([this.auditRunner?.stop(), this.auditFollower?.stop()]);
    await this.readModels?.close();
    await super.rebuild();
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), this.auditRunner?.stop(), this.auditFollower?.stop()]);
    await this.readModels?.close();
  }

  get identities(): IdentityReadModel {
    return this.models.identities;
  }

  get audit(): AuditReadModel {
    if (!this.auditModel) throw new Error('The permissions projection is not started');
    return this.auditModel;
  }

  /** The audit trails' runner: its checkpoint, and the events it read since start. Only when this process folds them. */
  get auditProjection(): DurableProjectionRunner {
    if (!this.auditRunner) throw new Error(this.auditFollower ? 'The audit trails are folded by another process here (audit: follow)' : 'The permissions projection is not started');
    return this.auditRunner;
  }

  /** Where the audit trails are, whoever folds them: read-your-writes for a query of the trail. */
  get auditPosition(): DurableReadModelPosition {
    const position = this.auditRunner ?? this.auditFollower;
    if (!position) throw new Error('The permissions projection is not started');
    return position;
  }

  get accessKeys(): AccessKeyReadModel {
    return this.models.accessKeys;
  }
}
