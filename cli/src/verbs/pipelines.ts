import { nextTokenOf, pageVariables, pagingParameters, type PageInfo } from '../paging';
import type { Input, Verb } from '../verb';

const PIPELINE_SKELETON = {
  name: '',
  executionMode: 'SUPERSEDED',
  pipelineType: 'V2',
  variables: [{ name: '', defaultValue: '', description: '' }],
  stages: [
    {
      name: '',
      actions: [
        {
          name: '',
          actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
          runOrder: 1,
          configuration: { KeyName: '' },
          commands: [''],
          outputArtifacts: [{ name: '' }],
          inputArtifacts: [{ name: '' }],
          outputVariables: [''],
          namespace: '',
          timeoutInMinutes: 60,
          environmentVariables: [{ name: '', value: '', type: 'PLAINTEXT' }],
        },
      ],
      onFailure: { result: 'ROLLBACK' },
    },
  ],
  triggers: [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: '', push: [{ branches: { includes: [''] } }] } }],
};

const TAGS_SKELETON = [{ key: '', value: '' }];

interface PipelineAnswer {
  pipeline: Record<string, unknown>;
  metadata: { pipelineArn: string; created: string; updated: string; version: number };
  tags?: Array<{ key: string; value: string }>;
}

const PIPELINE_FIELDS = 'pipeline metadata { pipelineArn created updated version } tags { key value }';

