import { describe, expect, it } from '@jest/globals';
import { addAction, addStage, definitionText, newPipelineTemplate, removeAction, removeStage, withoutVersion } from './definition-edits';
import { definitionIssues, registryOf } from './definition-validation';

const registry = registryOf([]);

describe('the form edits of a definition', () => {
  const template = newPipelineTemplate('web');

  it('starts from a template the server would accept', () => {
    expect(definitionIssues(template, registry)).toEqual([]);
  });

  it('adds a stage, then an action to it, in CodePipeline\'s shape, leaving the rest alone', () => {
    const withStage = addStage(template, 'Test');
    expect(definitionIssues(withStage, registry)).toEqual([expect.objectContaining({ path: '$.stages[2].actions' })]);
    const withAction = addAction(withStage, 2, {
      name: 'Unit',
      actionTypeId: { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' },
      runOrder: 1,
      configuration: [{ key: 'Commands', value: 'npm test' }, { key: ' ', value: 'ignored' }],
      inputArtifacts: ['SourceOutput', ' '],
      outputArtifacts: [],
    });
    expect((withAction.stages as unknown[])[2]).toEqual({
      name: 'Test',
      actions: [{ name: 'Unit', actionTypeId: { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' }, runOrder: 1, configuration: { Commands: 'npm test' }, inputArtifacts: [{ name: 'SourceOutput' }] }],
    });
    expect(definitionIssues(withAction, registry)).toEqual([]);
    expect(withAction.artifactStore).toBe(template.artifactStore);
    expect((template.stages as unknown[]).length).toBe(2);
  });

  it('removes an action and a stage by position', () => {
    const withoutBuildAction = removeAction(template, 1, 0);
    expect((withoutBuildAction.stages as Array<{ actions: unknown[] }>)[1]!.actions).toEqual([]);
    expect((removeStage(template, 1).stages as Array<{ name: string }>).map((s) => s.name)).toEqual(['Source']);
  });

  it('refuses to edit a definition without a stages array', () => {
    expect(() => addStage({ name: 'x' }, 'Build')).toThrow(/stages/);
  });

  it('writes the text as two-space JSON and leaves the version to the save', () => {
    expect(definitionText(withoutVersion({ name: 'x', version: 3 }))).toBe('{\n  "name": "x"\n}\n');
  });
});

describe('the validator in the browser', () => {
  it('names each issue by its path, as the server does', () => {
    const definition = newPipelineTemplate('web');
    const build = (definition.stages as Array<{ actions: Array<Record<string, unknown>> }>)[1]!;
    build.actions[0]!.runOrder = 0;
    build.actions.push({ ...build.actions[0]!, runOrder: 1 });
    expect(definitionIssues(definition, registry).map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['$.stages[1].actions[0].runOrder', '$.stages[1].actions[1].name']),
    );
  });

  it('knows the custom action types of the account', () => {
    const custom = {
      id: { category: 'Deploy' as const, owner: 'Custom' as const, provider: 'Rocket', version: '1' },
      actionConfigurationProperties: [{ name: 'Target', required: true, key: true, secret: false }],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    };
    const definition = addAction(newPipelineTemplate('web'), 1, {
      name: 'Launch',
      actionTypeId: custom.id,
      runOrder: 2,
      configuration: [{ key: 'Target', value: 'moon' }],
      inputArtifacts: [],
      outputArtifacts: [],
    });
    expect(definitionIssues(definition, registry)).toEqual([expect.objectContaining({ path: '$.stages[1].actions[1].actionTypeId' })]);
    expect(definitionIssues(definition, registryOf([custom]))).toEqual([]);
  });
});
