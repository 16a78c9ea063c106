import { ActionTypeRegistry, ValidationError, type CommandMetadata } from '@sluice/domain';
import type { PipelineCommand } from './pipeline-commands';
import { decidePipeline } from './pipeline-decider';
import { initialPipelineState } from './pipeline-state';
import { CODEBUILD, codeBuildAction, codeCommitSourceAction, stage } from '@sluice/testing/fixtures';

const metadata: CommandMetadata = { now: '2026-01-02T03:04:05.000Z', account: 'acme', actor: 'alice', correlationId: 'c-1' };
const context = { actionTypes: ActionTypeRegistry.builtIn() };

function awsDefinition(buildProvider = 'CodeBuild') {
  const actionTypeId = { ...CODEBUILD, category: buildProvider === 'CodeBuild' ? 'Build' : 'Deploy', provider: buildProvider } as const;
  return { name: 'aws-web', stages: [stage('Source', codeCommitSourceAction()), stage('Build', codeBuildAction({ actionTypeId }))] };
}

const create = (declaration: unknown): PipelineCommand => ({ type: 'CreatePipeline', declaration, tags: [], metadata });

describe('pipeline decider with AWS-owned action types', () => {
  it('records the mapped declaration for the engine and the definition as given', () => {
    const given = awsDefinition();
    const [event] = decidePipeline(create(given), initialPipelineState, context);
    if (event?.type !== 'PipelineCreated') throw new Error('expected PipelineCreated');
    expect(event.data.givenDeclaration).toEqual({ ...given, version: 1 });
    expect(event.data.declaration.stages[0]!.actions[0]!.actionTypeId).toEqual({ category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' });
    expect(event.data.declaration.stages[1]!.actions[0]).toMatchObject({
      actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
      commands: ['echo built'],
    });
    expect(event.data.declaration.version).toBe(1);
  });

  it('records no given definition for a plain Sluice definition', () => {
    const plain = {
      name: 'plain',
      stages: [
        { name: 'S', actions: [{ name: 'Up', actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Upload', version: '1' }, configuration: { ObjectKey: 'src.zip' }, outputArtifacts: [{ name: 'a' }] }] },
        { name: 'B', actions: [{ name: 'C', actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, commands: ['true'], inputArtifacts: [{ name: 'a' }] }] },
      ],
    };
    const [event] = decidePipeline(create(plain), initialPipelineState, context);
    expect(event?.type).toBe('PipelineCreated');
    expect(event && 'givenDeclaration' in event.data).toBe(false);
  });

  it('refuses an AWS-owned type with no mapping at its actionTypeId', () => {
    let error: unknown;
    try {
      decidePipeline(create(awsDefinition('CloudFormation')), initialPipelineState, context);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      expect.objectContaining({ path: '$.stages[1].actions[0].actionTypeId', code: 'unmapped_aws_action_type' }),
    ]);
  });
});
