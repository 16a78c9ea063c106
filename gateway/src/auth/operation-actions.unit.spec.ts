import { Kind, parse, printSchema, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { findAction } from '@sluice/authz';
import type { EventStore } from '@sluice/eventing';
import { shippedSubgraphSdls } from '../api-reference/public-api';
import { composeSupergraph } from '../supergraph';
import { subscriptionSchema } from '../subscriptions/subscription-schema';
import { OPERATION_RULES, operationRuleOf, resourceOfTarget, type RootOperation } from './operation-actions';

/** The root fields clients can call: the composed supergraph's, without `@inaccessible` ones. */
function publicRootFields(supergraph: string): Record<RootOperation, string[]> {
  const fields: Record<RootOperation, string[]> = { query: [], mutation: [], subscription: [] };
  const roots: Record<string, RootOperation> = { Query: 'query', Mutation: 'mutation', Subscription: 'subscription' };
  for (const node of parse(supergraph).definitions) {
    if (node.kind !== Kind.OBJECT_TYPE_DEFINITION && node.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const root = roots[(node as ObjectTypeDefinitionNode | ObjectTypeExtensionNode).name.value];
    if (!root) continue;
    for (const field of node.fields ?? []) {
      if (field.directives?.some((d) => d.name.value === 'inaccessible')) continue;
      fields[root].push(field.name.value);
    }
  }
  return fields;
}

describe('the operation table', () => {
  const sdls = shippedSubgraphSdls();
  const supergraph = composeSupergraph(sdls);
  // The gateway's own subscriptions; the store is never read while the schema is only printed.
  const subscriptions = parse(printSchema(subscriptionSchema({} as EventStore, { live: 0 })));
  const subscriptionFields = subscriptions.definitions.flatMap((node) =>
    node.kind === Kind.OBJECT_TYPE_DEFINITION && node.name.value === 'Subscription' ? (node.fields ?? []).map((f) => f.name.value) : [],
  );

  it('reads the pipelines and executions subgraphs at least', () => {
    expect(sdls.map((s) => s.name)).toEqual(expect.arrayContaining(['pipelines', 'executions']));
  });

  it('has a rule for every root field of the composed API and of the gateway subscriptions', () => {
    const fields = { ...publicRootFields(supergraph), subscription: subscriptionFields };
    const missing = (Object.keys(fields) as RootOperation[]).flatMap((operation) => fields[operation].filter((field) => !operationRuleOf(operation, field)).map((field) => `${operation} ${field}`));
    expect(missing).toEqual([]);
    expect(fields.query.length + fields.mutation.length).toBeGreaterThan(30);
  });

  it('keeps the services\' own fields out of the API: the triggers\' start and the permissions\' authenticate', () => {
    const mutations = publicRootFields(supergraph).mutation;
    expect(mutations).not.toContain('startTriggeredExecution');
    expect(supergraph).toMatch(/startTriggeredExecution\([^)]*\): PipelineExecution! @join__field\(graph: EXECUTIONS\) @inaccessible/);
    expect(supergraph).toMatch(/authenticate\(token: String!\): AuthenticatedPrincipal @join__field\(graph: PERMISSIONS\) @inaccessible/);
    expect(operationRuleOf('mutation', 'startTriggeredExecution')).toBeUndefined();
  });

  it('names only catalogue actions, and no field twice', () => {
    const rules = Object.values(OPERATION_RULES).flatMap((table) => Object.entries(table));
    expect(rules.filter(([, rule]) => !findAction(rule.action)).map(([field]) => field)).toEqual([]);
  });

  it('derives each field’s resource at its action’s level', async () => {
    const lookup = { account: 'acme', pipelineOfExecution: async (id: string) => (id === 'e-1' ? 'web' : undefined) };
    const resource = async (operation: RootOperation, field: string, args: Record<string, unknown>) => {
      const rule = operationRuleOf(operation, field)!;
      return resourceOfTarget(rule.action, await rule.target!(args, lookup));
    };
    expect(await resource('mutation', 'putApprovalResult', { pipelineName: 'web', stageName: 'Deploy', actionName: 'Approve', token: 't' })).toBe('srn:sluice:acme:web/Deploy/Approve');
    expect(await resource('mutation', 'retryStageExecution', { pipelineName: 'web', stageName: 'Build' })).toBe('srn:sluice:acme:web/Build');
    expect(await resource('mutation', 'createPipeline', { pipeline: { name: 'web', stages: [] } })).toBe('srn:sluice:acme:web');
    expect(await resource('mutation', 'importAwsPipeline', { input: { pipeline: { name: 'imported' } } })).toBe('srn:sluice:acme:imported');
    expect(await resource('mutation', 'tagResource', { resourceArn: 'srn:sluice:globex:web', tags: [] })).toBe('srn:sluice:globex:web');
    expect(await resource('query', 'executionAsOf', { pipelineExecutionId: 'e-1', at: 'x' })).toBe('srn:sluice:acme:web');
    expect(await resource('query', 'executionAsOf', { pipelineExecutionId: 'e-unknown', at: 'x' })).toBe('srn:sluice:acme:');
  });

  it('derives the resource of job-worker fields at the action type of the jobs', async () => {
    const commands = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
    const lookup = { account: 'acme', pipelineOfExecution: async () => undefined, actionTypeOfJob: async (id: string) => (id === 'job-1' ? commands : undefined) };
    const resource = async (field: string, args: Record<string, unknown>, operation: RootOperation = 'mutation') => {
      const rule = operationRuleOf(operation, field)!;
      return resourceOfTarget(rule.action, await rule.target!(args, lookup));
    };
    expect(await resource('pollForJobs', { actionTypeId: { category: 'Build', owner: 'Custom', provider: 'MyTool', version: '1' } })).toBe('srn:sluice:acme:actiontype/Custom/Build/MyTool/1');
    for (const field of ['acknowledgeJob', 'heartbeat', 'releaseJob', 'putJobSuccessResult', 'putJobFailureResult', 'appendJobLogs']) {
      expect([field, await resource(field, { jobId: 'job-1', nonce: 'n' })]).toEqual([field, 'srn:sluice:acme:actiontype/Sluice/Build/Commands/1']);
      // Unknown here (or another account's): the account itself, which only account-wide rights reach.
      expect([field, await resource(field, { jobId: 'job-2', nonce: 'n' })]).toEqual([field, 'srn:sluice:acme:']);
    }
    expect(await resource('getJobDetails', { jobId: 'job-1' }, 'query')).toBe('srn:sluice:acme:actiontype/Sluice/Build/Commands/1');
    await expect(resource('pollForJobs', { actionTypeId: { category: 'Build', owner: 'Custom', provider: 'a/b', version: '1' } })).rejects.toThrow(/^actionTypeId: The action type's provider "a\/b"/);
    // Several types at once: a resource each, every one of which must be allowed.
    const targets = operationRuleOf('mutation', 'pollForAnyJobs')!.targets!({ actionTypeIds: [commands, { category: 'Build', owner: 'Custom', provider: 'MyTool', version: '1' }] }, lookup);
    expect(targets.map((target) => resourceOfTarget('sluice:PollForJobs', target))).toEqual(['srn:sluice:acme:actiontype/Sluice/Build/Commands/1', 'srn:sluice:acme:actiontype/Custom/Build/MyTool/1']);
    expect(() => operationRuleOf('mutation', 'pollForAnyJobs')!.targets!({ actionTypeIds: [commands, { category: 'Build', owner: 'Custom', version: '1' }] }, lookup)).toThrow(/^actionTypeIds\[1\]\.provider: must be/);
    expect(() => operationRuleOf('mutation', 'pollForAnyJobs')!.targets!({ actionTypeIds: [] }, lookup)).toThrow(/^actionTypeIds: must name at least one action type/);
    await expect(resource('pollForJobs', { actionTypeId: { category: 'Build', owner: 'Custom', version: '1' } })).rejects.toThrow(/^actionTypeId\.provider: must be/);
  });

  it('derives the resource of credential fields at the principal they belong to', async () => {
    const lookup = {
      account: 'acme',
      principalId: 'rita',
      pipelineOfExecution: async () => undefined,
      principalOfToken: async (id: string) => (id === 'tok_admin' ? 'admin' : undefined),
      principalOfAccessKey: async (id: string) => (id === 'AKIAADMIN' ? 'admin' : undefined),
    };
    const resource = async (operation: RootOperation, field: string, args: Record<string, unknown>) => {
      const rule = operationRuleOf(operation, field)!;
      return resourceOfTarget(rule.action, await rule.target!(args, lookup));
    };
    expect(await resource('mutation', 'createToken', { principalId: 'admin' })).toBe('srn:sluice:acme:principal/admin');
    expect(await resource('mutation', 'createAccessKey', {})).toBe('srn:sluice:acme:principal/rita');
    expect(await resource('mutation', 'createAccessKey', { principalId: 'admin' })).toBe('srn:sluice:acme:principal/admin');
    expect(await resource('mutation', 'revokeToken', { tokenId: 'tok_admin' })).toBe('srn:sluice:acme:principal/admin');
    expect(await resource('mutation', 'deleteAccessKey', { accessKeyId: 'AKIAADMIN' })).toBe('srn:sluice:acme:principal/admin');
    expect(await resource('query', 'listTokens', { principalId: 'rita' })).toBe('srn:sluice:acme:principal/rita');
    expect(await resource('query', 'listAccessKeys', { principalId: 'rita' })).toBe('srn:sluice:acme:principal/rita');
    // The whole account's list, or a token or key the store does not know in this account: the account itself.
    expect(await resource('query', 'listTokens', {})).toBe('srn:sluice:acme:');
    expect(await resource('mutation', 'revokeToken', { tokenId: 'tok_unknown' })).toBe('srn:sluice:acme:');
    expect(await resource('mutation', 'deleteAccessKey', { accessKeyId: 'AKIAOTHER' })).toBe('srn:sluice:acme:');
    await expect(resource('mutation', 'createToken', { principalId: 'a/b' })).rejects.toThrow(/^principalId: The principal id "a\/b" contains/);
  });

  it('names the argument that does not say which resource', async () => {
    const lookup = { account: 'acme', pipelineOfExecution: async () => undefined };
    await expect((async () => operationRuleOf('mutation', 'createPipeline')!.target!({ pipeline: { stages: [] } }, lookup))()).rejects.toThrow('pipeline.name: must name the pipeline');
    await expect((async () => operationRuleOf('mutation', 'tagResource')!.target!({ resourceArn: 'arn:aws:x' }, lookup))()).rejects.toThrow(/^resourceArn: /);
  });
});

describe('secrets a saved definition uses (decision 0043)', () => {
  const lookup = { account: 'acme', pipelineOfExecution: async () => undefined };
  const usesOf = (field: 'createPipeline' | 'updatePipeline', pipeline: unknown) =>
    operationRuleOf('mutation', field)!.alsoRequires!({ pipeline }, lookup).map(({ action, target }) => resourceOfTarget(action, target));
  const action = (changes: Record<string, unknown>) => ({ name: 'Ship', actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Commands', version: '1' }, ...changes });
  const definition = (...actions: unknown[]) => ({ name: 'web', stages: [{ name: 'Deploy', actions }] });

  it('asks sluice:UseSecret on each secret a SECRETS_MANAGER variable or #{secrets.Name} names, once', () => {
    const uses = usesOf(
      'updatePipeline',
      definition(
        action({ commands: ['echo #{secrets.Token} #{secrets.Token}'], environmentVariables: [{ name: 'DB', value: 'Db:password', type: 'SECRETS_MANAGER' }, { name: 'X', value: 'Plain', type: 'PLAINTEXT' }] }),
        action({ name: 'Call', configuration: { Url: 'https://x/?k=#{secrets.ApiKey}' } }),
      ),
    );
    expect(uses).toEqual(['srn:sluice:acme:secret/ApiKey', 'srn:sluice:acme:secret/Db', 'srn:sluice:acme:secret/Token']);
    expect(operationRuleOf('mutation', 'createPipeline')!.alsoRequires!({ pipeline: definition(action({ commands: ['make'] })) }, lookup)).toEqual([]);
  });

  it('sees the secrets of an AWS CodeBuild action, which become SECRETS_MANAGER variables only when mapped', () => {
    const codeBuild = {
      name: 'Build',
      actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
      configuration: { ProjectName: 'shop', EnvironmentVariables: JSON.stringify([{ name: 'T', value: 'Hidden', type: 'SECRETS_MANAGER' }]) },
      inputArtifacts: [{ name: 'src' }],
    };
    const source = { name: 'Source', actions: [{ name: 'Checkout', actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' }, configuration: { RepositoryUrl: 'file:///r', Branch: 'main' }, outputArtifacts: [{ name: 'src' }] }] };
    expect(usesOf('createPipeline', { name: 'web', stages: [source, { name: 'Build', actions: [codeBuild] }] })).toEqual(['srn:sluice:acme:secret/Hidden']);
  });
});
