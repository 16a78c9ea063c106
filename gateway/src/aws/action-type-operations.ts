import type { AwsOperation } from './aws-endpoint';
import { validationException } from './aws-errors';
import { compact, requiredObject, requiredString, type Json } from './aws-members';
import type { AwsGraphql } from './gateway-graphql';

/**
 * GetActionType, UpdateActionType and DeleteCustomActionType (issue 19) over Sluice's action types: CodePipeline's
 * ActionTypeDeclaration (the action type API of 2021) in and out, Sluice's CreateCustomActionType-shaped type behind.
 * Every Sluice type runs on job workers: the executor is always `JobWorker`.
 */

const ACTION_TYPE_FIELDS = `id { category owner provider version } settings actionConfigurationProperties
  inputArtifactDetails { minimumCount maximumCount } outputArtifactDetails { minimumCount maximumCount }`;

/** CodePipeline's ActionTypeDeclaration of a Sluice action type. */
export function actionTypeDeclarationOf(type: Json): Json {
  const settings = (type.settings ?? {}) as Json;
  const urls = compact({
    configurationUrl: settings.thirdPartyConfigurationUrl,
    entityUrlTemplate: settings.entityUrlTemplate,
    executionUrlTemplate: settings.executionUrlTemplate,
    revisionUrlTemplate: settings.revisionUrlTemplate,
  });
  return compact({
    executor: { type: 'JobWorker', configuration: { jobWorkerExecutorConfiguration: {} } },
    id: type.id,
    inputArtifactDetails: type.inputArtifactDetails,
    outputArtifactDetails: type.outputArtifactDetails,
    properties: (type.actionConfigurationProperties as Json[]).map((property) =>
      compact({ name: property.name, optional: !property.required, key: property.key, noEcho: property.secret, queryable: property.queryable ?? false, description: property.description }),
    ),
    urls: Object.keys(urls).length > 0 ? urls : undefined,
  });
}

/** Members of a declaration Sluice has nothing to hold in: refused by name rather than dropped. */
function refuseUnheld(declaration: Json): void {
  const executor = requiredObject(declaration, 'executor');
  const refuse = (path: string, value: unknown, constraint: string) => {
    throw validationException([{ path: `actionType.${path}`, value, constraint }]);
  };
  if (executor.type !== 'JobWorker') refuse('executor.type', executor.type, 'Member must be JobWorker: Sluice runs custom actions on job workers, not Lambda functions');
  const configuration = (executor.configuration ?? {}) as Json;
  if (configuration.lambdaExecutorConfiguration !== undefined) refuse('executor.configuration.lambdaExecutorConfiguration', configuration.lambdaExecutorConfiguration, 'Member must be absent for a JobWorker executor');
  const worker = (configuration.jobWorkerExecutorConfiguration ?? {}) as Json;
  for (const member of ['pollingAccounts', 'pollingServicePrincipals'] as const) {
    // Who may poll is a policy on the action type (sluice:PollForJobs on srn:sluice:{account}:actiontype/…), not a list here.
    if (Array.isArray(worker[member]) && worker[member].length > 0) refuse(`executor.configuration.jobWorkerExecutorConfiguration.${member}`, worker[member], 'Member must be empty: grant sluice:PollForJobs on the action type instead');
  }
  for (const member of ['policyStatementsTemplate', 'jobTimeout'] as const) {
    if (executor[member] !== undefined) refuse(`executor.${member}`, executor[member], 'Member is not supported by Sluice');
  }
  for (const member of ['description', 'permissions'] as const) {
    if (declaration[member] !== undefined) refuse(member, declaration[member], 'Member is not supported by Sluice');
  }
}

/** CodePipeline's ActionTypeDeclaration as Sluice's CreateCustomActionType-shaped definition (the id's owner apart). */
function customDefinitionOf(declaration: Json): { owner: string; input: Json } {
  const id = requiredObject(declaration, 'id');
  const owner = requiredString(id, 'owner');
  const properties = declaration.properties;
  if (properties !== undefined && !Array.isArray(properties)) throw validationException([{ path: 'actionType.properties', value: properties, constraint: 'Member must be a list' }]);
  const urls = (declaration.urls ?? undefined) as Json | undefined;
  const settings = urls
    ? compact({ thirdPartyConfigurationUrl: urls.configurationUrl, entityUrlTemplate: urls.entityUrlTemplate, executionUrlTemplate: urls.executionUrlTemplate, revisionUrlTemplate: urls.revisionUrlTemplate })
    : undefined;
  return {
    owner,
    input: compact({
      category: id.category,
      provider: id.provider,
      version: id.version,
      settings: settings && Object.keys(settings).length > 0 ? settings : undefined,
      configurationProperties: (properties as Json[] | undefined)?.map((property) =>
        compact({ name: property?.name, required: property?.optional === undefined ? undefined : !property.optional, key: property?.key, secret: property?.noEcho, queryable: property?.queryable, description: property?.description }),
      ),
      inputArtifactDetails: requiredObject(declaration, 'inputArtifactDetails'),
      outputArtifactDetails: requiredObject(declaration, 'outputArtifactDetails'),
    }),
  };
}

export function actionTypeOperations(graphql: AwsGraphql): Record<string, AwsOperation> {
  return {
    async GetActionType(input, call) {
      const { getActionType } = await graphql(
        call,
        `query($category: ActionCategory!, $owner: ActionOwner!, $provider: String!, $version: String!) {
          getActionType(category: $category, owner: $owner, provider: $provider, version: $version) { ${ACTION_TYPE_FIELDS} } }`,
        { category: requiredString(input, 'category'), owner: requiredString(input, 'owner'), provider: requiredString(input, 'provider'), version: requiredString(input, 'version') },
      );
      return { actionType: actionTypeDeclarationOf(getActionType) };
    },

    async UpdateActionType(input, call) {
      const declaration = requiredObject(input, 'actionType');
      const { owner, input: definition } = customDefinitionOf(declaration);
      refuseUnheld(declaration);
      await graphql(call, 'mutation($owner: ActionOwner!, $input: JSON!) { updateActionType(owner: $owner, input: $input) { id { provider } } }', { owner, input: definition });
      return {};
    },

    async DeleteCustomActionType(input, call) {
      await graphql(call, 'mutation($category: ActionCategory!, $provider: String!, $version: String!) { deleteCustomActionType(category: $category, provider: $provider, version: $version) }', {
        category: requiredString(input, 'category'),
        provider: requiredString(input, 'provider'),
        version: requiredString(input, 'version'),
      });
      return {};
    },
  };
}
