import type { ActionExecutionDetail } from './action-executions';
import { deployTargetsOf } from './deploy-targets';

const detail = (actionTypeId: ActionExecutionDetail['input']['actionTypeId'], status: ActionExecutionDetail['status'], resolvedConfiguration: Record<string, string>): ActionExecutionDetail => ({
  pipelineExecutionId: 'e1',
  actionExecutionId: 'e1/Deploy/Ship/1',
  pipelineVersion: 1,
  stageName: 'Deploy',
  actionName: 'Ship',
  attempt: 1,
  runOrder: 1,
  status,
  startTime: '2026-01-02T03:04:05.000Z',
  lastUpdateTime: '2026-01-02T03:04:09.000Z',
  durationMs: null,
  updatedBy: null,
  input: { actionTypeId, configuration: {}, resolvedConfiguration, inputArtifacts: [], namespace: null },
  output: { outputArtifacts: [], outputVariables: {}, executionResult: { externalExecutionId: null, externalExecutionSummary: null, externalExecutionUrl: null, errorDetails: null } },
});
const directory = { category: 'Deploy' as const, owner: 'Sluice' as const, provider: 'Directory', version: '1' };

describe('deploy targets', () => {
  it('are the resolved directory of a Directory deploy, ended when the deploy ended', () => {
    expect(deployTargetsOf(detail(directory, 'Succeeded', { Path: '/srv/www' }))).toEqual([
      { targetId: '/srv/www', targetType: 'Directory', status: 'Succeeded', startTime: '2026-01-02T03:04:05.000Z', endTime: '2026-01-02T03:04:09.000Z' },
    ]);
    expect(deployTargetsOf(detail(directory, 'InProgress', { Path: '/srv/www' }))).toEqual([expect.objectContaining({ status: 'InProgress', endTime: null })]);
  });

  it.each([
    ['a Commands deploy', { ...directory, provider: 'Commands' }],
    ['a custom deploy', { ...directory, owner: 'Custom' as const, provider: 'Terraform' }],
    ['a build', { ...directory, category: 'Build' as const }],
  ])('are none for %s, which names no target Sluice knows', (_title, actionTypeId) => {
    expect(deployTargetsOf(detail(actionTypeId, 'Succeeded', { Path: '/srv/www' }))).toEqual([]);
  });
});
