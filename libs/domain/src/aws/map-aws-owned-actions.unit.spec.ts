import { ActionTypeRegistry } from '../action-types/action-type-registry';
import { validatePipelineDeclaration } from '../pipeline-definition/validate-pipeline';
import { declarationIssues } from '../pipeline-definition/accept-declaration';
import { mapAwsOwnedActions } from './map-aws-owned-actions';
import { CODEBUILD, codeBuildAction, codeCommitSourceAction, MANUAL_APPROVAL, stage } from '@sluice/testing/fixtures';

function awsDefinition(buildType = CODEBUILD) {
  return {
    name: 'aws-owned',
    pipelineType: 'V2',
    stages: [stage('Source', codeCommitSourceAction()), stage('Build', codeBuildAction({ projectName: 'shop-build', actionTypeId: buildType }), { name: 'Approve', actionTypeId: MANUAL_APPROVAL, runOrder: 2 })],
  };
}

describe('mapAwsOwnedActions', () => {
  it('maps CodeCommit and CodeBuild to Sluice providers and leaves the input untouched', () => {
    const given = awsDefinition();
    const before = JSON.stringify(given);
    const result = mapAwsOwnedActions(given);
    expect(JSON.stringify(given)).toBe(before);
    if (result.kind !== 'mapped') throw new Error(`expected mapped, got ${result.kind}`);
    const stages = result.runnable.stages as Array<{ actions: Array<Record<string, unknown>> }>;
    expect(stages[0]!.actions[0]).toMatchObject({
      name: 'Checkout',
      actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
      configuration: { RepositoryUrl: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop', BranchName: 'main' },
      outputArtifacts: [{ name: 'src' }],
    });
    expect(stages[1]!.actions[0]).toMatchObject({
      name: 'Compile',
      actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
      commands: ['echo built'],
      inputArtifacts: [{ name: 'src' }],
    });
    expect(stages[1]!.actions[1]).toEqual(given.stages[1]!.actions[1]);
    const validation = validatePipelineDeclaration(result.runnable, ActionTypeRegistry.builtIn());
    expect(validation.valid ? [] : validation.issues).toEqual([]);
  });

  it('refuses an AWS-owned type with no mapping, at its actionTypeId, naming the mapped types', () => {
    const result = mapAwsOwnedActions(awsDefinition({ category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' }));
    if (result.kind !== 'refused') throw new Error(`expected refused, got ${result.kind}`);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ path: '$.stages[1].actions[0].actionTypeId', code: 'unmapped_aws_action_type' });
    expect(result.issues[0]!.message).toContain('Deploy/AWS/CloudFormation');
    expect(result.issues[0]!.message).toContain('Build/AWS/CodeBuild');
  });

  it('is reported with every other issue of the definition at once, each at its path (create-pipeline)', () => {
    const given = awsDefinition({ category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' });
    // Two more mistakes: a second stage named Source, and an action whose runOrder is 0.
    const broken = {
      ...given,
      stages: [...given.stages, { ...given.stages[0]!, name: 'Source' }, stage('Later', { ...codeCommitSourceAction(), name: 'Again', runOrder: 0 })],
    };
    const issues = declarationIssues(broken, ActionTypeRegistry.builtIn());
    const paths = issues.map((issue) => issue.path);
    expect(paths).toContain('$.stages[1].actions[0].actionTypeId');
    expect(issues.filter((issue) => issue.path === '$.stages[1].actions[0].actionTypeId').map((issue) => issue.code)).toEqual(['unmapped_aws_action_type']);
    expect(paths).toContain('$.stages[2].name');
    expect(paths.some((path) => path.startsWith('$.stages[3].actions[0].runOrder'))).toBe(true);
  });

  it("leaves a ThirdParty type it does not map to the account's registry, where a partner's registered type is found", () => {
    const partner = { category: 'Deploy', owner: 'ThirdParty', provider: 'PartnerDeploy', version: '1' } as const;
    const definition = {
      name: 'partner',
      stages: [stage('Source', codeCommitSourceAction()), { name: 'Deploy', actions: [{ name: 'Ship', actionTypeId: partner, runOrder: 1, inputArtifacts: [{ name: 'src' }], configuration: {} }] }],
    };
    const result = mapAwsOwnedActions(definition);
    if (result.kind !== 'mapped') throw new Error(`expected mapped, got ${result.kind}`);
    expect((result.runnable.stages as Array<{ actions: unknown[] }>)[1]!.actions[0]).toEqual(definition.stages[1]!.actions[0]);
    expect(declarationIssues(definition, ActionTypeRegistry.builtIn()).map((issue) => [issue.path, issue.code])).toEqual([['$.stages[1].actions[0].actionTypeId', 'unknown_action_type']]);
    const registered = ActionTypeRegistry.builtIn().withCustom([
      { id: partner, actionConfigurationProperties: [], inputArtifactDetails: { minimumCount: 0, maximumCount: 1 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 0 } },
    ]);
    expect(declarationIssues(definition, registered)).toEqual([]);
  });

  it('leaves Sluice definitions and malformed input to the validator', () => {
    const sluice = {
      name: 'plain',
      stages: [{ name: 'S', actions: [{ name: 'A', actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, commands: ['true'] }] }],
    };
    expect(mapAwsOwnedActions(sluice)).toEqual({ kind: 'none' });
    expect(mapAwsOwnedActions(null)).toEqual({ kind: 'none' });
    expect(mapAwsOwnedActions({ stages: [{ actions: [{ name: 'x', actionTypeId: { owner: 'AWS' } }] }] })).toEqual({ kind: 'none' });
  });
});
