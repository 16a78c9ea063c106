import { Inject } from '@nestjs/common';
import { Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { NotFoundError } from '../domain';
import { ExecutionQueries } from '../application/execution-queries';

interface PipelineReference {
  account: string;
  name: string;
}

/** The pipelines subgraph's `Pipeline` entity, given its run state here: the gateway joins them by (account, name). */
@Resolver('Pipeline')
export class PipelineStateResolver {
  constructor(@Inject(ExecutionQueries) private readonly queries: ExecutionQueries) {}

  @ResolveReference()
  resolveReference(reference: PipelineReference): PipelineReference {
    return { account: reference.account, name: reference.name };
  }

  @ResolveField('state')
  state(@Parent() pipeline: PipelineReference) {
    try {
      return this.queries.getPipelineState({ account: pipeline.account, actor: 'federation' }, pipeline.name);
    } catch (error) {
      // The pipeline exists (the pipelines subgraph named it); its definition has not crossed the bus yet.
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }
}
