import { ActionTypeRegistry, ValidationError, type PipelineDeclaration } from '@sluice/domain';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import type { CommandMetadata, ErrorCode } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import { AlreadyExistsError, NotFoundError, StaleVersionError } from '../errors';
import type { Tag } from '../tag';
import type { PipelineCommand } from './pipeline-commands';
import type { PipelineEvent } from '@sluice/contracts';
import { pipelineDecider } from './pipeline-decider';

const metadata: CommandMetadata = { now: '2026-01-02T03:04:05.000Z', account: 'acme', actor: 'alice', correlationId: 'c-1' };
const given = deciderSpec(pipelineDecider, { actionTypes: ActionTypeRegistry.builtIn() });

const v1 = { ...sourceBuildDeployPipeline('web'), version: 1 } as unknown as PipelineDeclaration;
const v2 = { ...v1, executionMode: 'QUEUED', version: 2 } as PipelineDeclaration;
const created: PipelineEvent = {
  type: 'PipelineCreated',
  data: { name: 'web', version: 1, declaration: v1, tags: [], created: '2026-01-01T00:00:00.000Z', createdBy: 'bob' },
};
const updated: PipelineEvent = {
  type: 'PipelineUpdated',
  data: { name: 'web', version: 2, declaration: v2, updated: '2026-01-01T01:00:00.000Z', updatedBy: 'bob' },
};
const deleted: PipelineEvent = { type: 'PipelineDeleted', data: { name: 'web', version: 2, deleted: '2026-01-01T02:00:00.000Z', deletedBy: 'bob' } };
const buildDisabled: PipelineEvent = {
  type: 'StageTransitionDisabled',
  data: { name: 'web', stageName: 'Build', transitionType: 'Inbound', reason: 'freeze', disabledBy: 'bob', disabledAt: '2026-01-01T03:00:00.000Z' },
};
const tagged: PipelineEvent = { type: 'PipelineTagged', data: { name: 'web', tags: [{ key: 'team', value: 'web' }] } };

const create = (declaration: unknown, tags: Tag[] = []): PipelineCommand => ({
  type: 'CreatePipeline',
  declaration,
  tags,
  metadata,
});
const update = (declaration: unknown): PipelineCommand => ({ type: 'UpdatePipeline', declaration, metadata });
const disable = (stageName: string, reason = 'release freeze', transitionType = 'Inbound'): PipelineCommand => ({
  type: 'DisableStageTransition',
  pipelineName: 'web',
  stageName,
  transitionType,
  reason,
  metadata,
});
const enable = (stageName: string): PipelineCommand => ({ type: 'EnableStageTransition', pipelineName: 'web', stageName, transitionType: 'Inbound', metadata });

