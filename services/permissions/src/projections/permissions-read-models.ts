import { DurableRebuildable, type ReadModelDatabase, type RebuildableProjection, type RecordedEvent } from '@sluice/eventing';
import { ACCESS_KEY_STREAM_PREFIX, IDENTITY_STREAM_PREFIXES } from '@sluice/contracts';
import { AccessKeyReadModel } from './access-key-read-model';
import { AuditReadModel } from './audit-read-model';
import { IdentityReadModel } from './identity-read-model';

/**
 * The service's in-memory read models as one projection: what the live subscription (PermissionsProjection) feeds,
 * and what `npm run rebuild-projections` drops and rebuilds (docs/decisions/0022). Each event goes to the
 * one model of its stream: access keys, or identities (accounts, users, roles, groups, tokens). Audit trails are
 * a durable read model (AuditReadModel, docs/decisions/0048).
 */
export class PermissionsReadModels implements RebuildableProjection {
  readonly name = 'permissions.read-models';
  readonly streamPrefixes = [...IDENTITY_STREAM_PREFIXES, ACCESS_KEY_STREAM_PREFIX];
  identities = new IdentityReadModel();
  accessKeys = new AccessKeyReadModel();
  private position: bigint | undefined;

  reset(): void {
    this.identities = new IdentityReadModel();
    this.accessKeys = new AccessKeyReadModel();
    this.position = undefined;
  }

  apply(event: RecordedEvent): void {
    if (AccessKeyReadModel.handles(event.streamId)) this.accessKeys.apply(event);
    else this.identities.apply(event);
    this.position = event.position;
  }

  checkpoint(): bigint | undefined {
    return this.position;
  }

  contents() {
    return { identities: this.identities.contents(), accessKeys: this.accessKeys.contents() };
  }
}

/**
 * Every projection of the permissions service: the registry the rebuild command walks. The in-memory one fresh; the
 * durable audit trails (on `readModels`, the store's database) rebuilt in place — only when a database is given.
 */
export function permissionsProjections(readModels?: ReadModelDatabase): RebuildableProjection[] {
  return [new PermissionsReadModels(), ...(readModels ? [new DurableRebuildable(readModels, new AuditReadModel(readModels))] : [])];
}
