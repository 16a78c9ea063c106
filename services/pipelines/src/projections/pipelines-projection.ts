import { LiveProjection, type EventStore, type LiveProjectionOptions } from '@sluice/eventing';
import type { ActionTypeReadModel } from './action-type-read-model';
import type { PipelineReadModel } from './pipeline-read-model';
import { PipelinesReadModels } from './pipelines-read-models';

/**
 * Feeds the read models from the store. They live in memory and are rebuilt by replaying every
 * `pipeline-` and `actiontype-` event at start (docs/decisions/0007): a checkpoint would only help
 * a durable read model, and replay runs at hundreds of thousands of events a second.
 */
export class PipelinesProjection extends LiveProjection<PipelinesReadModels> {
  constructor(store: EventStore, options: LiveProjectionOptions = {}) {
    super(store, new PipelinesReadModels(), options);
  }

  get pipelines(): PipelineReadModel {
    return this.models.pipelines;
  }

  get actionTypes(): ActionTypeReadModel {
    return this.models.actionTypes;
  }
}
