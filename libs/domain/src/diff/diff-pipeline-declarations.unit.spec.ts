import type { PipelineDeclaration, StageDeclaration } from '../pipeline-definition/pipeline-declaration';
import { diffPipelineDeclarations } from './diff-pipeline-declarations';
import type { PipelineChange } from './pipeline-change';
import { commandsAction, commandsStage, directoryDeployAction, gitSourceStage, stage as stageOf } from '@sluice/testing/fixtures';

const source: StageDeclaration = gitSourceStage({ repositoryUrl: 'https://github.com/acme/shop.git', output: 'Code', namespace: 'SourceVariables' });

const build: StageDeclaration = stageOf(
  'Build',
  commandsAction('Compile', ['npm ci', 'npm run build'], { runOrder: 1, inputs: 'Code', outputs: [{ name: 'Bundle', files: ['dist/**'] }] }),
  commandsAction('Lint', ['npm run lint'], { category: 'Test', runOrder: 1, inputs: 'Code' }),
);

const test: StageDeclaration = commandsStage('Test', ['npm test'], { category: 'Test', action: 'Unit', inputs: 'Code' });

const deploy: StageDeclaration = stageOf('Deploy', directoryDeployAction('Publish', '/srv/shop', { inputs: 'Bundle' }));

const base: PipelineDeclaration = {
  name: 'shop',
  pipelineType: 'V2',
  executionMode: 'QUEUED',
  stages: [source, build, test, deploy],
  variables: [{ name: 'Env', defaultValue: 'staging' }],
  triggers: [
    {
      providerType: 'CodeStarSourceConnection',
      gitConfiguration: {
        sourceActionName: 'Checkout',
        push: [{ branches: { includes: ['main'] }, filePaths: { includes: ['src/**'] } }],
      },
    },
  ],
};

