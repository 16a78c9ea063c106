import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ActionDeclaration, PipelineDeclaration } from '@sluice/domain';
import { eventually } from '@sluice/executions/testing';
import { alice, WorkerTestEnvironment } from './loop/testing/worker-test-environment';
import { GitRepository } from './providers/testing/git-repository';

// A real pipeline run by the worker loop against the executions engine on PostgreSQL: a git repository
// in a temp folder, a shell project built and tested by Commands, deployed by Directory.
const git = (name: string, repositoryUrl: string): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
  configuration: { RepositoryUrl: repositoryUrl, BranchName: 'main' },
  outputArtifacts: [{ name: 'SourceOutput' }],
  namespace: 'SourceVariables',
});

const commands = (name: string, lines: string[], extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
  inputArtifacts: [{ name: 'SourceOutput' }],
  commands: lines,
  ...extra,
});

const project: Record<string, string> = {
  'name.txt': 'Sluice\n',
  'build.sh': [
    '#!/usr/bin/env bash',
    'set -e',
    'mkdir -p dist',
    'printf "<h1>Hello from %s</h1>\\n" "$(cat name.txt)" > dist/index.html',
    'printf "%s" "$COMMIT" > dist/VERSION',
    'echo "built dist/ for $COMMIT"',
  ].join('\n'),
  'test.sh': ['#!/usr/bin/env bash', 'set -e', 'grep -q "Hello from Sluice" dist/index.html', 'echo "1 test passed"'].join('\n'),
};

let env: WorkerTestEnvironment;
let repo: GitRepository;
let commit: string;

beforeAll(async () => {
  env = await WorkerTestEnvironment.start();
  repo = new GitRepository(await env.folder('sluice-e2e-repo-'));
  for (const [path, content] of Object.entries(project)) repo.write(path, content, path.endsWith('.sh'));
  commit = repo.commit('A tiny shell project', '2024-06-01T08:00:00Z');
  env.startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await env?.stop();
});

describe('the worker loop runs a real pipeline', () => {
  it('fetches, builds, tests and deploys: Source/Git -> Build/Commands -> Deploy/Directory', async () => {
    const target = join(env.deployRoot, 'site');
    const declaration: PipelineDeclaration = {
      name: 'site',
      stages: [
        { name: 'Source', actions: [git('Checkout', pathToFileURL(repo.dir).href)] },
        {
          name: 'Build',
          actions: [
            commands('Build', ['echo "compiling #{SourceVariables.CommitId}"', 'sleep 1', './build.sh', './test.sh', 'export BUILD_ID="build-$(cat name.txt)"'], {
              environmentVariables: [{ name: 'COMMIT', value: '#{SourceVariables.CommitId}' }],
              outputArtifacts: [{ name: 'Site', files: ['dist/**'] }],
              outputVariables: ['BUILD_ID'],
              namespace: 'BuildVariables',
            }),
          ],
        },
        {
          name: 'Deploy',
          actions: [
            {
              name: 'Publish',
              actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Directory', version: '1' },
              inputArtifacts: [{ name: 'Site' }],
              configuration: { Path: target },
            },
          ],
        },
      ],
    };
    await env.publish(declaration);

    const started = Date.now();
    const executionId = await env.start('site');
    // Read from the store while the job runs: the line is there before the action ends.
    await env.logged(executionId, `compiling ${commit}`);
    const buildStatusThen = (await env.actionExecutions('site', executionId)).find((detail) => detail.actionName === 'Build')?.status;
    expect(await env.finished('site', executionId)).toBe('Succeeded');
    console.log(`Source/Git -> Build/Commands -> Deploy/Directory through the worker loop: ${Date.now() - started} ms`);

    expect(buildStatusThen).toBe('InProgress');
    const logs = await env.logs(executionId);
    const compiling = logs.find((entry) => entry.actionName === 'Build' && entry.chunk.includes(`compiling ${commit}`));
    const buildSucceeded = env.events.find((event) => event.type === 'JobSucceeded' && event.jobId === compiling?.jobId);
    expect(Date.parse(compiling?.at ?? '')).toBeLessThan((buildSucceeded?.at ?? 0) - 900);
    expect(logs.filter((entry) => entry.jobId === compiling?.jobId).map((entry) => entry.chunk).join('')).toContain('1 test passed');

    const actions = await env.actionExecutions('site', executionId);
    const byName = (name: string) => actions.find((detail) => detail.actionName === name);
    expect(actions.map((detail) => [detail.actionName, detail.status])).toEqual(
      expect.arrayContaining([
        ['Checkout', 'Succeeded'],
        ['Build', 'Succeeded'],
        ['Publish', 'Succeeded'],
      ]),
    );
    expect(byName('Checkout')?.output.outputVariables).toMatchObject({ CommitId: commit, BranchName: 'main', CommitMessage: 'A tiny shell project' });
    expect(byName('Build')?.output.outputVariables).toEqual({ BUILD_ID: 'build-Sluice' });
    expect(byName('Build')?.output.executionResult.externalExecutionSummary).toMatch(/^5 commands succeeded/);
    const releaseId = byName('Publish')?.output.outputVariables['ReleaseId'];

    expect(await readlink(join(target, 'current'))).toBe(`releases/${releaseId}`);
    expect(await readFile(join(target, 'current', 'dist', 'index.html'), 'utf8')).toBe('<h1>Hello from Sluice</h1>\n');
    expect(await readFile(join(target, 'current', 'dist', 'VERSION'), 'utf8')).toBe(commit);
    expect((await readdir(join(target, 'current'))).sort()).toEqual(['dist']);
    // No job's workspace is left (each goes right after its job's result, decision 0060); only the worker's own
    // extracted inputs, until it stops.
    let left: string[] = [];
    await eventually(async () => (left = (await readdir(env.workspaceRoot)).filter((name) => !name.startsWith('.inputs-'))).length === 0, () => `left: ${left.join(', ')}`, 10_000);
  });

  it('fails the action with the exit code, and the execution with it', async () => {
    await env.publish({
      name: 'broken',
      stages: [
        { name: 'Source', actions: [git('Checkout', pathToFileURL(repo.dir).href)] },
        { name: 'Build', actions: [commands('Build', ['echo "about to fail"', 'exit 3', 'echo "never printed"'])] },
        { name: 'Deploy', actions: [commands('Ship', ['true'])] },
      ],
    });
    const executionId = await env.start('broken');
    expect(await env.finished('broken', executionId)).toBe('Failed');

    const build = (await env.actionExecutions('broken', executionId)).find((detail) => detail.actionName === 'Build');
    expect(build?.status).toBe('Failed');
    expect(build?.output.executionResult.errorDetails).toMatch(/Commands failed with exit code 3/);
    expect(build?.output.executionResult.errorDetails).toContain('about to fail');
    expect((await env.engine.getPipelineState(alice, 'broken')).stageStates.map((stage) => stage.latestExecution?.status ?? null)).toEqual(['Succeeded', 'Failed', null]);
    expect(env.events).toContainEqual(expect.objectContaining({ type: 'JobFailed', failureType: 'JobFailed' }));
  });
});
