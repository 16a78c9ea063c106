import type { ActionTypeId } from '@sluice/domain';
import { assertNever, redactUrlCredentialsIn } from '@sluice/domain';
import type { ExecutionEvent, ArtifactRef, DefinitionSnapshot } from '@sluice/contracts';
import { millisecondsBetween } from '../time';

export type ActionExecutionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';

/** CodePipeline's `ActionExecutionDetail`: one attempt of one action, for listActionExecutions. */
export interface ActionExecutionDetail {
  pipelineExecutionId: string;
  actionExecutionId: string;
  pipelineVersion: number;
  stageName: string;
  actionName: string;
  attempt: number;
  runOrder: number;
  status: ActionExecutionStatus;
  startTime: string;
  lastUpdateTime: string;
  durationMs: number | null;
  /** Who answered a manual approval (CodePipeline's `updatedBy`); null for any other action, and until answered. */
  updatedBy: string | null;
  input: {
    actionTypeId: ActionTypeId;
    /** As declared, with its `#{…}` references. */
    configuration: Record<string, string>;
    resolvedConfiguration: Record<string, string>;
    inputArtifacts: ArtifactRef[];
    namespace: string | null;
  };
  output: {
    outputArtifacts: ArtifactRef[];
    outputVariables: Record<string, string>;
    executionResult: { externalExecutionId: string | null; externalExecutionSummary: string | null; externalExecutionUrl: string | null; errorDetails: string | null };
  };
}

export interface ActionExecutionsView {
  definition: DefinitionSnapshot | null;
  executionId: string | null;
  details: ActionExecutionDetail[];
}

export const initialActionExecutionsView: ActionExecutionsView = { definition: null, executionId: null, details: [] };

/**
 * Folds one execution's stream into the attempts of its actions, oldest first. The attempts are only ever
 * shown (listActionExecutions, executionAsOf), so URLs in them lose their credentials here, once; the job
 * a worker gets is made from the events, with the real URL.
 */
export function evolveActionExecutions(view: ActionExecutionsView, event: ExecutionEvent): ActionExecutionsView {
  switch (event.type) {
    case 'PipelineExecutionStarted':
      return { definition: event.data.inputs.definition, executionId: event.data.executionId, details: [] };
    case 'ActionExecutionStarted': {
      const data = event.data;
      const declared = view.definition?.declaration.stages.find((stage) => stage.name === data.stageName)?.actions.find((action) => action.name === data.actionName);
      const detail: ActionExecutionDetail = {
        pipelineExecutionId: view.executionId ?? '',
        actionExecutionId: data.actionExecutionId,
        pipelineVersion: view.definition?.version ?? 0,
        stageName: data.stageName,
        actionName: data.actionName,
        attempt: data.attempt,
        runOrder: data.runOrder,
        status: 'InProgress',
        startTime: data.startedAt,
        lastUpdateTime: data.startedAt,
        durationMs: null,
        updatedBy: null,
        input: {
          actionTypeId: data.actionTypeId,
          configuration: declared?.configuration ?? {},
          resolvedConfiguration: data.resolvedConfiguration,
          inputArtifacts: data.inputArtifacts,
          namespace: data.namespace,
        },
        output: { outputArtifacts: [], outputVariables: {}, executionResult: { externalExecutionId: null, externalExecutionSummary: null, externalExecutionUrl: null, errorDetails: null } },
      };
      return { ...view, details: [...view.details, redactUrlCredentialsIn(detail)] };
    }
    case 'ActionExecutionSucceeded': {
      const data = event.data;
      return update(view, data.actionExecutionId, data.finishedAt, (detail) => ({
        ...detail,
        status: 'Succeeded',
        output: {
          outputArtifacts: data.outputArtifacts,
          outputVariables: data.outputVariables,
          executionResult: { externalExecutionId: data.externalExecutionId, externalExecutionSummary: data.summary, externalExecutionUrl: data.externalExecutionUrl, errorDetails: null },
        },
      }));
    }
    case 'ActionExecutionFailed': {
      const data = event.data;
      return update(view, data.actionExecutionId, data.finishedAt, (detail) => ({
        ...detail,
        status: 'Failed',
        output: { ...detail.output, executionResult: { ...detail.output.executionResult, externalExecutionId: data.externalExecutionId, errorDetails: `${data.errorType}: ${data.message}` } },
      }));
    }
    case 'ActionExecutionAbandoned':
      return update(view, event.data.actionExecutionId, event.data.at, (detail) => ({ ...detail, status: 'Abandoned' }));
    case 'ApprovalResultRecorded': {
      // The attempt that waits for this answer: the latest of the action (its result event follows).
      const data = event.data;
      const waiting = [...view.details].reverse().find((detail) => detail.stageName === data.stageName && detail.actionName === data.actionName);
      if (!waiting) return view;
      return { ...view, details: view.details.map((detail) => (detail === waiting ? { ...detail, updatedBy: data.approvedBy } : detail)) };
    }
    case 'StageExecutionStarted':
    case 'StageConditionCheckStarted':
    case 'StageConditionEvaluated':
    case 'StageConditionOverridden':
    case 'ActionJobContinued':
    case 'StageExecutionSucceeded':
    case 'StageExecutionFailed':
    case 'StageExecutionSkipped':
    case 'StageExecutionStopped':
    case 'StageRetryRequested':
    case 'StageRollbackRequested':
    case 'StageRollbackStarted':
    case 'PipelineExecutionStopping':
    case 'PipelineExecutionStopped':
    case 'PipelineExecutionSucceeded':
    case 'PipelineExecutionFailed':
    case 'PipelineExecutionSuperseded':
      return view;
    default:
      return assertNever(event);
  }
}

function update(view: ActionExecutionsView, actionExecutionId: string, at: string, change: (detail: ActionExecutionDetail) => ActionExecutionDetail): ActionExecutionsView {
  return {
    ...view,
    details: view.details.map((detail) =>
      detail.actionExecutionId === actionExecutionId ? redactUrlCredentialsIn({ ...change(detail), lastUpdateTime: at, durationMs: millisecondsBetween(detail.startTime, at) }) : detail,
    ),
  };
}
