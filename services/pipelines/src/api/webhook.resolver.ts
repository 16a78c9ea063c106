import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import type { Caller } from '../application/caller';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';
import { webhookOutput } from './webhook-output';

@Resolver('Webhook')
export class WebhookResolver {
  constructor(@Inject(PIPELINES_APPLICATION) private readonly app: PipelinesApplication) {}

  @Query('webhooks')
  webhooks(@CallerOf() caller: Caller, @Args('first') first?: number | null, @Args('after') after?: string | null) {
    const page = this.app.webhookQueries.listWebhooks(caller, first, after);
    return { nodes: page.webhooks.map(webhookOutput), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @Mutation('putWebhook')
  async putWebhook(@CallerOf() caller: Caller, @Args('webhook') webhook: unknown, @Args('tags') tags?: unknown) {
    const name = await this.app.webhooks.putWebhook(caller, webhook, tags ?? undefined);
    return webhookOutput(this.app.webhookQueries.getWebhook(caller, name));
  }

  @Mutation('deleteWebhook')
  async deleteWebhook(@CallerOf() caller: Caller, @Args('name') name: string) {
    await this.app.webhooks.deleteWebhook(caller, name);
    return true;
  }

  @Mutation('registerWebhookWithThirdParty')
  async registerWebhookWithThirdParty(@CallerOf() caller: Caller, @Args('name') name: string) {
    await this.app.webhooks.registerWebhookWithThirdParty(caller, name);
    return webhookOutput(this.app.webhookQueries.getWebhook(caller, name));
  }

  @Mutation('deregisterWebhookWithThirdParty')
  async deregisterWebhookWithThirdParty(@CallerOf() caller: Caller, @Args('name') name: string) {
    await this.app.webhooks.deregisterWebhookWithThirdParty(caller, name);
    return webhookOutput(this.app.webhookQueries.getWebhook(caller, name));
  }
}
