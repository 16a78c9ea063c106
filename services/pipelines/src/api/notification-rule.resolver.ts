import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import type { Tag } from '@sluice/domain';
import type { Caller } from '../application/caller';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';
import { notificationDeliveryOutput, notificationRuleOutput } from './notification-output';

@Resolver('NotificationRule')
export class NotificationRuleResolver {
  constructor(@Inject(PIPELINES_APPLICATION) private readonly app: PipelinesApplication) {}

  @Query('notificationRules')
  notificationRules(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('tagKey') tagKey?: string | null, @Args('tagValue') tagValue?: string | null) {
    return this.app.notificationQueries.listNotificationRules(caller, pipelineName, tagKey, tagValue).map(notificationRuleOutput);
  }

  @Query('notificationDeliveries')
  async notificationDeliveries(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('ruleName') ruleName?: string | null,
    @Args('status') status?: string | null,
    @Args('first') first?: number | null,
  ) {
    return (await this.app.notificationQueries.listNotificationDeliveries(caller, pipelineName, ruleName, status, first)).map(notificationDeliveryOutput);
  }

  @Mutation('createNotificationRule')
  async createNotificationRule(@CallerOf() caller: Caller, @Args('rule') rule: unknown) {
    const name = await this.app.notificationRules.createNotificationRule(caller, rule);
    return notificationRuleOutput(this.app.notificationQueries.getNotificationRule(caller, name));
  }

  @Mutation('updateNotificationRule')
  async updateNotificationRule(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('name') name: string, @Args('version') version: number, @Args('changes') changes: unknown) {
    await this.app.notificationRules.updateNotificationRule(caller, pipelineName, name, version, changes);
    return notificationRuleOutput(this.app.notificationQueries.getNotificationRule(caller, name));
  }

  @Mutation('tagNotificationRule')
  async tagNotificationRule(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('name') name: string, @Args('tags') tags: Tag[], @Args('version') version?: number | null) {
    await this.app.notificationRules.tagNotificationRule(caller, pipelineName, name, tags, version);
    return notificationRuleOutput(this.app.notificationQueries.getNotificationRule(caller, name));
  }

  @Mutation('untagNotificationRule')
  async untagNotificationRule(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('name') name: string, @Args('tagKeys') tagKeys: string[], @Args('version') version?: number | null) {
    await this.app.notificationRules.untagNotificationRule(caller, pipelineName, name, tagKeys, version);
    return notificationRuleOutput(this.app.notificationQueries.getNotificationRule(caller, name));
  }

  @Mutation('deleteNotificationRule')
  async deleteNotificationRule(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('name') name: string) {
    await this.app.notificationRules.deleteNotificationRule(caller, pipelineName, name);
    return true;
  }
}
