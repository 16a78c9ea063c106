import type { Gateway } from '../gateway';
import type { Io, Verb } from '../verb';
import { approvalNotice, executionEndError, executionEndLine, TERMINAL_STATUSES } from './execution-end';

interface LogEntry {
  cursor: string;
  stageName: string;
  actionName: string;
  /** One per attempt of the action: a retry's attempt has a new one. */
  actionExecutionId: string;
  chunk: string;
}

interface LogsRequest {
  executionId: string;
  stageName?: string;
  actionName?: string;
}

/**
 * Writes chunks as whole lines, each prefixed with its action: chunks of one action may end mid-line. A later
 * attempt of an action (a retry) starts under a header line of its own, never mixed with the one before.
 */
export class LogPrinter {
  private readonly partial = new Map<string, string>();
  private readonly attempts = new Map<string, string[]>();

  constructor(private readonly out: Io['stdout']) {}

  write(entry: LogEntry): void {
    const key = `${entry.stageName}/${entry.actionName}`;
    const seen = this.attempts.get(key) ?? [];
    if (!seen.includes(entry.actionExecutionId)) {
      seen.push(entry.actionExecutionId);
      this.attempts.set(key, seen);
      if (seen.length > 1) {
        const rest = this.partial.get(key);
        if (rest) this.out.write(`[${key}] ${rest}\n`);
        this.partial.delete(key);
        this.out.write(`──── ${key}: attempt ${seen.length} (action execution ${entry.actionExecutionId}) ────\n`);
      }
    }
    const text = (this.partial.get(key) ?? '') + entry.chunk;
    const lines = text.split('\n');
    this.partial.set(key, lines.pop() ?? '');
    for (const line of lines) this.out.write(`[${key}] ${line}\n`);
  }

  flush(): void {
    for (const [key, rest] of this.partial) if (rest !== '') this.out.write(`[${key}] ${rest}\n`);
    this.partial.clear();
  }
}

const PAGE = `query($id: ID!, $stageName: String, $actionName: String, $after: String) {
  actionLogs(pipelineExecutionId: $id, stageName: $stageName, actionName: $actionName, after: $after, first: 5000) { entries { cursor stageName actionName actionExecutionId chunk } endCursor hasNextPage }
}`;

/** Every stored chunk after `after`, page by page; answers the last cursor. */
async function printStored(gateway: Gateway, request: LogsRequest, after: string | undefined, printer: LogPrinter): Promise<string | undefined> {
  let cursor = after;
  for (;;) {
    const { actionLogs } = await gateway.request<{ actionLogs: { entries: LogEntry[]; endCursor: string | null; hasNextPage: boolean } }>(PAGE, {
      id: request.executionId,
      stageName: request.stageName ?? null,
      actionName: request.actionName ?? null,
      after: cursor ?? null,
    });
    for (const entry of actionLogs.entries) printer.write(entry);
    cursor = actionLogs.endCursor ?? cursor;
    if (!actionLogs.hasNextPage) return cursor;
  }
}

/**
 * Follows an execution's logs live until it ends: the log subscription prints as chunks are stored, a
 * second subscription watches for the end, and what was stored before the end is read once more so the
 * last lines are never cut (a worker stores its output before it reports the result).
 */
