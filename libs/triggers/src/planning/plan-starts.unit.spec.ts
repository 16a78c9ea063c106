import type { PipelineDeclaration, PipelineTriggerDeclaration } from '@sluice/domain';
import type { TriggerablePipeline } from '../pipeline-catalog';
import { planStarts } from './plan-starts';
import type { SourceEvent } from './source-event';

function pipeline(name: string, configuration: Record<string, string>, triggers?: PipelineTriggerDeclaration[]): TriggerablePipeline {
  const declaration: PipelineDeclaration = {
    name,
    stages: [
      {
        name: 'Source',
        actions: [{ name: 'Checkout', actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' }, configuration, outputArtifacts: [{ name: 'src' }] }],
      },
      { name: 'Build', actions: [{ name: 'Make', actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, commands: ['make'] }] },
    ],
    triggers,
  };
  return { account: 'acme', name, declaration };
}

const repo = { RepositoryUrl: 'git@github.com:acme/app.git', BranchName: 'main' };
const push = (ref: string, changedFiles?: string[]): SourceEvent => ({
  kind: 'push',
  repositoryUrls: ['https://github.com/acme/app.git', 'git@github.com:acme/app.git'],
  ref,
  commitId: 'c0ffee',
  changedFiles,
});
const names = (event: SourceEvent, pipelines: TriggerablePipeline[]) => planStarts(event, pipelines).map((p) => p.pipeline.name);

describe('planStarts', () => {
  it('starts a pipeline without triggers on a push to its BranchName, pinning the commit', () => {
    expect(planStarts(push('refs/heads/main'), [pipeline('app', repo)])).toEqual([
      { pipeline: expect.objectContaining({ name: 'app' }), sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: 'c0ffee' }] },
    ]);
  });

  it('ignores other branches, tags, other repositories and DetectChanges=false', () => {
    expect(names(push('refs/heads/dev'), [pipeline('app', repo)])).toEqual([]);
    expect(names(push('refs/tags/main'), [pipeline('app', repo)])).toEqual([]);
    expect(names(push('refs/heads/main'), [pipeline('other', { ...repo, RepositoryUrl: 'https://github.com/acme/other' })])).toEqual([]);
    expect(names(push('refs/heads/main'), [pipeline('off', { ...repo, DetectChanges: 'false' })])).toEqual([]);
  });

  it('applies the trigger filters of the source action instead of BranchName', () => {
    const triggers: PipelineTriggerDeclaration[] = [
      {
        providerType: 'CodeStarSourceConnection',
        gitConfiguration: { sourceActionName: 'Checkout', push: [{ branches: { includes: ['release/**'] }, filePaths: { includes: ['src/**'] } }] },
      },
    ];
    const filtered = pipeline('filtered', repo, triggers);
    expect(names(push('refs/heads/main', ['src/a.ts']), [filtered])).toEqual([]);
    expect(names(push('refs/heads/release/1', ['src/a.ts']), [filtered])).toEqual(['filtered']);
    expect(names(push('refs/heads/release/1', ['docs/a.md']), [filtered])).toEqual([]);
  });

  it('starts on a pull request only through a pullRequest filter', () => {
    const pr: SourceEvent = {
      kind: 'pullRequest',
      repositoryUrls: ['https://github.com/acme/app'],
      event: 'OPEN',
      sourceBranch: 'feature/x',
      destinationBranch: 'main',
      commitId: 'beef',
    };
    const withPr = pipeline('pr', repo, [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Checkout', pullRequest: [{ events: ['OPEN'] }] } }]);
    expect(planStarts(pr, [pipeline('plain', repo), withPr]).map((p) => [p.pipeline.name, p.sourceRevisions[0].revisionValue])).toEqual([['pr', 'beef']]);
  });

  it('treats a trigger for another source action as no trigger for this one', () => {
    const elsewhere = pipeline('elsewhere', repo, [
      { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'OtherSource', push: [{ branches: { includes: ['nothing'] } }] } },
    ]);
    expect(names(push('refs/heads/main'), [elsewhere])).toEqual(['elsewhere']);
  });
});
