import { CliError } from '../cli-error';
import type { Gateway } from '../gateway';

/** The statuses an execution ends in. */
export const TERMINAL_STATUSES = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded']);

/** How an execution that did not succeed ends the command: each way its own exit code (docs/cli.md, Exit codes). */
export function executionEndError(pipelineName: string, id: string, status: string, summary: string | null | undefined): CliError {
  const kind = status === 'Stopped' ? 'execution-stopped' : status === 'Superseded' ? 'execution-superseded' : 'execution-failed';
  return new CliError(kind, `execution ${id} of ${pipelineName} ended ${status}${summary ? `: ${summary}` : ''}`);
}

/** The line a command that followed an execution ends with (on stderr): how it ended. */
export const executionEndLine = (pipelineName: string, id: string, status: string): string => `execution ${id} of ${pipelineName} ${status}\n`;

interface WaitingAction {
  pipelineExecutionId: string;
  token: string | null;
}

/**
 * When an action of execution `id` starts, asks whether it is a manual approval now waiting (only those have a
 * token) and, if so, says which one and how to approve it: a person following a run must not wait in silence.
 */
export async function approvalNotice(gateway: Gateway, pipelineName: string, id: string, stageName: string, actionName: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { getPipelineState } = await gateway.request<{
      getPipelineState: { stageStates: Array<{ stageName: string; actionStates: Array<{ actionName: string; latestExecution: (WaitingAction & { status: string }) | null }> }> };
    }>(`query($name: String!) { getPipelineState(name: $name) { stageStates { stageName actionStates { actionName latestExecution { pipelineExecutionId status token } } } } }`, { name: pipelineName });
    const latest = getPipelineState.stageStates.find((stage) => stage.stageName === stageName)?.actionStates.find((action) => action.actionName === actionName)?.latestExecution;
    if (!latest || latest.pipelineExecutionId !== id || latest.status !== 'InProgress') return undefined;
    if (latest.token) {
      return [
        `waiting for approval: stage ${stageName}, action ${actionName} (execution ${id}). Approve it in the dashboard, or:`,
        `  sluice put-approval-result --pipeline-name ${pipelineName} --stage-name ${stageName} --action-name ${actionName} --result summary="…",status=Approved --token ${latest.token}`,
        '',
      ].join('\n');
    }
    // A Commands or Source action has no token; an approval gets its token as it starts: look again, briefly.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}
