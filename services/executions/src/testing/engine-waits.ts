import type { PipelineDeclaration } from '@sluice/domain';
import type { Caller } from '../application/caller';
import type { ExecutionsEngine } from '../executions-service';
import type { EngineTestEnvironment } from './engine-test-environment';
import { eventually } from './eventually';

const TERMINAL = ['Succeeded', 'Failed', 'Stopped', 'Superseded'];

/** Publishes a definition of the caller's account and waits until the engine knows that version. */
export async function publishAndWait(env: EngineTestEnvironment, engine: ExecutionsEngine, caller: Caller, declaration: PipelineDeclaration): Promise<void> {
  const version = await env.publisher.publish(declaration);
  await engine.pipelineCatalog.whenKnown({ account: caller.account, name: declaration.name }, version);
}

/** Waits until the execution ends; its final status. */
export async function finishedStatus(engine: ExecutionsEngine, caller: Caller, pipelineName: string, executionId: string): Promise<string> {
  let status = '';
  await eventually(async () => TERMINAL.includes((status = (await engine.getPipelineExecution(caller, pipelineName, executionId)).status)), () => `${executionId} is ${status}`);
  return status;
}

/** Waits until a manual approval waits in the stage (its first action); its token. */
export async function approvalToken(engine: ExecutionsEngine, caller: Caller, pipelineName: string, stageIndex: number): Promise<string> {
  let token: string | null = null;
  await eventually(
    async () => (token = (await engine.getPipelineState(caller, pipelineName)).stageStates[stageIndex]?.actionStates[0]?.latestExecution?.token ?? null) !== null,
    () => `no approval waits in ${pipelineName}`,
  );
  return token!;
}
