import { testSandbox } from '../sandbox/testing/test-sandbox';
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { actionTypeKey, BUILD_COMMANDS, DIRECTORY_DEPLOY, GIT_SOURCE } from '@sluice/domain';
import { runJob, type CompletedJob, type WorkerJob } from '../workspace/run-job';
import type { ActionProvider } from './action-provider';
import { providerRegistry } from './provider-registry';
import { GitRepository } from './testing/git-repository';
import { recordingIo, TestJobs } from './testing/provider-job';

/** A tiny real Node project: fetched by Source/Git, built and tested by Commands (npm scripts), deployed by Deploy/Directory. */
const project: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'greeter',
    version: '1.0.0',
    private: true,
    scripts: {
      build: 'node build.js',
      test: 'node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=reports/junit.xml test/',
    },
  }),
  'src/greet.js': "module.exports = (name) => `Hello, ${name}!`;\n",
  'build.js': [
    "const fs = require('fs');",
    "const greet = require('./src/greet');",
    "fs.mkdirSync('dist', { recursive: true });",
    "fs.writeFileSync('dist/index.html', `<h1>${greet('Sluice')}</h1>\\n`);",
    "fs.writeFileSync('dist/VERSION', process.env.SourceVariables_CommitId || 'unknown');",
    "console.log('built dist/');",
  ].join('\n'),
  'test/greet.test.js': [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "const greet = require('../src/greet');",
    "test('greets by name', () => assert.strictEqual(greet('Ada'), 'Hello, Ada!'));",
    "test('greets the empty name', () => assert.strictEqual(greet(''), 'Hello, !'));",
  ].join('\n'),
};

describe('a small real build: Source/Git -> Build/Commands -> Deploy/Directory', () => {
  const jobs = new TestJobs();
  let store: ArtifactStore;
  let registry: ReadonlyMap<string, ActionProvider>;
  let deployRoot: string;

  beforeAll(async () => {
    store = await openFilesystemArtifactStore({ root: await jobs.folder('sluice-store-'), fsync: false });
    deployRoot = await jobs.folder('sluice-deployments-');
    registry = providerRegistry({ store, sandbox: await testSandbox(), killGraceMs: 500, allowedDirectoryRoots: [deployRoot] });
  });
  afterAll(async () => {
    await store.close();
    await jobs.cleanUp();
  });

  async function run(typeKey: string, job: Partial<WorkerJob>): Promise<{ completed: CompletedJob; log: string }> {
    const provider = registry.get(typeKey);
    if (provider === undefined) throw new Error(`no provider for ${typeKey}`);
    const io = recordingIo();
    const base: WorkerJob = { jobId: `job-${typeKey}`, pipelineExecutionId: 'exec-1', stageName: 'S', actionName: 'A', configuration: {}, inputArtifacts: [], outputArtifacts: [], timeoutMs: 60_000, variables: {} };
    const completed = await runJob(provider, { ...base, ...job }, io, { store, root: await jobs.folder('sluice-workspaces-') });
    return { completed, log: io.text() };
  }

  it('fetches, builds, tests and deploys the project', async () => {
    const repo = new GitRepository(await jobs.folder('sluice-repo-'));
    for (const [path, content] of Object.entries(project)) repo.write(path, content);
    const commit = repo.commit('Greeter', '2024-06-01T08:00:00Z');

    const source = await run(actionTypeKey(GIT_SOURCE.id), {
      configuration: { RepositoryUrl: pathToFileURL(repo.dir).href, BranchName: 'main' },
      outputArtifacts: [{ name: 'SourceOutput' }],
    });
    expect(source.completed.outputVariables['CommitId']).toBe(commit);

    const build = await run(actionTypeKey(BUILD_COMMANDS.id), {
      configuration: { Commands: 'npm run --silent build\nmkdir -p reports\nnpm test' },
      inputArtifacts: [{ name: 'SourceOutput', location: source.completed.outputArtifacts[0]?.location ?? '' }],
      outputArtifacts: [{ name: 'Site', files: ['dist/**'] }],
      variables: { 'SourceVariables.CommitId': commit },
    });
    expect(build.log).toContain('built dist/');
    expect(build.log).toMatch(/greets by name/);
    expect(build.completed.summary).toMatch(/Tests: 2, 2 passed, 0 failed, 0 errors, 0 skipped \(1 report\)$/);

    const target = join(deployRoot, 'greeter');
    const deploy = await run(actionTypeKey(DIRECTORY_DEPLOY.id), {
      configuration: { Path: target },
      inputArtifacts: [{ name: 'Site', location: build.completed.outputArtifacts[0]?.location ?? '' }],
    });
    expect(await readFile(join(target, 'current', 'dist', 'index.html'), 'utf8')).toBe('<h1>Hello, Sluice!</h1>\n');
    expect(await readFile(join(target, 'current', 'dist', 'VERSION'), 'utf8')).toBe(commit);
    expect(await readlink(join(target, 'current'))).toBe(`releases/${deploy.completed.outputVariables['ReleaseId']}`);
  });
});
