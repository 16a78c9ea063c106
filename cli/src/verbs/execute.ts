import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionTypeRegistry, declarationIssues } from '@sluice/domain/browser';
import { CliError, badInput } from '../cli-error';
import { Gateway } from '../gateway';
import { importTypeScript } from '../typescript-sources';
import { parseJson } from '../values';
import type { Verb } from '../verb';
import { EXECUTION_FIELDS, type ExecutionAnswer } from './executions';
import { followLogs, LogPrinter } from './logs';

interface Declaration {
  name?: unknown;
  stages?: Array<{ name?: unknown; actions?: Array<{ name?: unknown; actionTypeId?: { category?: unknown } }> }>;
}

/** The definition cut after `stage` (`--stage`), refusing what cannot run unattended. */
export function definitionToRun(declaration: Declaration, stage: string | undefined, autoApprove: boolean): Declaration {
  if (!Array.isArray(declaration.stages)) throw badInput('PIPELINE: the definition has no stages (expected CodePipeline JSON: { "name", "stages": [...] })');
  let stages = declaration.stages;
  if (stage !== undefined) {
    const index = stages.findIndex((candidate) => candidate.name === stage);
    if (index === -1) throw badInput(`--stage: the definition has no stage "${stage}" (it has ${stages.map((candidate) => String(candidate.name)).join(', ')})`);
    stages = stages.slice(0, index + 1);
  }
  if (!autoApprove) {
    for (const [stageIndex, candidate] of stages.entries()) {
      const approval = (candidate.actions ?? []).findIndex((action) => action.actionTypeId?.category === 'Approval');
      if (approval !== -1) {
        throw badInput(`stages[${stageIndex}].actions[${approval}]: "${String(candidate.name)}" waits for a manual approval, which nobody can give here: pass --auto-approve, or --stage to stop before it`);
      }
    }
  }
  // The pipelines service's own rules (a fresh platform has only the built-in action types), before anything starts:
  // a definition it would refuse is refused here in a blink, not after the platform has started.
  const issues = declarationIssues({ ...declaration, stages }, ActionTypeRegistry.builtIn());
  if (issues.length > 0) {
    throw badInput(`PIPELINE: the definition cannot run (${issues.length} issue${issues.length === 1 ? '' : 's'}):\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`);
  }
  return { ...declaration, stages };
}

/**
 * `execute PIPELINE.json`: the whole embedded platform in this process, in a temporary folder, with the
 * built-in worker; runs the definition once, streams its logs, and exits with its result. No server needed.
 */