/** A deep copy of `base` changed by `edit`, so each case states only its edit. */
function edited(edit: (pipeline: PipelineDeclaration) => void): PipelineDeclaration {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

function stage(pipeline: PipelineDeclaration, name: string): StageDeclaration {
  const found = pipeline.stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

const cases: Array<[string, PipelineDeclaration, PipelineChange[]]> = [
  ['identical declarations', structuredClone(base), []],
  [
    'configuration value changed',
    edited((p) => {
      stage(p, 'Deploy').actions[0].configuration = { Path: '/srv/shop-v2' };
    }),
    [{ path: '$.stages[Deploy].actions[Publish].configuration.Path', kind: 'changed', before: '/srv/shop', after: '/srv/shop-v2' }],
  ],
  [
    'configuration key added',
    edited((p) => {
      stage(p, 'Source').actions[0].configuration = { ...source.actions[0].configuration, DetectChanges: 'false' };
    }),
    [{ path: '$.stages[Source].actions[Checkout].configuration.DetectChanges', kind: 'added', after: 'false' }],
  ],
  [
    'pipeline scalar changed',
    edited((p) => {
      p.executionMode = 'PARALLEL';
    }),
    [{ path: '$.executionMode', kind: 'changed', before: 'QUEUED', after: 'PARALLEL' }],
  ],
  [
    'stage added in the middle does not move the stages after it',
    edited((p) => {
      p.stages.splice(3, 0, { name: 'Approve', actions: [] });
    }),
    [{ path: '$.stages[Approve]', kind: 'added', after: { name: 'Approve', actions: [] } }],
  ],
  [
    'action removed',
    edited((p) => {
      stage(p, 'Build').actions.pop();
    }),
    [{ path: '$.stages[Build].actions[Lint]', kind: 'removed', before: build.actions[1] }],
  ],
  [
    'stage moved to the end',
    edited((p) => {
      const [moved] = p.stages.splice(2, 1);
      p.stages.push(moved);
    }),
    [{ path: '$.stages[Test]', kind: 'moved', before: 2, after: 3 }],
  ],
  [
    'two actions swapped (the one that kept its place is the earlier one) and one edited',
    edited((p) => {
      const actions = stage(p, 'Build').actions;
      actions.reverse();
      actions[0].runOrder = 2;
    }),
    [
      { path: '$.stages[Build].actions[Lint].runOrder', kind: 'changed', before: 1, after: 2 },
      { path: '$.stages[Build].actions[Compile]', kind: 'moved', before: 0, after: 1 },
    ],
  ],
  [
    'input artifact renamed and output glob added',
    edited((p) => {
      const compile = stage(p, 'Build').actions[0];
      compile.inputArtifacts = [{ name: 'Sources' }];
      compile.outputArtifacts = [{ name: 'Bundle', files: ['dist/**', 'package.json'] }];
    }),
    [
      { path: '$.stages[Build].actions[Compile].inputArtifacts[0].name', kind: 'changed', before: 'Code', after: 'Sources' },
      { path: '$.stages[Build].actions[Compile].outputArtifacts[0].files[1]', kind: 'added', after: 'package.json' },
    ],
  ],
  [
    'command removed from a list compared by index',
    edited((p) => {
      stage(p, 'Build').actions[0].commands = ['npm ci'];
    }),
    [{ path: '$.stages[Build].actions[Compile].commands[1]', kind: 'removed', before: 'npm run build' }],
  ],
  [
    'variable added and variable default changed',
    edited((p) => {
      p.variables = [{ name: 'Region', defaultValue: 'eu' }, { name: 'Env', defaultValue: 'prod' }];
    }),
    [
      { path: '$.variables[Region]', kind: 'added', after: { name: 'Region', defaultValue: 'eu' } },
      { path: '$.variables[Env].defaultValue', kind: 'changed', before: 'staging', after: 'prod' },
    ],
  ],
  [
    'trigger file path filter changed',
    edited((p) => {
      const push = p.triggers?.[0].gitConfiguration.push?.[0];
      if (push) push.filePaths = { includes: ['src/**'], excludes: ['docs/**'] };
    }),
    [{ path: '$.triggers[0].gitConfiguration.push[0].filePaths.excludes', kind: 'added', after: ['docs/**'] }],
  ],
  [
    'stage condition added',
    edited((p) => {
      stage(p, 'Deploy').onFailure = { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } };
    }),
    [
      {
        path: '$.stages[Deploy].onFailure',
        kind: 'added',
        after: { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } },
      },
    ],
  ],
  [
    'stage removed while another is added: no move is reported',
    edited((p) => {
      p.stages.splice(2, 1, { name: 'Integration', actions: [] });
    }),
    [
      { path: '$.stages[Integration]', kind: 'added', after: { name: 'Integration', actions: [] } },
      { path: '$.stages[Test]', kind: 'removed', before: test },
    ],
  ],
  [
    'a field set to undefined counts as absent',
    edited((p) => {
      p.roleArn = undefined;
    }),
    [],
  ],
  [
    'variables removed altogether',
    edited((p) => {
      delete p.variables;
    }),
    [{ path: '$.variables', kind: 'removed', before: base.variables }],
  ],
  [
    'changes come in alphabetical key order whatever the order of edits',
    edited((p) => {
      p.pipelineType = 'V1';
      p.name = 'shop-2';
      p.executionMode = 'SUPERSEDED';
    }),
    [
      { path: '$.executionMode', kind: 'changed', before: 'QUEUED', after: 'SUPERSEDED' },
      { path: '$.name', kind: 'changed', before: 'shop', after: 'shop-2' },
      { path: '$.pipelineType', kind: 'changed', before: 'V2', after: 'V1' },
    ],
  ],
  [
    'configuration key that is not an identifier is quoted',
    edited((p) => {
      stage(p, 'Deploy').actions[0].configuration = { Path: '/srv/shop', 'x-owner': "o'neil" };
    }),
    [{ path: '$.stages[Deploy].actions[Publish].configuration["x-owner"]', kind: 'added', after: "o'neil" }],
  ],
];

describe('diffPipelineDeclarations', () => {
  it.each(cases)('%s', (_name, after, expected) => {
    expect(diffPipelineDeclarations(base, after)).toEqual(expected);
  });

  it('is the mirror image when the arguments are swapped', () => {
    const after = edited((p) => {
      stage(p, 'Build').actions.pop();
      p.variables?.push({ name: 'Region' });
    });
    const forward = diffPipelineDeclarations(base, after);
    const backward = diffPipelineDeclarations(after, base);
    const mirror = { added: 'removed', removed: 'added', changed: 'changed', moved: 'moved' } as const;
    expect(backward.map((c) => ({ path: c.path, kind: c.kind }))).toEqual(
      forward.map((c) => ({ path: c.path, kind: mirror[c.kind] })),
    );
  });

  it('falls back to index matching when names repeat', () => {
    const before = edited((p) => {
      p.stages[1] = { ...p.stages[1], name: 'Source' };
    });
    const after = edited((p) => {
      p.stages[1] = { ...p.stages[1], name: 'Source' };
      p.stages[1].actions[0].runOrder = 3;
    });
    expect(diffPipelineDeclarations(before, after)).toEqual([
      { path: '$.stages[1].actions[0].runOrder', kind: 'changed', before: 1, after: 3 },
    ]);
  });
});