export const pipelineVerbs: Verb[] = [
  {
    name: 'create-pipeline',
    summary: 'Creates a pipeline from its definition (CodePipeline JSON).',
    parameters: [
      { name: 'pipeline', type: 'structure', required: true, description: 'The definition: JSON, or file://pipeline.json.', skeleton: PIPELINE_SKELETON },
      { name: 'tags', type: 'list', description: 'Tags: key=k,value=v … or JSON.', skeleton: TAGS_SKELETON },
    ],
    examples: ['sluice create-pipeline --cli-input-json file://pipeline.json', 'sluice create-pipeline --pipeline file://definition.json --tags key=team,value=web'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ createPipeline: PipelineAnswer }>(
        `mutation($pipeline: JSON!, $tags: [TagInput!]) { createPipeline(pipeline: $pipeline, tags: $tags) { ${PIPELINE_FIELDS} } }`,
        { pipeline: input['pipeline'], tags: input['tags'] ?? null },
      );
      return { pipeline: data.createPipeline.pipeline, tags: data.createPipeline.tags };
    },
  },
  {
    name: 'get-pipeline',
    summary: 'Prints a pipeline’s definition (the latest, or --pipeline-version) and its metadata.',
    parameters: [
      { name: 'name', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'version', type: 'integer', description: 'A version of the definition; default the latest.' },
    ],
    examples: ['sluice get-pipeline --name web', 'sluice get-pipeline --name web --version 2 --query pipeline > web.json'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ getPipeline: PipelineAnswer }>(`query($name: String!, $version: Int) { getPipeline(name: $name, version: $version) { ${PIPELINE_FIELDS} } }`, {
        name: input['name'],
        version: input['version'] ?? null,
      });
      const { pipelineArn, created, updated } = data.getPipeline.metadata;
      return { pipeline: data.getPipeline.pipeline, metadata: { pipelineArn, created, updated } };
    },
  },
  {
    name: 'update-pipeline',
    summary: 'Replaces a pipeline’s definition; pipeline.version must be the version you read (else a conflict, nothing changed).',
    parameters: [{ name: 'pipeline', type: 'structure', required: true, description: 'The new definition with the version it replaces.', skeleton: { ...PIPELINE_SKELETON, version: 1 } }],
    examples: ['sluice get-pipeline --name web --query pipeline > web.json && $EDITOR web.json && sluice update-pipeline --pipeline file://web.json'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ updatePipeline: PipelineAnswer }>(`mutation($pipeline: JSON!) { updatePipeline(pipeline: $pipeline) { ${PIPELINE_FIELDS} } }`, { pipeline: input['pipeline'] });
      return { pipeline: data.updatePipeline.pipeline };
    },
  },
  {
    name: 'delete-pipeline',
    summary: 'Deletes a pipeline (its history stays in the event store).',
    parameters: [{ name: 'name', type: 'string', required: true, description: 'The pipeline.' }],
    examples: ['sluice delete-pipeline --name web'],
    async run(input, { gateway }) {
      await gateway.request(`mutation($name: String!) { deletePipeline(name: $name) }`, { name: input['name'] });
      return undefined;
    },
  },
  {
    name: 'list-pipelines',
    summary: 'Lists the account’s pipelines by name.',
    parameters: pagingParameters('Page size (1–1000); the CLI fetches every page unless --no-paginate.'),
    paginated: { items: 'pipelines' },
    examples: ['sluice list-pipelines', "sluice list-pipelines --query 'pipelines[].name' --output text"],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listPipelines: { edges: Array<{ node: PipelineAnswer & { name: string } }>; pageInfo: PageInfo } }>(
        `query($first: Int, $after: String) { listPipelines(first: $first, after: $after) { edges { node { name ${PIPELINE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
        pageVariables(input),
      );
      const page = data.listPipelines;
      return {
        pipelines: page.edges.map(({ node }) => ({
          name: node.name,
          version: node.metadata.version,
          pipelineType: node.pipeline['pipelineType'] ?? 'V2',
          executionMode: node.pipeline['executionMode'] ?? 'SUPERSEDED',
          created: node.metadata.created,
          updated: node.metadata.updated,
        })),
        ...nextTokenOf(page.pageInfo),
      };
    },
  },
  {
    name: 'list-pipeline-versions',
    summary: 'Lists every version of a pipeline’s definition, who made it and when.',
    parameters: [{ name: 'name', type: 'string', required: true, description: 'The pipeline.' }],
    examples: ['sluice list-pipeline-versions --name web --output table'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listPipelineVersions: Array<{ version: number; created: string; createdBy: string }> }>(
        `query($name: String!) { listPipelineVersions(name: $name) { version created createdBy } }`,
        { name: input['name'] },
      );
      return { pipelineVersions: data.listPipelineVersions };
    },
  },
  {
    name: 'diff-pipeline-versions',
    summary: 'Shows what changed between two versions of a pipeline, by path.',
    parameters: [
      { name: 'name', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'from', type: 'integer', required: true, description: 'The older version.' },
      { name: 'to', type: 'integer', required: true, description: 'The newer version.' },
    ],
    examples: ['sluice diff-pipeline-versions --name web --from 1 --to 3'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ diffPipelineVersions: unknown }>(
        `query($name: String!, $from: Int!, $to: Int!) { diffPipelineVersions(name: $name, from: $from, to: $to) { name from to changes { path kind before after } } }`,
        { name: input['name'], from: input['from'], to: input['to'] },
      );
      return data.diffPipelineVersions;
    },
  },
  transitionVerb('disable-stage-transition'),
  transitionVerb('enable-stage-transition'),
  {
    name: 'create-custom-action-type',
    summary: 'Declares a custom action type whose jobs your own worker takes (poll-for-jobs …).',
    parameters: [
      { name: 'category', type: 'string', required: true, enum: ['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke'], description: 'The action category.' },
      { name: 'provider', type: 'string', required: true, description: 'The provider name.' },
      { name: 'version', type: 'string', required: true, description: 'The version, e.g. 1.' },
      { name: 'settings', type: 'structure', description: 'URLs shown with the action (entityUrlTemplate, …).', skeleton: { thirdPartyConfigurationUrl: '', entityUrlTemplate: '', executionUrlTemplate: '', revisionUrlTemplate: '' } },
      {
        name: 'configurationProperties',
        type: 'list',
        description: 'The configuration keys the action takes.',
        skeleton: [{ name: '', required: true, key: true, secret: false, queryable: false, description: '', type: 'String' }],
      },
      { name: 'inputArtifactDetails', type: 'structure', required: true, description: 'minimumCount=0,maximumCount=5', skeleton: { minimumCount: 0, maximumCount: 0 } },
      { name: 'outputArtifactDetails', type: 'structure', required: true, description: 'minimumCount=0,maximumCount=5', skeleton: { minimumCount: 0, maximumCount: 0 } },
      { name: 'tags', type: 'list', description: 'Tags: key=k,value=v …', skeleton: TAGS_SKELETON },
    ],
    examples: ['sluice create-custom-action-type --category Test --provider HttpCheck --version 1 --input-artifact-details minimumCount=0,maximumCount=0 --output-artifact-details minimumCount=0,maximumCount=0'],
    async run(input, { gateway }) {
      const request = { ...input, inputArtifactDetails: counts(input['inputArtifactDetails']), outputArtifactDetails: counts(input['outputArtifactDetails']) };
      const data = await gateway.request<{ createCustomActionType: { tags: unknown } }>(
        `mutation($input: JSON!) { createCustomActionType(input: $input) { ${ACTION_TYPE_FIELDS} } }`,
        { input: request },
      );
      const { tags, ...actionType } = data.createCustomActionType as Record<string, unknown>;
      return { actionType, tags };
    },
  },
  {
    name: 'list-action-types',
    summary: 'Lists the action types definitions may use: built-in, custom and AWS mapped ones.',
    parameters: [{ name: 'actionOwnerFilter', type: 'string', enum: ['AWS', 'ThirdParty', 'Custom', 'Sluice'], description: 'Only this owner’s types.' }],
    examples: ['sluice list-action-types --action-owner-filter Custom --output table'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listActionTypes: unknown[] }>(`query($owner: ActionOwner) { listActionTypes(owner: $owner) { ${ACTION_TYPE_FIELDS} } }`, {
        owner: input['actionOwnerFilter'] ?? null,
      });
      return { actionTypes: data.listActionTypes };
    },
  },
  {
    name: 'import-aws-pipeline',
    summary: 'Turns what `aws codepipeline get-pipeline` printed into a Sluice pipeline: prints the mapping report; --create creates it.',
    parameters: [
      { name: 'input', type: 'structure', required: true, description: 'The get-pipeline output: file://aws-pipeline.json.', skeleton: { pipeline: {}, metadata: {} } },
      { name: 'create', type: 'boolean', description: 'Create the pipeline (and the custom action types it needs); default: only show the mapping.' },
    ],
    examples: ['aws codepipeline get-pipeline --name web > web-aws.json && sluice import-aws-pipeline --input file://web-aws.json --create'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ importAwsPipeline: { pipeline: unknown; report: unknown; created: { name: string } | null } }>(
        `mutation($input: JSON!, $create: Boolean) { importAwsPipeline(input: $input, create: $create) { pipeline report created { name } } }`,
        { input: input['input'], create: input['create'] === true },
      );
      return data.importAwsPipeline;
    },
  },
];

const ACTION_TYPE_FIELDS = 'id { category owner provider version } settings actionConfigurationProperties inputArtifactDetails { minimumCount maximumCount } outputArtifactDetails { minimumCount maximumCount } tags { key value }';

/** Shorthand gives strings: `minimumCount=0` → 0. */
function counts(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, count]) => [key, typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : count]));
}

function transitionVerb(name: 'disable-stage-transition' | 'enable-stage-transition'): Verb {
  const disable = name === 'disable-stage-transition';
  return {
    name,
    summary: disable ? 'Holds executions before a stage (with a reason) until the transition is enabled again.' : 'Lets executions into a stage again.',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'stageName', type: 'string', required: true, description: 'The stage whose transition changes.' },
      { name: 'transitionType', type: 'string', required: true, enum: ['Inbound', 'Outbound'], description: 'Inbound: into the stage.' },
      ...(disable ? [{ name: 'reason', type: 'string' as const, required: true, description: 'Why; shown with the transition.' }] : []),
    ],
    examples: [
      disable
        ? 'sluice disable-stage-transition --pipeline-name web --stage-name Deploy --transition-type Inbound --reason "release freeze"'
        : 'sluice enable-stage-transition --pipeline-name web --stage-name Deploy --transition-type Inbound',
    ],
    async run(input: Input, { gateway }) {
      const reason = disable ? ', $reason: String!' : '';
      await gateway.request(
        `mutation($pipelineName: String!, $stageName: String!, $transitionType: StageTransitionType!${reason}) {
          ${disable ? 'disableStageTransition' : 'enableStageTransition'}(pipelineName: $pipelineName, stageName: $stageName, transitionType: $transitionType${disable ? ', reason: $reason' : ''}) { enabled }
        }`,
        input,
      );
      return undefined;
    },
  };
}
