import type { ExecutionEvent, NotificationEventTypeId, NotificationMessage, PipelineRef } from '@sluice/contracts';

/** What the notifier knows of an execution when one of its later events arrives (folded from its start). */
export interface ExecutionInfo {
  pipeline: PipelineRef;
}

/** A notification an execution event gives, before the rules decide who gets it. */
export interface NotificationOf {
  eventTypeId: NotificationEventTypeId;
  message: NotificationMessage;
}

const encode = encodeURIComponent;

/** The dashboard's page of the execution; an approval's is the pipeline view, at the action (`#stage/action`). */
export function executionLink(baseUrl: string, pipelineName: string, executionId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/pipelines/${encode(pipelineName)}/executions/${encode(executionId)}`;
}

export function approvalLink(baseUrl: string, pipelineName: string, stageName: string, actionName: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/pipelines/${encode(pipelineName)}#${encode(stageName)}/${encode(actionName)}`;
}

/**
 * The CodePipeline notification event an execution event is, if any, with its message. Pure: the execution's
 * pipeline comes from what the caller folded, the dashboard's base URL from configuration.
 */
export function notificationFor(event: ExecutionEvent, executionId: string, execution: ExecutionInfo, baseUrl: string, occurredAt: string): NotificationOf | undefined {
  const { account, name: pipelineName } = execution.pipeline;
  const link = executionLink(baseUrl, pipelineName, executionId);
  const make = (eventTypeId: NotificationEventTypeId, summary: string, extra: Partial<NotificationMessage> = {}): NotificationOf => ({
    eventTypeId,
    message: { eventTypeId, account, pipelineName, executionId, stageName: null, actionName: null, summary, detail: null, link, occurredAt, ...extra },
  });
  switch (event.type) {
    case 'PipelineExecutionStarted':
      return make('codepipeline-pipeline-pipeline-execution-started', `Pipeline ${pipelineName}: execution ${executionId} started (${event.data.inputs.trigger.triggerType}).`);
    case 'PipelineExecutionSucceeded':
      return make('codepipeline-pipeline-pipeline-execution-succeeded', `Pipeline ${pipelineName}: execution ${executionId} succeeded.`);
    case 'PipelineExecutionFailed':
      return make('codepipeline-pipeline-pipeline-execution-failed', `Pipeline ${pipelineName}: execution ${executionId} failed in stage ${event.data.stageName}.`, {
        stageName: event.data.stageName,
        detail: event.data.message,
      });
    case 'PipelineExecutionSuperseded':
      return make('codepipeline-pipeline-pipeline-execution-superseded', `Pipeline ${pipelineName}: execution ${executionId} was superseded by ${event.data.supersededBy}.`, {
        stageName: event.data.stageName,
      });
    case 'PipelineExecutionStopped':
      return make('codepipeline-pipeline-pipeline-execution-canceled', `Pipeline ${pipelineName}: execution ${executionId} was stopped by ${event.data.stoppedBy}.`, { detail: event.data.reason || null });
    case 'StageExecutionFailed':
      return make('codepipeline-pipeline-stage-execution-failed', `Pipeline ${pipelineName}: stage ${event.data.stageName} failed in execution ${executionId}.`, {
        stageName: event.data.stageName,
        detail: event.data.message,
      });
    case 'ActionExecutionFailed':
      // A rejected approval is CodePipeline's manual-approval-failed, not an action failure.
      if (event.data.errorType === 'ApprovalRejected') return undefined;
      return make('codepipeline-pipeline-action-execution-failed', `Pipeline ${pipelineName}: action ${event.data.stageName}/${event.data.actionName} failed (${event.data.errorType}).`, {
        stageName: event.data.stageName,
        actionName: event.data.actionName,
        detail: event.data.message,
      });
    case 'ActionExecutionStarted':
      if (event.data.work.kind !== 'Approval') return undefined;
      return make('codepipeline-pipeline-manual-approval-needed', `Pipeline ${pipelineName}: approval ${event.data.stageName}/${event.data.actionName} is waiting (expires ${event.data.work.expiresAt}).`, {
        stageName: event.data.stageName,
        actionName: event.data.actionName,
        link: approvalLink(baseUrl, pipelineName, event.data.stageName, event.data.actionName),
      });
    case 'ApprovalResultRecorded': {
      const approved = event.data.status === 'Approved';
      return make(
        approved ? 'codepipeline-pipeline-manual-approval-succeeded' : 'codepipeline-pipeline-manual-approval-failed',
        `Pipeline ${pipelineName}: approval ${event.data.stageName}/${event.data.actionName} was ${approved ? 'approved' : 'rejected'} by ${event.data.approvedBy}.`,
        { stageName: event.data.stageName, actionName: event.data.actionName, detail: event.data.summary || null },
      );
    }
    default:
      return undefined;
  }
}
