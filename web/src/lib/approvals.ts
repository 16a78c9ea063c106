// The manual approvals waiting for an answer, for the banner at the top of the pipeline view and the execution page
// (issue 22, item 14: on a phone Approve was two screens down).
import { putApprovalResult, type PipelineDefinition } from './api';

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

/**
 * Answers a waiting approval with the person's summary, which is required (it is kept with the approval): the line to
 * announce, or an Error saying why not. The action card and the banner answer through it alike.
 */
export async function answerApproval(pipelineName: string, approval: Omit<WaitingApproval, 'pipelineExecutionId'>, result: 'Approved' | 'Rejected', summary: string): Promise<string> {
  if (summary.trim() === '') throw new Error('summary: say why (it is kept with the approval)');
  await putApprovalResult(pipelineName, approval.stageName, approval.actionName, approval.token, result, summary.trim());
  return `${approval.actionName}: ${result === 'Approved' ? 'approved' : 'rejected'}`;
}