export async function followLogs(gateway: Gateway, request: LogsRequest, printer: LogPrinter, options: FollowOptions = {}): Promise<FollowedExecution> {
  let lastCursor: string | undefined;
  let endedWith: string | undefined;
  let pipelineName = '';
  const notices: Array<Promise<void>> = [];
  const logs = new AbortController();
  const following = gateway
    .subscribe<{ actionLogAppended: LogEntry }>(
      `subscription($id: ID!, $stageName: String, $actionName: String) { actionLogAppended(executionId: $id, stageName: $stageName, actionName: $actionName, after: "0") { cursor stageName actionName actionExecutionId chunk } }`,
      { id: request.executionId, stageName: request.stageName ?? null, actionName: request.actionName ?? null },
      (data) => {
        printer.write(data.actionLogAppended);
        lastCursor = data.actionLogAppended.cursor;
        return logs.signal.aborted;
      },
      logs.signal,
    )
    .catch((error: unknown) => {
      if (!logs.signal.aborted) throw error;
    });
  // Which actions are manual approvals (from the definition, asked once): only they can wait for a person.
  let approvals: Promise<Set<string>> | undefined;
  const approvalActions = () =>
    (approvals ??= gateway
      .request<{ getPipeline: { pipeline: { stages: Array<{ name: string; actions: Array<{ name: string; actionTypeId: { category: string } }> }> } } }>(
        `query($name: String!) { getPipeline(name: $name) { pipeline } }`,
        { name: pipelineName },
      )
      .then(({ getPipeline }) => new Set(getPipeline.pipeline.stages.flatMap((stage) => stage.actions.filter((action) => action.actionTypeId.category === 'Approval').map((action) => `${stage.name}/${action.name}`))))
      .catch(() => new Set<string>()));
  await gateway.subscribe<{ executionUpdated: { pipelineName: string; status: string | null; stageName: string | null; actionName: string | null; eventType: string } }>(
    `subscription($id: ID!) { executionUpdated(executionId: $id, after: "0") { pipelineName status stageName actionName eventType } }`,
    { id: request.executionId },
    async (data) => {
      const update = data.executionUpdated;
      pipelineName = update.pipelineName;
      // The history is replayed from the start: an end a retry has undone since (Failed, then InProgress again) is not the end.
      if (update.eventType.startsWith('PipelineExecution') && update.status !== null && TERMINAL_STATUSES.has(update.status)) {
        const status = await currentStatus(gateway, pipelineName, request.executionId);
        if (TERMINAL_STATUSES.has(status)) endedWith = status;
      }
      const note = options.onApprovalWaiting;
      const { stageName, actionName } = update;
      if (note && stageName !== null && actionName !== null && update.status === 'InProgress') {
        // approvalNotice looks at the state now: an approval that started in the replayed past and has ended says nothing.
        notices.push(
          approvalActions()
            .then((set) => (set.has(`${stageName}/${actionName}`) ? approvalNotice(gateway, pipelineName, request.executionId, stageName, actionName) : undefined))
            .then((text) => (text && endedWith === undefined ? note(text) : undefined))
            .catch(() => undefined),
        );
      }
      return endedWith !== undefined;
    },
  );
  logs.abort();
  await following;
  await Promise.all(notices);
  await printStored(gateway, request, lastCursor, printer);
  printer.flush();
  return { status: endedWith ?? 'unknown', pipelineName };
}

async function currentStatus(gateway: Gateway, pipelineName: string, id: string): Promise<string> {
  const { getPipelineExecution } = await gateway.request<{ getPipelineExecution: { status: string } }>(
    `query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { status } }`,
    { name: pipelineName, id },
  );
  return getPipelineExecution.status;
}

export interface FollowOptions {
  /** Told (once per wait) when an approval of the execution waits, with which one and how to approve it. */
  onApprovalWaiting?: (text: string) => void;
}

export interface FollowedExecution {
  status: string;
  pipelineName: string;
}

export const logsVerb: Verb = {
  name: 'logs',
  summary: 'Prints an execution’s action logs, each attempt of a retried action under its own header; --follow streams them live until the execution ends.',
  parameters: [
    { name: 'executionId', type: 'string', required: true, positional: true, description: 'The pipeline execution.' },
    { name: 'stageName', type: 'string', description: 'Only this stage’s actions.' },
    { name: 'actionName', type: 'string', description: 'Only this action.' },
    {
      name: 'follow',
      type: 'boolean',
      description:
        'Keep printing as the actions write, until the execution ends; then a final status line and the exit code of how it ended (0 Succeeded, 7 Failed, 8 Stopped, 9 Superseded). Says which approval it waits for, and how to approve it.',
    },
  ],
  examples: ['sluice logs 3f1c… --follow', 'sluice logs 3f1c… --stage-name Build --action-name Compile > compile.log'],
  async run(input, { gateway, io }) {
    const request: LogsRequest = { executionId: input['executionId'] as string, stageName: input['stageName'] as string | undefined, actionName: input['actionName'] as string | undefined };
    const printer = new LogPrinter(io.stdout);
    if (input['follow'] === true) {
      const { status, pipelineName } = await followLogs(gateway, request, printer, { onApprovalWaiting: (text) => io.stderr.write(text) });
      // The run's result is the command's: a final line, and the exit code of how it ended.
      const { getPipelineExecution: execution } = await gateway.request<{ getPipelineExecution: { status: string; statusSummary: string | null } }>(
        `query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { status statusSummary } }`,
        { name: pipelineName, id: request.executionId },
      );
      const ended = TERMINAL_STATUSES.has(execution.status) ? execution.status : status;
      if (ended !== 'Succeeded') throw executionEndError(pipelineName, request.executionId, ended, execution.statusSummary);
      io.stderr.write(executionEndLine(pipelineName, request.executionId, ended));
    } else {
      await printStored(gateway, request, undefined, printer);
      printer.flush();
    }
    return undefined;
  },
};
