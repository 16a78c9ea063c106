import { LiveProjection, type EventStore, type LiveProjectionOptions } from '@sluice/eventing';
import type { AccessKeyReadModel } from './access-key-read-model';
import type { AuditReadModel } from './audit-read-model';
import type { IdentityReadModel } from './identity-read-model';
import { PermissionsReadModels } from './permissions-read-models';

/**
 * Feeds the identity and audit read models from the store: in memory, rebuilt by replaying every
 * identity and audit event at start (like the pipelines service, decision 0007). The folds are the same
 * class `npm run rebuild-projections` rebuilds into (docs/decisions/0022).
 */
export class PermissionsProjection extends LiveProjection<PermissionsReadModels> {
  constructor(store: EventStore, options: LiveProjectionOptions = {}) {
    super(store, new PermissionsReadModels(), options);
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
}
