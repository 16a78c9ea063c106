import { CliError } from '../cli-error';
import type { Verb } from '../verb';
import { approvalNotice, executionEndError, executionEndLine, TERMINAL_STATUSES as TERMINAL } from './execution-end';
import { EXECUTION_FIELDS, type ExecutionAnswer } from './executions';
const MARK: Record<string, string> = { Succeeded: '✓', Failed: '✗', InProgress: '▶', Stopped: '■', Stopping: '■', Skipped: '↷', Waiting: '…' };

interface Update {
  executionUpdated: { cursor: string; status: string | null; stageName: string | null; actionName: string | null; eventType: string };
}

/**
 * `wait pipeline-execution-succeeded`: follows the execution's updates over the subscription (from its
 * first event, so nothing between the check and the subscribe is missed) and ends with its result.
 */
export const waitVerb: Verb = {
  name: 'wait pipeline-execution-succeeded',
  summary: 'Waits until an execution ends: exit 0 when it succeeded, 7 when it failed, 8 stopped, 9 superseded, after a final status line; says which approval it waits for and how to approve it; a live line of stages on a terminal.',
  parameters: [
    { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
    { name: 'pipelineExecutionId', type: 'string', required: true, description: 'The execution.' },
    { name: 'timeoutSeconds', type: 'integer', description: 'Give up after this long (default 3600).' },
  ],
  examples: ['id=$(sluice start-pipeline-execution --name web --query pipelineExecutionId --output text) && sluice wait pipeline-execution-succeeded --pipeline-name web --pipeline-execution-id "$id"'],
  async run(input, { gateway, io, progress }) {
    const pipelineName = input['pipelineName'] as string;
    const id = input['pipelineExecutionId'] as string;
    const timeoutSeconds = (input['timeoutSeconds'] as number | undefined) ?? 3600;
    if (timeoutSeconds < 1) throw new CliError('bad-input', `--timeout-seconds: must be at least 1, got ${timeoutSeconds}`);
    const { getPipeline } = await gateway.request<{ getPipeline: { pipeline: { stages: Array<{ name: string; actions?: Array<{ name: string; actionTypeId?: { category?: string } }> }> } } }>(`query($name: String!) { getPipeline(name: $name) { pipeline } }`, { name: pipelineName });
    const fetchExecution = async () =>
      (
        await gateway.request<{ getPipelineExecution: ExecutionAnswer }>(
          `query($pipelineName: String!, $pipelineExecutionId: ID!) { getPipelineExecution(pipelineName: $pipelineName, pipelineExecutionId: $pipelineExecutionId) { ${EXECUTION_FIELDS} } }`,
          { pipelineName, pipelineExecutionId: id },
        )
      ).getPipelineExecution;

    let execution = await fetchExecution();
    if (!TERMINAL.has(execution.status)) {
      const stages = new Map(getPipeline.pipeline.stages.map((stage) => [stage.name, '·']));
      const render = (status: string) =>
        progress(`${pipelineName} ${id.slice(0, 8)} ${status}  ${[...stages].map(([name, mark]) => `${name} ${mark}`).join('  ')}`);
      const timer = setTimeout(() => void gateway.close(), timeoutSeconds * 1000);
      let ended = false;
      const approvals = new Set(
        getPipeline.pipeline.stages.flatMap((stage) => (stage.actions ?? []).filter((action) => action.actionTypeId?.category === 'Approval').map((action) => `${stage.name}/${action.name}`)),
      );
      const notices: Array<Promise<void>> = [];
      try {
        await gateway.subscribe<Update>(
          `subscription($id: ID!) { executionUpdated(executionId: $id, after: "0") { cursor status stageName actionName eventType } }`,
          { id },
          async (data) => {
            const update = data.executionUpdated;
            if (update.stageName !== null && update.actionName === null && update.status !== null && stages.has(update.stageName)) {
              stages.set(update.stageName, MARK[update.status] ?? update.status);
            }
            const { stageName, actionName } = update;
            if (stageName !== null && actionName !== null && update.status === 'InProgress' && approvals.has(`${stageName}/${actionName}`)) {
              // Looked up now: an approval of the replayed past that has ended says nothing.
              notices.push(
                approvalNotice(gateway, pipelineName, id, stageName, actionName)
                  .then((text) => {
                    if (!text || ended) return;
                    progress('');
                    io.stderr.write(text);
                  })
                  .catch(() => undefined),
              );
            }
            const executionLevel = update.stageName === null || update.eventType.startsWith('PipelineExecution');
            // The history is replayed from the start: an end a retry has undone since is not the end.
            if (executionLevel && update.status !== null && TERMINAL.has(update.status)) ended = TERMINAL.has((execution = await fetchExecution()).status);
            render(ended ? (update.status as string) : 'InProgress');
            return ended;
          },
        );
      } finally {
        clearTimeout(timer);
        await Promise.all(notices);
        progress('');
      }
      if (!ended) throw new CliError('failed', `gave up waiting for ${id} after ${timeoutSeconds} s (--timeout-seconds)`);
      execution = await fetchExecution();
    }
    if (execution.status !== 'Succeeded') throw executionEndError(pipelineName, id, execution.status, execution.statusSummary);
    io.stderr.write(executionEndLine(pipelineName, id, execution.status));
    return { pipelineExecution: execution };
  },
};
