import type { Gateway } from '../gateway';
import type { Io, Verb } from '../verb';

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded']);

interface LogEntry {
  cursor: string;
  stageName: string;
  actionName: string;
  chunk: string;
}

interface LogsRequest {
  executionId: string;
  stageName?: string;
  actionName?: string;
}

/** Writes chunks as whole lines, each prefixed with its action: chunks of one action may end mid-line. */
export class LogPrinter {
  private readonly partial = new Map<string, string>();

  constructor(private readonly out: Io['stdout']) {}

  write(entry: LogEntry): void {
    const key = `${entry.stageName}/${entry.actionName}`;
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
  actionLogs(pipelineExecutionId: $id, stageName: $stageName, actionName: $actionName, after: $after, first: 5000) { entries { cursor stageName actionName chunk } endCursor hasNextPage }
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
export async function followLogs(gateway: Gateway, request: LogsRequest, printer: LogPrinter): Promise<string> {
  let lastCursor: string | undefined;
  let endedWith: string | undefined;
  const logs = new AbortController();
  const following = gateway
    .subscribe<{ actionLogAppended: LogEntry }>(
      `subscription($id: ID!, $stageName: String, $actionName: String) { actionLogAppended(executionId: $id, stageName: $stageName, actionName: $actionName, after: "0") { cursor stageName actionName chunk } }`,
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
  await gateway.subscribe<{ executionUpdated: { status: string | null; stageName: string | null; eventType: string } }>(
    `subscription($id: ID!) { executionUpdated(executionId: $id, after: "0") { status stageName eventType } }`,
    { id: request.executionId },
    (data) => {
      const update = data.executionUpdated;
      if (update.eventType.startsWith('PipelineExecution') && update.status !== null && TERMINAL.has(update.status)) endedWith = update.status;
      return endedWith !== undefined;
    },
  );
  logs.abort();
  await following;
  await printStored(gateway, request, lastCursor, printer);
  printer.flush();
  return endedWith ?? 'unknown';
}

export const logsVerb: Verb = {
  name: 'logs',
  summary: 'Prints an execution’s action logs; --follow streams them live until the execution ends.',
  parameters: [
    { name: 'executionId', type: 'string', required: true, positional: true, description: 'The pipeline execution.' },
    { name: 'stageName', type: 'string', description: 'Only this stage’s actions.' },
    { name: 'actionName', type: 'string', description: 'Only this action.' },
    { name: 'follow', type: 'boolean', description: 'Keep printing as the actions write, until the execution ends.' },
  ],
  examples: ['sluice logs 3f1c… --follow', 'sluice logs 3f1c… --stage-name Build --action-name Compile > compile.log'],
  async run(input, { gateway, io }) {
    const request: LogsRequest = { executionId: input['executionId'] as string, stageName: input['stageName'] as string | undefined, actionName: input['actionName'] as string | undefined };
    const printer = new LogPrinter(io.stdout);
    if (input['follow'] === true) await followLogs(gateway, request, printer);
    else {
      await printStored(gateway, request, undefined, printer);
      printer.flush();
    }
    return undefined;
  },
};
