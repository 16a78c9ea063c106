import { AUDIT_STREAM_PREFIX } from '@sluice/authz';
import type { RebuildableProjection, RecordedEvent } from '@sluice/eventing';
import { ACCESS_KEY_STREAM_PREFIX, IDENTITY_STREAM_PREFIXES } from '@sluice/contracts';
import { AccessKeyReadModel } from './access-key-read-model';
import { AuditReadModel } from './audit-read-model';
import { IdentityReadModel } from './identity-read-model';

/**
 * The service's read models as one projection: what the live subscription (PermissionsProjection) feeds,
 * and what `npm run rebuild-projections` drops and rebuilds (docs/decisions/0022). Each event goes to the
 * one model of its stream: audit trails, access keys, or identities (accounts, users, roles, groups, tokens).
 */
export class PermissionsReadModels implements RebuildableProjection {
  readonly name = 'permissions.read-models';
  readonly streamPrefixes = [...IDENTITY_STREAM_PREFIXES, AUDIT_STREAM_PREFIX, ACCESS_KEY_STREAM_PREFIX];
  identities = new IdentityReadModel();
  audit = new AuditReadModel();
  accessKeys = new AccessKeyReadModel();
  private position: bigint | undefined;

  reset(): void {
    this.identities = new IdentityReadModel();
    this.audit = new AuditReadModel();
    this.accessKeys = new AccessKeyReadModel();
    this.position = undefined;
  }

  apply(event: RecordedEvent): void {
    if (event.streamId.startsWith(AUDIT_STREAM_PREFIX)) this.audit.apply(event);
    else if (AccessKeyReadModel.handles(event.streamId)) this.accessKeys.apply(event);
    else this.identities.apply(event);
    this.position = event.position;
  }

  checkpoint(): bigint | undefined {
    return this.position;
  }

  contents() {
    return { identities: this.identities.contents(), audit: this.audit.contents(), accessKeys: this.accessKeys.contents() };
  }
}

/** Every projection of the permissions service, fresh: the registry the rebuild command walks. */
export function permissionsProjections(): RebuildableProjection[] {
  return [new PermissionsReadModels()];
}
