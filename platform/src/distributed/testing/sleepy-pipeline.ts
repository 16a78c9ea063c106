import { commandsAction, gitSourceStage, pipelineDefinition, stage, type FixtureCategory, type FixturePipeline } from '@sluice/testing/fixtures';

/**
 * Source/Git, then Build (Compile, then Test) and Deploy (Ship), each a Commands action that sleeps `sleepSeconds`:
 * long enough to kill a process while an action runs. PARALLEL, so several executions run at once.
 */
export function sleepyPipeline(name: string, repositoryUrl: string, sleepSeconds = 1): FixturePipeline {
  const sleep = (actionName: string, category: FixtureCategory, runOrder: number) => commandsAction(actionName, `sleep ${sleepSeconds}`, { category, runOrder, inputs: 'SourceOutput' });
  return pipelineDefinition({
    name,
    pipelineType: 'V2',
    executionMode: 'PARALLEL',
    stages: [gitSourceStage({ repositoryUrl, runOrder: 1 }), stage('Build', sleep('Compile', 'Build', 1), sleep('Test', 'Test', 2)), stage('Deploy', sleep('Ship', 'Deploy', 1))],
  });
}
