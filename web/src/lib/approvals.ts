// The manual approvals waiting for an answer, for the banner at the top of the pipeline view and the execution page
// (issue 22, item 14: on a phone Approve was two screens down).
import type { PipelineDefinition } from './api';

export interface ApprovalState {
  stageName: string;
  actionStates: Array<{ actionName: string; latestExecution: { pipelineExecutionId: string; status: string; token: string | null } | null }>;
}

export interface WaitingApproval {
  stageName: string;
  actionName: string;
  pipelineExecutionId: string;
  token: string;
}

/** Approval actions of the definition that wait (in progress, with a token), of one execution when `executionId` is given. */
export function waitingApprovals(definition: PipelineDefinition, stageStates: readonly ApprovalState[], executionId?: string): WaitingApproval[] {
  const waiting: WaitingApproval[] = [];
  for (const stage of definition.stages) {
    const state = stageStates.find((s) => s.stageName === stage.name);
    for (const action of stage.actions) {
      if (action.actionTypeId.category !== 'Approval') continue;
      const latest = state?.actionStates.find((a) => a.actionName === action.name)?.latestExecution;
      if (!latest || latest.status !== 'InProgress' || !latest.token) continue;
      if (executionId !== undefined && latest.pipelineExecutionId !== executionId) continue;
      waiting.push({ stageName: stage.name, actionName: action.name, pipelineExecutionId: latest.pipelineExecutionId, token: latest.token });
    }
  }
  return waiting;
}
