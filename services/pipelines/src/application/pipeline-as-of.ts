import { ValidationError } from '@sluice/domain';
import { parseInstant, streamAsOf, type EventStore } from '@sluice/eventing';
import { NotFoundError } from '../domain/errors';
import { isStorablePipelineName, pipelineStreamId } from '@sluice/contracts';
import type { PipelineView } from '../projections/pipeline-read-model';
import { PipelinesReadModels } from '../projections/pipelines-read-models';
import type { Caller, Clock } from './caller';

export interface PipelineAsOfView extends PipelineView {
  /** The instant the answer is as of: the one asked for, or now for an instant still to come. */
  at: string;
}

/**
 * Time travel over a pipeline's stream (docs/decisions/0022): the events that occurred up to the instant,
 * folded by the live read model's own fold into a fresh copy, then asked the live question.
 */
export class PipelineAsOfQueries {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async pipelineAsOf(caller: Caller, name: string, at: string): Promise<PipelineAsOfView> {
    const instant = asOfInstant(at, this.clock);
    const stream = isStorablePipelineName(name) ? await this.store.readStream(pipelineStreamId(caller.account, name)) : [];
    const models = new PipelinesReadModels();
    for (const event of streamAsOf(stream, instant)) models.apply(event);
    const view = models.pipelines.getPipeline(caller.account, name);
    if (!view) throw new NotFoundError('pipeline', name, `Pipeline '${name}' did not exist at ${instant.toISOString()}.`);
    return { ...view, at: instant.toISOString() };
  }
}

/** `at` as given, or now when it is still to come: the state as of a future instant is all that is known now. */
export function asOfInstant(at: string, clock: Clock): Date {
  const parsed = parseInstant(at);
  if (!parsed.ok) throw new ValidationError([{ path: 'at', code: 'invalid_instant', message: `at ${parsed.reason}` }], 'The request is not valid');
  const now = clock();
  return parsed.instant.getTime() > now.getTime() ? now : parsed.instant;
}