describe('pipeline decider: accepted commands', () => {
  const cases: Array<[string, PipelineEvent[], PipelineCommand, PipelineEvent[]]> = [
    [
      'creates a pipeline at version 1, the definition as given',
      [],
      create(sourceBuildDeployPipeline('web'), [{ key: 'team', value: 'web' }]),
      [
        {
          type: 'PipelineCreated',
          data: {
            name: 'web',
            version: 1,
            declaration: { ...sourceBuildDeployPipeline('web'), version: 1 } as unknown as PipelineDeclaration,
            tags: [{ key: 'team', value: 'web' }],
            created: metadata.now,
            createdBy: 'alice',
          },
        },
      ],
    ],
    [
      'creates from a copy that carries another version: the new pipeline starts at 1',
      [],
      create({ ...sourceBuildDeployPipeline('web'), version: 7 }),
      [{ type: 'PipelineCreated', data: { name: 'web', version: 1, declaration: v1, tags: [], created: metadata.now, createdBy: 'alice' } }],
    ],
    [
      'recreates a deleted name on the same stream, versions going on',
      [created, updated, deleted],
      create(sourceBuildDeployPipeline('web')),
      [
        {
          type: 'PipelineCreated',
          data: { name: 'web', version: 3, declaration: { ...v1, version: 3 }, tags: [], created: metadata.now, createdBy: 'alice' },
        },
      ],
    ],
    [
      'updates from the latest version to the next',
      [created],
      update({ ...v1, executionMode: 'QUEUED', version: 1 }),
      [{ type: 'PipelineUpdated', data: { name: 'web', version: 2, declaration: v2, updated: metadata.now, updatedBy: 'alice' } }],
    ],
    [
      'deletes',
      [created, updated],
      { type: 'DeletePipeline', name: 'web', metadata },
      [{ type: 'PipelineDeleted', data: { name: 'web', version: 2, deleted: metadata.now, deletedBy: 'alice' } }],
    ],
    [
      'disables an inbound transition with who, when and why',
      [created],
      disable('Deploy'),
      [
        {
          type: 'StageTransitionDisabled',
          data: { name: 'web', stageName: 'Deploy', transitionType: 'Inbound', reason: 'release freeze', disabledBy: 'alice', disabledAt: metadata.now },
        },
      ],
    ],
    [
      'disables again with a new reason',
      [created, buildDisabled],
      disable('Build', 'still frozen'),
      [
        {
          type: 'StageTransitionDisabled',
          data: { name: 'web', stageName: 'Build', transitionType: 'Inbound', reason: 'still frozen', disabledBy: 'alice', disabledAt: metadata.now },
        },
      ],
    ],
    [
      'enables a disabled transition',
      [created, buildDisabled],
      enable('Build'),
      [{ type: 'StageTransitionEnabled', data: { name: 'web', stageName: 'Build', transitionType: 'Inbound', enabledBy: 'alice', enabledAt: metadata.now } }],
    ],
    [
      'tags a pipeline',
      [created],
      { type: 'TagPipeline', name: 'web', tags: [{ key: 'env', value: 'prod' }], metadata },
      [{ type: 'PipelineTagged', data: { name: 'web', tags: [{ key: 'env', value: 'prod' }] } }],
    ],
    [
      'untags only the keys present',
      [created, tagged],
      { type: 'UntagPipeline', name: 'web', tagKeys: ['team', 'absent'], metadata },
      [{ type: 'PipelineUntagged', data: { name: 'web', tagKeys: ['team'] } }],
    ],
  ];

  it.each(cases)('%s', (_title, history, command, expected) => {
    given(history).when(command).then(expected);
  });
});

describe('pipeline decider: nothing to do', () => {
  const cases: Array<[string, PipelineEvent[], PipelineCommand]> = [
    ['enabling an enabled transition', [created], enable('Build')],
    ['enabling a transition whose stage was disabled, then enabled', [created, buildDisabled, { type: 'StageTransitionEnabled', data: { name: 'web', stageName: 'Build', transitionType: 'Inbound', enabledBy: 'bob', enabledAt: metadata.now } }], enable('Build')],
    ['untagging keys the pipeline does not have', [created], { type: 'UntagPipeline', name: 'web', tagKeys: ['nope'], metadata }],
  ];

  it.each(cases)('%s', (_title, history, command) => {
    given(history).when(command).thenNothingHappened();
  });
});

