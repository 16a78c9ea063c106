import { INTERNAL_SECRET_HEADER, ACCOUNT_HEADER, ACTOR_HEADER } from '@sluice/graphql-service/caller';
import type { StartExecutionPort } from '@sluice/triggers';

const START = `mutation($name: String!, $sourceRevisions: [SourceRevisionOverrideInput!]!, $clientRequestToken: String!, $triggerType: String!, $triggerDetail: String!) {
  startTriggeredExecution(name: $name, sourceRevisions: $sourceRevisions, clientRequestToken: $clientRequestToken, triggerType: $triggerType, triggerDetail: $triggerDetail) { pipelineExecutionId } }`;

/** The executions service refused the start (its GraphQL error): another instance would refuse it too. */
export class StartRefusedError extends Error {
  override readonly name = 'StartRefusedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ExecutionsStartClientOptions {
  /** `${url}/graphql` of every executions instance (any of them starts the same execution: the store decides). */
  urls: readonly string[];
  /** SLUICE_INTERNAL_SECRET: the subgraphs answer no one without it. */
  internalSecret: string;
  /** Per attempt (10 s). */
  timeoutMs?: number;
}

/**
 * The triggers' start port over HTTP: the executions subgraph's `startTriggeredExecution`, which the gateway does not
 * serve (`@inaccessible`), called behind the internal secret as the trigger (`trigger:webhook/{id}`, `trigger:poller`).
 * An instance that cannot be reached is skipped for the next; a refusal (the pipeline is gone, the input is bad) is
 * final. The client request token makes a start sent twice (to two instances, by two trigger processes) one execution.
 */
export function executionsStartClient(options: ExecutionsStartClientOptions): StartExecutionPort {
  if (options.urls.length === 0) throw new RangeError('the triggers need at least one executions service URL');
  let next = 0;
  return async (caller, input) => {
    const body = JSON.stringify({
      query: START,
      variables: {
        name: input.name,
        sourceRevisions: input.sourceRevisions,
        clientRequestToken: input.clientRequestToken,
        triggerType: input.trigger.triggerType,
        triggerDetail: input.trigger.triggerDetail,
      },
    });
    const unreachable: string[] = [];
    for (let tried = 0; tried < options.urls.length; tried += 1) {
      const url = options.urls[(next + tried) % options.urls.length]!;
      let answer: { data?: { startTriggeredExecution?: { pipelineExecutionId: string } } | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: options.internalSecret, [ACCOUNT_HEADER]: caller.account, [ACTOR_HEADER]: caller.actor },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        if (response.status === 502 || response.status === 503 || response.status === 504) throw new Error(`HTTP ${response.status}`);
        answer = (await response.json()) as typeof answer;
      } catch (error) {
        unreachable.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      next = (next + tried + 1) % options.urls.length;
      const started = answer.data?.startTriggeredExecution;
      if (started) return { pipelineExecutionId: started.pipelineExecutionId };
      const first = answer.errors?.[0];
      throw new StartRefusedError(first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first?.message ?? 'the executions service answered no execution');
    }
    throw new Error(`no executions service could be reached: ${unreachable.join('; ')}`);
  };
}
