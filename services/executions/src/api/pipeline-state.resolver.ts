import { Inject } from '@nestjs/common';
import { Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { NotFoundError } from '../domain';
import { EXECUTIONS_APPLICATION, type ExecutionsApplication } from '../executions-service';

interface PipelineReference {
  account: string;
  name: string;
}

/** The pipelines subgraph's `Pipeline` entity, given its run state here: the gateway joins them by (account, name). */
@Resolver('Pipeline')
export class PipelineStateResolver {
  constructor(@Inject(EXECUTIONS_APPLICATION) private readonly app: ExecutionsApplication) {}

  @ResolveReference()
  resolveReference(reference: PipelineReference): PipelineReference {
    return { account: reference.account, name: reference.name };
  }

  @ResolveField('state')
  async state(@Parent() pipeline: PipelineReference) {
    try {
      return await this.app.queries.getPipelineState({ account: pipeline.account, actor: 'federation' }, pipeline.name);
    } catch (error) {
      // The pipeline exists (the pipelines subgraph named it); its definition has not crossed the bus yet.
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }
}
