// The event types are the pipelines service's published language, kept in @sluice/domain so that consumers need not import this service.
export {
  isPipelineEvent,
  PIPELINE_EVENT_TYPES,
  type PipelineCreated,
  type PipelineDeleted,
  type PipelineEvent,
  type PipelineTagged,
  type PipelineUntagged,
  type PipelineUpdated,
  type StageTransitionDisabled,
  type StageTransitionEnabled,
  type TransitionType,
} from '@sluice/domain';
