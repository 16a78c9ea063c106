import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import { NotFoundError } from '@sluice/domain';
import type { Caller } from '../application/caller';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';
import type { SecretView } from '../projections/secret-read-model';

/** The account's secrets (decision 0043): a value goes in, never out. */
@Resolver('Secret')
export class SecretResolver {
  constructor(@Inject(PIPELINES_APPLICATION) private readonly app: PipelinesApplication) {}

  @Query('listSecrets')
  listSecrets(@CallerOf() caller: Caller) {
    return this.app.projection.secrets.list(caller.account).map((secret) => secretOutput(caller.account, secret));
  }

  @Mutation('createSecret')
  async createSecret(@CallerOf() caller: Caller, @Args('name') name: string, @Args('value') value: string, @Args('description') description?: string | null) {
    await this.app.secrets.createSecret(caller, name, value, description ?? '');
    return this.current(caller, name);
  }

  @Mutation('putSecretValue')
  async putSecretValue(@CallerOf() caller: Caller, @Args('name') name: string, @Args('value') value: string) {
    await this.app.secrets.putSecretValue(caller, name, value);
    return this.current(caller, name);
  }

  @Mutation('deleteSecret')
  async deleteSecret(@CallerOf() caller: Caller, @Args('name') name: string) {
    await this.app.secrets.deleteSecret(caller, name);
    return true;
  }

  private current(caller: Caller, name: string) {
    const secret = this.app.projection.secrets.get(caller.account, name);
    if (!secret) throw new NotFoundError('secret', name);
    return secretOutput(caller.account, secret);
  }
}

export const secretOutput = (account: string, secret: SecretView) => ({ ...secret, arn: `srn:sluice:${account}:secret/${secret.name}` });