describe('pipeline decider: refused commands', () => {
  const withIssueAt =
    (...paths: string[]) =>
    (error: Error) =>
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(expect.arrayContaining(paths));
  const withCode = (code: ErrorCode) => (error: Error) => expect(error).toMatchObject({ code });

  const cases: Array<[string, PipelineEvent[], PipelineCommand, abstract new (...args: never[]) => Error, ((error: Error) => void)?]> = [
    ['creating a name that exists', [created], create(sourceBuildDeployPipeline('web')), AlreadyExistsError, withCode('PIPELINE_NAME_IN_USE')],
    ['creating from a definition that is not an object', [], create('pipeline'), ValidationError, withIssueAt('$')],
    ['creating a definition with one stage', [], create({ ...sourceBuildDeployPipeline('web'), stages: [(sourceBuildDeployPipeline() as { stages: unknown[] }).stages[0]] }), ValidationError, withIssueAt('$.stages')],
    ['creating with a name holding a control character', [], create(sourceBuildDeployPipeline('we\u0007b')), ValidationError, withIssueAt('$.name')],
    ['creating with a reserved tag key', [], create(sourceBuildDeployPipeline('web'), [{ key: 'aws:owner', value: 'x' }]), ValidationError, withIssueAt('tags[0].key')],
    ['creating with a tag key given twice', [], create(sourceBuildDeployPipeline('web'), [{ key: 'a', value: '1' }, { key: 'a', value: '2' }]), ValidationError, withIssueAt('tags[1].key')],
    ['updating a pipeline that does not exist', [], update({ ...v1 }), NotFoundError, withCode('PIPELINE_NOT_FOUND')],
    ['updating a deleted pipeline', [created, deleted], update({ ...v1, version: 2 }), NotFoundError],
    ['updating from a stale version', [created, updated], update({ ...v1, version: 1 }), StaleVersionError, withCode('STALE_VERSION')],
    ['updating from a version not yet reached', [created], update({ ...v1, version: 5 }), StaleVersionError, withCode('STALE_VERSION')],
    ['updating without a version', [created], update({ ...sourceBuildDeployPipeline('web') }), ValidationError, (error) => (withIssueAt('$.version')(error), withCode('INVALID_INPUT')(error))],
    ['updating with a version that is not a positive integer', [created], update({ ...v1, version: '1' }), ValidationError, withIssueAt('$.version')],
    ['deleting a pipeline that does not exist', [], { type: 'DeletePipeline', name: 'web', metadata }, NotFoundError],
    ['deleting twice', [created, deleted], { type: 'DeletePipeline', name: 'web', metadata }, NotFoundError],
    ['disabling the transition of a stage that does not exist', [created], disable('Nope'), NotFoundError, withCode('STAGE_NOT_FOUND')],
    ['disabling the transition into the first stage', [created], disable('Source'), ValidationError, withIssueAt('stageName')],
    ['disabling without a reason', [created], disable('Build', ''), ValidationError, withIssueAt('reason')],
    ['disabling with a 301-character reason', [created], disable('Build', 'x'.repeat(301)), ValidationError, withIssueAt('reason')],
    ['disabling with a control character in the reason', [created], disable('Build', 'freeze\u0000now'), ValidationError, withIssueAt('reason')],
    ['disabling an outbound transition', [created], disable('Build', 'freeze', 'Outbound'), ValidationError, withIssueAt('transitionType')],
    ['disabling on a deleted pipeline', [created, deleted], disable('Build'), NotFoundError],
    ['enabling on a stage that does not exist', [created], enable('Nope'), NotFoundError],
    ['tagging with no tag', [created], { type: 'TagPipeline', name: 'web', tags: [], metadata }, ValidationError, withIssueAt('tags')],
    [
      'tagging past 50 tags',
      [created],
      { type: 'TagPipeline', name: 'web', tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })), metadata },
      ValidationError,
      withIssueAt('tags'),
    ],
    ['tagging a pipeline that does not exist', [], { type: 'TagPipeline', name: 'web', tags: [{ key: 'a', value: 'b' }], metadata }, NotFoundError],
  ];

  // A rest parameter: jest would pass `done` to a fifth named parameter on rows of four.
  it.each(cases)('%s', (...[, history, command, errorClass, matching]) => {
    given(history).when(command).thenThrows(errorClass, matching);
  });

  it('reports every issue of a definition at once', () => {
    const bad = sourceBuildDeployPipeline('web') as { stages: Array<{ name: string; actions: Array<Record<string, unknown>> }> };
    bad.stages[1]!.name = 'Source';
    bad.stages[2]!.actions[0]!.inputArtifacts = [{ name: 'Missing' }];
    given([]).when(create(bad)).thenThrows(ValidationError, (error) => {
      expect((error as ValidationError).issues.length).toBeGreaterThanOrEqual(2);
    });
  });
});

describe('pipeline state', () => {
  it('forgets a disabled transition whose stage an update removed', () => {
    const withoutDeploy = { ...v2, stages: v2.stages.slice(0, 2) };
    const removed: PipelineEvent = { ...updated, data: { ...updated.data, declaration: withoutDeploy } } as PipelineEvent;
    const deployDisabled: PipelineEvent = { ...buildDisabled, data: { ...buildDisabled.data, stageName: 'Deploy' } } as PipelineEvent;
    const state = [created, deployDisabled, removed].reduce(pipelineDecider.evolve, pipelineDecider.initialState);
    expect(state).toMatchObject({ status: 'Active', version: 2, disabledTransitions: {} });
  });
});
