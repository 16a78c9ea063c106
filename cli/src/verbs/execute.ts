import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ActionTypeRegistry, declarationIssues } from '@sluice/domain/browser';
import { CliError, badInput } from '../cli-error';
import { Gateway } from '../gateway';
import { loadPlatform } from '../platform-module';
import { parseJson } from '../values';
import type { Verb } from '../verb';
import { EXECUTION_FIELDS, type ExecutionAnswer } from './executions';
import { executionEndError } from './execution-end';
import { followLogs, LogPrinter } from './logs';

interface Declaration {
  name?: unknown;
  stages?: Array<{ name?: unknown; actions?: Array<{ name?: unknown; actionTypeId?: { category?: unknown; owner?: unknown; provider?: unknown }; configuration?: Record<string, unknown> }> }>;
}

const isGitSource = (action: { actionTypeId?: { category?: unknown; owner?: unknown; provider?: unknown } }): boolean =>
  action.actionTypeId?.category === 'Source' && action.actionTypeId.owner === 'Sluice' && action.actionTypeId.provider === 'Git';

/** `--source DIR`: every `Source/Sluice/Git` action reads `repositoryUrl` (a snapshot of DIR), so it needs no URL of its own. */
export function withLocalSource(declaration: Declaration, repositoryUrl: string): Declaration {
  if (!Array.isArray(declaration.stages)) return declaration;
  let found = false;
  const stages = declaration.stages.map((stage) => ({
    ...stage,
    actions: (stage.actions ?? []).map((action) => {
      if (!isGitSource(action)) return action;
      found = true;
      return { ...action, configuration: { ...action.configuration, RepositoryUrl: repositoryUrl, BranchName: 'main', DetectChanges: 'false' } };
    }),
  }));
  if (!found) throw badInput('--source: the definition has no Source/Sluice/Git action to read the folder (give its first stage one, without a RepositoryUrl)');
  return { ...declaration, stages };
}

/** The files of `dir` as they are now (its own .git left out), committed to a new repository at `into` on branch main. */
async function snapshotFolder(dir: string, into: string): Promise<void> {
  await cp(dir, into, { recursive: true, filter: (path) => basename(path) !== '.git' });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=sluice execute', '-c', 'user.email=execute@sluice.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: into, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', `sluice execute --source ${dir}`);
}

async function sourceFolder(raw: string): Promise<string> {
  const dir = resolve(raw);
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw badInput(`--source: cannot read ${raw}: ${error.code ?? error.message}`);
  });
  if (!info.isDirectory()) throw badInput(`--source: ${raw} is not a folder`);
  return dir;
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

/** docs/cli.md's worked example of `execute` (cli.e2e.spec.ts runs it as written). */
const EXECUTE_GUIDE = `
A minimal run, a folder without a git repository as its source (\`--source\`: the Git source action needs no
\`RepositoryUrl\` then):

\`\`\`bash
mkdir -p site && echo '<h1>Hello</h1>' > site/index.html
cat > pipeline.json <<'EOF'
{
  "name": "site",
  "stages": [
    { "name": "Source", "actions": [{ "name": "Files", "actionTypeId": { "category": "Source", "owner": "Sluice", "provider": "Git", "version": "1" },
        "outputArtifacts": [{ "name": "Site" }] }] },
    { "name": "Test", "actions": [{ "name": "Check", "actionTypeId": { "category": "Test", "owner": "Sluice", "provider": "Commands", "version": "1" },
        "configuration": { "Commands": "grep -q Hello index.html && echo index.html says Hello" }, "inputArtifacts": [{ "name": "Site" }] }] }
  ]
}
EOF
sluice execute pipeline.json --source ./site
\`\`\`

It prints each action's log on stdout and what happens on stderr, ending with the result, and exits 0:

\`\`\`text
running site (execution …)
Source/Files started (Source/Sluice/Git/1)
Source/Files succeeded in …
Test/Check started (Test/Sluice/Commands/1)
[Test/Check] index.html says Hello
Test/Check succeeded in …
site Succeeded
\`\`\`

A definition that cannot run is refused before anything starts, each issue once with its JSON path (exit 2).
`;

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
    {
      name: 'source',
      type: 'string',
      description: 'A folder (no git repository needed) whose files, as they are now, every Source/Sluice/Git action of the definition outputs; those actions then need no RepositoryUrl.',
    },
  ],
  examples: [
    'sluice execute pipeline.json',
    'sluice execute pipeline.json --stage Test',
    'sluice execute pipeline.json --source ./site',
    'sluice execute release.json --auto-approve --variables name=Environment,value=local',
  ],
  guide: EXECUTE_GUIDE,
  async run(input, { io, progress }) {
    const file = input['definitionFile'] as string;
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw badInput(`PIPELINE: cannot read ${file}: ${error.code ?? error.message}`);
    });
    const source = typeof input['source'] === 'string' ? await sourceFolder(input['source']) : undefined;
    const dataDir = await mkdtemp(join(tmpdir(), 'sluice-execute-'));
    const sourceRepository = join(dataDir, 'source');
    let declaration: Declaration;
    try {
      // Everything is checked before anything starts: a definition the platform would refuse is refused in a blink.
      const parsed = parseJson(text, file) as Declaration;
      declaration = definitionToRun(source ? withLocalSource(parsed, `file://${sourceRepository}`) : parsed, input['stage'] as string | undefined, input['autoApprove'] === true);
      if (source) await snapshotFolder(source, sourceRepository);
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
    // Loaded here, not at the top: only `execute` needs the platform, and loading it costs a second.
    const { loadPlatformConfig, startPlatform } = await loadPlatform();
    const note = (line: string) => io.stderr.write(`${line}\n`);
    // The worker may start the first job before the start's answer comes back: its lines wait for the header.
    let held: string[] | undefined = [];
    const workerLine = (line: string) => (held ? held.push(line) : note(line));
    // The operator's settings (sandbox, worker, deploy roots, …) as `npm start` takes them, but a store and a bus of
    // its own in the temporary folder, any free port, and no polling.
    const config = loadPlatformConfig({ ...process.env, SLUICE_PORT: '0', SLUICE_DATA_DIR: dataDir, SLUICE_EVENT_STORE: '', SLUICE_KAFKA_BROKERS: '' });
    const platform = await startPlatform({ ...config, pollIntervalMs: 24 * 60 * 60 * 1000 }, {
      demo: false,
      log: (line) => {
        if (line.startsWith('worker: ')) workerLine(line.slice('worker: '.length));
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
      for (const line of held ?? []) note(line);
      held = undefined;
      const approving = input['autoApprove'] === true ? approveAsTheyCome(gateway, name, id, note) : undefined;
      await followLogs(gateway, { executionId: id }, new LogPrinter(io.stdout));
      approving?.stop();
      const { getPipelineExecution: execution } = await gateway.request<{ getPipelineExecution: ExecutionAnswer }>(
        `query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { ${EXECUTION_FIELDS} } }`,
        { name, id },
      );
      progress('');
      if (execution.status !== 'Succeeded') {
        throw new CliError(executionEndError(name, id, execution.status, null).kind, `${name} ${execution.status}${execution.statusSummary ? `: ${execution.statusSummary}` : ''}`);
      }
      note(`${name} Succeeded`);
      return undefined;
    } finally {
      for (const line of held ?? []) note(line);
      held = undefined;
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
