import type { ActionDeclaration, ExecutionMode, PipelineDeclaration, StageDeclaration } from '@sluice/domain';
import type { ExecutionCommandMetadata, StartPipelineExecution } from '../execution/execution-commands';
import type { JobSpec, PipelineRef } from '@sluice/contracts';

/** Definitions and commands the executions domain tests share. */
export const T0 = '2026-03-01T10:00:00.000Z';
export const pipelineRef: PipelineRef = { account: 'acme', name: 'web' };

/** The entropy of the tests' commands: fixed, so the ids drawn from it are the same at every run (drawnJobId). */
export const ENTROPY = 'entropy-of-the-domain-tests';

export function metadataAt(now: string, actor = 'alice', entropy = ENTROPY): ExecutionCommandMetadata {
  return { now, account: 'acme', actor, correlationId: 'c-1', entropy };
}

export function sourceAction(name = 'Checkout', output = 'SourceOutput'): ActionDeclaration {
  return {
    name,
    actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
    runOrder: 1,
    configuration: { RepositoryUrl: 'https://git.example.com/web.git', BranchName: 'main' },
    outputArtifacts: [{ name: output }],
    namespace: 'SourceVariables',
  };
}

export function commandsAction(name: string, runOrder = 1, extra: Partial<ActionDeclaration> = {}): ActionDeclaration {
  return { name, actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, runOrder, commands: ['true'], ...extra };
}

export function approvalAction(name = 'Approve', runOrder = 1): ActionDeclaration {
  return { name, actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder };
}

export function stage(name: string, actions: ActionDeclaration[], extra: Partial<StageDeclaration> = {}): StageDeclaration {
  return { name, actions, ...extra };
}

export function pipeline(stages: StageDeclaration[], extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return { name: 'web', stages, ...extra };
}

/** `stageCount` stages of `actionsPerStage` parallel Commands actions each (the benchmark's shape). */
export function gridPipeline(stageCount: number, actionsPerStage: number, executionMode: ExecutionMode = 'SUPERSEDED'): PipelineDeclaration {
  return pipeline(
    Array.from({ length: stageCount }, (_, s) =>
      stage(
        `Stage${s + 1}`,
        Array.from({ length: actionsPerStage }, (_, a) => commandsAction(`Action${a + 1}`)),
      ),
    ),
    { executionMode },
  );
}

/**
 * Source -> Build (namespace BuildVariables, outputs IMAGE_TAG) -> Deploy whose configuration
 * references the source, the build, a pipeline variable and the execution id.
 */
export function releasePipeline(extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return pipeline(
    [
      stage('Source', [sourceAction()]),
      stage('Build', [
        commandsAction('Compile', 1, {
          inputArtifacts: [{ name: 'SourceOutput' }],
          outputArtifacts: [{ name: 'BuildOutput' }],
          namespace: 'BuildVariables',
          outputVariables: ['IMAGE_TAG'],
          commands: ['make TARGET=#{variables.TARGET}'],
        }),
      ]),
      stage('Deploy', [
        {
          name: 'Publish',
          actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Directory', version: '1' },
          runOrder: 1,
          inputArtifacts: [{ name: 'BuildOutput' }],
          configuration: {
            Path: '/srv/#{variables.TARGET}/#{BuildVariables.IMAGE_TAG}',
            Commit: '#{SourceVariables.CommitId}',
            Run: '#{codepipeline.PipelineExecutionId}',
          },
        },
      ]),
    ],
    { variables: [{ name: 'TARGET', defaultValue: 'staging' }], ...extra },
  );
}

export function startCommand(
  executionId: string,
  declaration: PipelineDeclaration,
  overrides: Partial<StartPipelineExecution> = {},
  now = T0,
): StartPipelineExecution {
  return {
    type: 'StartPipelineExecution',
    executionId,
    pipeline: pipelineRef,
    definition: { version: declaration.version ?? 1, declaration },
    variables: [],
    sourceRevisions: [],
    trigger: { triggerType: 'StartPipelineExecution', triggerDetail: 'alice' },
    clientRequestToken: null,
    metadata: metadataAt(now),
    ...overrides,
  };
}

/** The spec of job j1: Build/Compile of execution e1 of acme/web, a Commands action with nothing in or out, due at 11:00. */
export function jobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    jobId: 'j1',
    executionId: 'e1',
    pipeline: pipelineRef,
    pipelineVersion: 1,
    stageName: 'Build',
    actionName: 'Compile',
    actionExecutionId: 'e1/Build/Compile/1',
    actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
    configuration: {},
    commands: [],
    environmentVariables: [],
    inputArtifacts: [],
    outputArtifacts: [],
    outputVariables: [],
    namespace: null,
    sourceRevision: null,
    continuationToken: null,
    deadline: '2026-03-01T11:00:00.000Z',
    ...overrides,
  };
}