export const executeVerb: Verb = {
  name: 'execute',
  summary: 'Runs a pipeline definition on this machine with the embedded engine and the built-in providers, logs to the terminal; exit 0 when it succeeds.',
  parameters: [
    { name: 'definitionFile', type: 'string', required: true, positional: true, description: 'The definition (CodePipeline JSON) to run.' },
    { name: 'stage', type: 'string', description: 'Run the stages up to and including this one.' },
    { name: 'autoApprove', type: 'boolean', description: 'Approve manual approvals as they come (otherwise a definition with one is refused).' },
    { name: 'variables', type: 'list', description: 'Pipeline variable overrides: name=Env,value=test …', skeleton: [{ name: '', value: '' }] },
    { name: 'keepData', type: 'boolean', description: 'Keep the temporary data folder (events, artifacts) and print where it is.' },
  ],
  examples: ['sluice execute pipeline.json', 'sluice execute pipeline.json --stage Test', 'sluice execute release.json --auto-approve --variables name=Environment,value=local'],
  async run(input, { io, progress }) {
    const file = input['definitionFile'] as string;
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw badInput(`PIPELINE: cannot read ${file}: ${error.code ?? error.message}`);
    });
    const declaration = definitionToRun(parseJson(text, file) as Declaration, input['stage'] as string | undefined, input['autoApprove'] === true);
    const dataDir = await mkdtemp(join(tmpdir(), 'sluice-execute-'));
    // Loaded here, not at the top: only `execute` needs the platform, and loading it costs a second.
    const { loadPlatformConfig, startPlatform } = await importTypeScript<typeof import('@sluice/platform')>('@sluice/platform');
    const note = (line: string) => io.stderr.write(`${line}\n`);
    // The operator's settings (sandbox, worker, deploy roots, …) as `npm start` takes them, but a store and a bus of
    // its own in the temporary folder, any free port, and no polling.
    const config = loadPlatformConfig({ ...process.env, SLUICE_PORT: '0', SLUICE_DATA_DIR: dataDir, SLUICE_EVENT_STORE: '', SLUICE_KAFKA_BROKERS: '' });
    const platform = await startPlatform({ ...config, pollIntervalMs: 24 * 60 * 60 * 1000 }, {
      demo: false,
      log: (line) => {
        if (line.startsWith('worker: ')) note(line.slice('worker: '.length));
      },
    });
    const token = await readFile(join(dataDir, 'admin-token'), 'utf8').then((value) => value.trim(), () => undefined);
    const gateway = new Gateway(platform.url, token);
    try {
      await gateway.request(`mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }`, { pipeline: declaration });
      const name = String(declaration.name);
      const { startPipelineExecution } = await gateway.request<{ startPipelineExecution: { pipelineExecutionId: string } }>(
        `mutation($name: String!, $variables: [PipelineVariableInput!]) { startPipelineExecution(name: $name, variables: $variables) { pipelineExecutionId } }`,
        { name, variables: input['variables'] ?? null },
      );
      const id = startPipelineExecution.pipelineExecutionId;
      note(`running ${name} (execution ${id})`);
      const approving = input['autoApprove'] === true ? approveAsTheyCome(gateway, name, id, note) : undefined;
      await followLogs(gateway, { executionId: id }, new LogPrinter(io.stdout));
      approving?.stop();
      const { getPipelineExecution: execution } = await gateway.request<{ getPipelineExecution: ExecutionAnswer }>(
        `query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { ${EXECUTION_FIELDS} } }`,
        { name, id },
      );
      progress('');
      if (execution.status !== 'Succeeded') throw new CliError('execution-failed', `${name} ${execution.status}${execution.statusSummary ? `: ${execution.statusSummary}` : ''}`);
      note(`${name} Succeeded`);
      return undefined;
    } finally {
      await gateway.close();
      await platform.stop();
      if (input['keepData'] === true) note(`data kept in ${dataDir}`);
      else await rm(dataDir, { recursive: true, force: true });
    }
  },
};

/** Answers each manual approval of the execution with Approved as soon as it waits. */
function approveAsTheyCome(gateway: Gateway, name: string, id: string, note: (line: string) => void): { stop(): void } {
  let stopped = false;
  const approved = new Set<string>();
  const tick = async () => {
    const { getPipelineState } = await gateway.request<{
      getPipelineState: { stageStates: Array<{ stageName: string; actionStates: Array<{ actionName: string; latestExecution: { pipelineExecutionId: string; token: string | null } | null }> }> };
    }>(`query($name: String!) { getPipelineState(name: $name) { stageStates { stageName actionStates { actionName latestExecution { pipelineExecutionId token } } } } }`, { name });
    for (const stage of getPipelineState.stageStates) {
      for (const action of stage.actionStates) {
        const waiting = action.latestExecution;
        if (!waiting?.token || waiting.pipelineExecutionId !== id || approved.has(waiting.token)) continue;
        approved.add(waiting.token);
        await gateway.request(
          `mutation($name: String!, $stage: String!, $action: String!, $token: String!) {
            putApprovalResult(pipelineName: $name, stageName: $stage, actionName: $action, token: $token, result: { status: Approved, summary: "sluice execute --auto-approve" }) { approvedAt }
          }`,
          { name, stage: stage.stageName, action: action.actionName, token: waiting.token },
        );
        note(`${stage.stageName}/${action.actionName} approved (--auto-approve)`);
      }
    }
  };
  const loop = async () => {
    while (!stopped) {
      await tick().catch((error: unknown) => note(`auto-approve: ${error instanceof Error ? error.message : String(error)}`));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  void loop();
  return { stop: () => void (stopped = true) };
}
