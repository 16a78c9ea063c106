import type { ActionDeclaration, PipelineDeclaration } from '@sluice/domain';
import { pipelineGraph, sourceIdentity } from './pipeline-graph';

const type = (category: string, owner: string, provider: string) => ({ category, owner, provider, version: '1' }) as ActionDeclaration['actionTypeId'];
const git = (url: string, branch: string): ActionDeclaration => ({ name: 'Src', actionTypeId: type('Source', 'Sluice', 'Git'), configuration: { RepositoryUrl: url, BranchName: branch } });
const deploy = (name: string, environment?: string): ActionDeclaration => ({
  name,
  actionTypeId: type('Deploy', 'Sluice', 'Commands'),
  ...(environment ? { environment } : {}),
});
const invoke = (target: string, owner = 'Sluice', provider = 'Pipeline'): ActionDeclaration => ({ name: `Start-${target}`, actionTypeId: type('Invoke', owner, provider), configuration: { PipelineName: target } });
const pipeline = (name: string, ...stages: ActionDeclaration[][]): PipelineDeclaration =>
  ({ name, stages: stages.map((actions, index) => ({ name: `S${index + 1}`, actions })) }) as PipelineDeclaration;

describe('pipelineGraph', () => {
  it('joins pipelines through a shared repository and branch, an invoke and a shared environment', () => {
    const graph = pipelineGraph([
      pipeline('api', [git('https://git.example/app.git', 'main')], [deploy('ToStaging', 'staging')], [invoke('web')]),
      pipeline('web', [git('https://git.example/app.git', 'main')], [deploy('ToStaging', 'staging'), deploy('Plain')]),
      pipeline('docs', [git('https://git.example/app.git', 'docs')]),
    ]);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.pipelineNames])).toEqual([
      ['environment:staging', 'ENVIRONMENT', ['api', 'web']],
      ['pipeline:api', 'PIPELINE', ['api']],
      ['pipeline:docs', 'PIPELINE', ['docs']],
      ['pipeline:web', 'PIPELINE', ['web']],
      ['source:git:https://git.example/app.git#docs', 'SOURCE', ['docs']],
      ['source:git:https://git.example/app.git#main', 'SOURCE', ['api', 'web']],
    ]);
    expect(graph.edges).toEqual([
      { from: 'pipeline:api', to: 'environment:staging', kind: 'DEPLOYS_TO', via: ['S2/ToStaging'] },
      { from: 'pipeline:api', to: 'pipeline:web', kind: 'INVOKES', via: ['S3/Start-web'] },
      { from: 'pipeline:web', to: 'environment:staging', kind: 'DEPLOYS_TO', via: ['S2/ToStaging'] },
      { from: 'source:git:https://git.example/app.git#docs', to: 'pipeline:docs', kind: 'SOURCE', via: ['S1/Src'] },
      { from: 'source:git:https://git.example/app.git#main', to: 'pipeline:api', kind: 'SOURCE', via: ['S1/Src'] },
      { from: 'source:git:https://git.example/app.git#main', to: 'pipeline:web', kind: 'SOURCE', via: ['S1/Src'] },
    ]);
  });

  it("reads AWS's Invoke/AWS/CodePipeline as an invoke, and says nothing of a pipeline it was not given", () => {
    const graph = pipelineGraph([pipeline('a', [invoke('b', 'AWS', 'CodePipeline')], [invoke('hidden')]), pipeline('b', [deploy('X')])]);
    expect(graph.edges).toEqual([{ from: 'pipeline:a', to: 'pipeline:b', kind: 'INVOKES', via: ['S1/Start-b'] }]);
    expect(JSON.stringify(graph)).not.toContain('pipeline:hidden');
  });

  it('keys S3 and Upload sources by bucket and key, and an environment only on Deploy actions', () => {
    const s3: ActionDeclaration = { name: 'S3', actionTypeId: type('Source', 'AWS', 'S3'), configuration: { S3Bucket: 'b', S3ObjectKey: 'k.zip' } };
    const upload: ActionDeclaration = { name: 'Up', actionTypeId: type('Source', 'Sluice', 'Upload'), configuration: { ObjectKey: 'k.zip' } };
    expect(sourceIdentity(s3)).toEqual({ key: 's3:b/k.zip', label: 's3://b/k.zip' });
    expect(sourceIdentity(upload)).toEqual({ key: 'upload:k.zip', label: 'upload k.zip' });
    const graph = pipelineGraph([pipeline('one', [s3, upload], [{ ...deploy('Test'), actionTypeId: type('Test', 'Sluice', 'Commands'), environment: 'prod' }])]);
    expect(graph.nodes.map((n) => n.id)).toEqual(['pipeline:one', 'source:s3:b/k.zip', 'source:upload:k.zip']);
  });
});
