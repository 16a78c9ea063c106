import { ActionTypeRegistry } from '../action-types/action-type-registry';
import { edited, type JsonEdit } from './json-edit';
import { applyPipelineDefaults } from './pipeline-defaults';
import {
  awsShapedPipeline,
  BUILD,
  GIT,
  parallelTests,
  sourceBuildDeploy,
  v2WithEverything,
} from './pipeline-fixtures';
import { validatePipelineDeclaration } from './validate-pipeline';
import { validatePipelineJson } from './validate-pipeline-json';

const registry = ActionTypeRegistry.builtIn();

function issuesOf(input: unknown, options = {}): Array<[string, string]> {
  const result = validatePipelineDeclaration(input, registry, options);
  return result.valid ? [] : result.issues.map((issue) => [issue.path, issue.code]);
}

function messagesOf(input: unknown): string[] {
  const result = validatePipelineDeclaration(input, registry);
  return result.valid ? [] : result.issues.map((issue) => issue.message);
}

const S0A0 = ['stages', 0, 'actions', 0] as const;
const S1A0 = ['stages', 1, 'actions', 0] as const;
const S2A0 = ['stages', 2, 'actions', 0] as const;
const S2A1 = ['stages', 2, 'actions', 1] as const;

const buildStage = (name: string, inputs: string[] = ['SourceOutput']) => ({
  name,
  actions: [{ name: 'Run', actionTypeId: BUILD, commands: ['true'], inputArtifacts: inputs.map((artifact) => ({ name: artifact })) }],
});

describe('validatePipelineDeclaration accepts', () => {
  const valid: Array<[string, unknown]> = [
    ['Source -> Build -> Deploy with a manual approval', sourceBuildDeploy()],
    ['a V2 pipeline with variables, namespaces, triggers and stage conditions', v2WithEverything()],
    ['parallel actions with the same runOrder feeding a later one', parallelTests()],
    ['the "pipeline" object of aws codepipeline get-pipeline, unchanged', awsShapedPipeline()],
    ['50 stages (the maximum)', edited(sourceBuildDeploy(), { set: ['stages'], to: [sourceBuildDeploy().stages[0], ...Array.from({ length: 49 }, (_, index) => buildStage(`Build${index}`))] })],
    ['a Commands configuration longer than 1000 characters', edited(sourceBuildDeploy(), { remove: [...S1A0, 'commands'] }, { set: [...S1A0, 'configuration'], to: { Commands: 'echo ok\n'.repeat(700) } })],
    ['names with every allowed character', edited(sourceBuildDeploy(), { set: ['name'], to: 'My.pipeline@team-1_a' }, { set: ['stages', 1, 'name'], to: 'Build.@-_9' })],
    ['a manual approval timeout of exactly 60 days', edited(sourceBuildDeploy(), { set: [...S2A0, 'timeoutInMinutes'], to: 86_400 })],
    ['a V1 pipeline without V2 features', edited(sourceBuildDeploy(), { set: ['pipelineType'], to: 'V1' }, { set: ['executionMode'], to: 'SUPERSEDED' })],
    ['a reference to a variable of an action earlier in the same stage', edited(sourceBuildDeploy(), { set: [...S2A1, 'configuration', 'Path'], to: '/srv/#{BuildVariables.IMAGE_TAG}' })],
    ['a Deploy action naming the environment it deploys to', edited(sourceBuildDeploy(), { set: [...S2A1, 'environment'], to: 'eu-prod.2' })],
    ['text like #{x} that is not a variable reference', edited(sourceBuildDeploy(), { set: [...S1A0, 'commands', 0], to: 'ruby -e \'puts "#{x}"\'' })],
  ];

  it.each(valid)('%s', (_name, input) => {
    expect(issuesOf(input)).toEqual([]);
  });

  it('returns the definition as given, without filling defaults', () => {
    const input = sourceBuildDeploy();
    const result = validatePipelineDeclaration(input, registry);
    expect(result).toEqual({ valid: true, pipeline: input });
    expect(result.valid && result.pipeline).toBe(input);
    expect(JSON.stringify(input)).toBe(JSON.stringify(sourceBuildDeploy()));
  });

  it('makes defaults explicit only on request', () => {
    const result = validatePipelineDeclaration(sourceBuildDeploy(), registry);
    if (!result.valid) throw new Error('expected valid');
    const withDefaults = applyPipelineDefaults(result.pipeline);
    expect(withDefaults.executionMode).toBe('SUPERSEDED');
    expect(withDefaults.pipelineType).toBe('V2');
    expect(withDefaults.stages[0].actions[0].runOrder).toBe(1);
    expect(withDefaults.stages[2].actions[0].timeoutInMinutes).toBe(1440);
    const noTimeout = applyPipelineDefaults(edited(result.pipeline, { remove: [...S2A0, 'timeoutInMinutes'] }) as typeof result.pipeline);
    expect(noTimeout.stages[2].actions[0].timeoutInMinutes).toBe(10_080);
    expect(noTimeout.stages[2].actions[1].timeoutInMinutes).toBeUndefined();
  });
});

interface InvalidCase {
  name: string;
  input: unknown;
  expected: Array<[string, string]>;
}

const base = sourceBuildDeploy();
const v2 = v2WithEverything();
const variant = (...edits: JsonEdit[]): unknown => edited(base, ...edits);
const v2Variant = (...edits: JsonEdit[]): unknown => edited(v2, ...edits);

const invalid: InvalidCase[] = [
  // The input itself
  { name: 'an array instead of an object', input: [], expected: [['$', 'wrong_type']] },
  { name: 'null', input: null, expected: [['$', 'wrong_type']] },
  { name: 'a JSON string', input: JSON.stringify(base), expected: [['$', 'wrong_type']] },
  { name: 'the whole get-pipeline output', input: { pipeline: base, metadata: { pipelineArn: 'arn:aws:codepipeline:eu-west-1:1:web-app' } }, expected: [['$', 'wrapped_pipeline']] },
  // Fields
  { name: 'no name', input: variant({ remove: ['name'] }), expected: [['$.name', 'missing_field']] },
  { name: 'no stages', input: variant({ remove: ['stages'] }), expected: [['$.stages', 'missing_field']] },
  { name: 'a misspelt top-level field', input: variant({ set: ['executionmode'], to: 'QUEUED' }), expected: [['$.executionmode', 'unknown_field']] },
  { name: 'a misspelt stage field', input: variant({ set: ['stages', 1, 'onfailure'], to: { result: 'ROLLBACK' } }), expected: [['$.stages[1].onfailure', 'unknown_field']] },
  { name: 'a misspelt action field', input: variant({ set: [...S1A0, 'runorder'], to: 2 }), expected: [['$.stages[1].actions[0].runorder', 'unknown_field']] },
  { name: 'stages as an object', input: variant({ set: ['stages'], to: { Source: {} } }), expected: [['$.stages', 'wrong_type']] },
  { name: 'version as a string', input: variant({ set: ['version'], to: '3' }), expected: [['$.version', 'wrong_type']] },
  // Names
  { name: 'a space in the pipeline name', input: variant({ set: ['name'], to: 'web app' }), expected: [['$.name', 'invalid_characters']] },
  { name: 'a control character in a stage name', input: variant({ set: ['stages', 1, 'name'], to: 'Build\u0007' }), expected: [['$.stages[1].name', 'invalid_characters']] },
  { name: 'an environment on a Build action', input: variant({ set: [...S1A0, 'environment'], to: 'staging' }), expected: [['$.stages[1].actions[0].environment', 'environment_not_deploy']] },
  { name: 'an environment with a space', input: variant({ set: [...S2A1, 'environment'], to: 'prod eu' }), expected: [['$.stages[2].actions[1].environment', 'invalid_characters']] },
  { name: 'an accented letter in an action name', input: variant({ set: [...S2A1, 'name'], to: 'Déployer' }), expected: [['$.stages[2].actions[1].name', 'invalid_characters']] },
  { name: 'a 101-character pipeline name', input: variant({ set: ['name'], to: 'p'.repeat(101) }), expected: [['$.name', 'too_long']] },
  { name: 'an empty stage name', input: variant({ set: ['stages', 1, 'name'], to: '' }), expected: [['$.stages[1].name', 'too_short']] },
  { name: 'a dot in an artifact name', input: variant({ set: [...S0A0, 'outputArtifacts', 0, 'name'], to: 'Source.Output' }, { set: [...S1A0, 'inputArtifacts', 0, 'name'], to: 'Source.Output' }), expected: [['$.stages[0].actions[0].outputArtifacts[0].name', 'invalid_characters'], ['$.stages[1].actions[0].inputArtifacts[0].name', 'invalid_characters']] },
  { name: 'a dot in a namespace', input: variant({ set: [...S1A0, 'namespace'], to: 'Build.Vars' }), expected: [['$.stages[1].actions[0].namespace', 'invalid_characters'], ['$.stages[2].actions[0].configuration.CustomData', 'unknown_variable_namespace']] },
  // Stage and action counts, uniqueness
  { name: 'a single stage', input: variant({ set: ['stages'], to: [base.stages[0]] }), expected: [['$.stages', 'too_few_items']] },
  { name: '51 stages', input: variant({ set: ['stages'], to: [base.stages[0], ...Array.from({ length: 50 }, (_, index) => buildStage(`Build${index}`))] }), expected: [['$.stages', 'too_many_items']] },
  { name: 'a stage without actions', input: variant({ set: ['stages', 1, 'actions'], to: [] }, { set: ['stages', 2, 'actions', 1, 'inputArtifacts'], to: [{ name: 'SourceOutput' }] }, { set: [...S2A0, 'configuration', 'CustomData'], to: 'ok?' }), expected: [['$.stages[1].actions', 'too_few_items']] },
  { name: '51 actions in a stage', input: variant({ set: ['stages', 1], to: { name: 'Build', actions: Array.from({ length: 51 }, (_, index) => ({ name: `Run${index}`, actionTypeId: BUILD, commands: ['true'] })) } }, { set: [...S2A0, 'configuration', 'CustomData'], to: 'ok?' }, { set: [...S2A1, 'inputArtifacts', 0, 'name'], to: 'SourceOutput' }), expected: [['$.stages[1].actions', 'too_many_items']] },
  { name: 'two stages with the same name', input: variant({ set: ['stages', 2, 'name'], to: 'Build' }), expected: [['$.stages[2].name', 'duplicate_stage_name']] },
  { name: 'two actions with the same name in a stage', input: variant({ set: [...S2A1, 'name'], to: 'ApproveRelease' }), expected: [['$.stages[2].actions[1].name', 'duplicate_action_name']] },
  // Source placement
  { name: 'a Source action in the second stage', input: variant({ push: ['stages', 1, 'actions'], value: { name: 'Late', actionTypeId: GIT, configuration: { RepositoryUrl: 'https://x/y.git', BranchName: 'main' }, outputArtifacts: [{ name: 'LateSource' }] } }), expected: [['$.stages[1].actions[1].actionTypeId.category', 'source_action_not_in_first_stage']] },
  { name: 'a Build action in the first stage', input: variant({ push: ['stages', 0, 'actions'], value: { name: 'Early', actionTypeId: BUILD, commands: ['true'] } }), expected: [['$.stages[0].actions[1].actionTypeId.category', 'first_stage_not_source']] },
  // runOrder
  { name: 'runOrder 0', input: variant({ set: [...S2A0, 'runOrder'], to: 0 }), expected: [['$.stages[2].actions[0].runOrder', 'out_of_range']] },
  { name: 'runOrder 1000', input: variant({ set: [...S2A1, 'runOrder'], to: 1000 }), expected: [['$.stages[2].actions[1].runOrder', 'out_of_range']] },
  { name: 'a fractional runOrder', input: variant({ set: [...S2A1, 'runOrder'], to: 1.5 }), expected: [['$.stages[2].actions[1].runOrder', 'wrong_type']] },
  // Artifacts
  { name: 'an input artifact nobody produces', input: variant({ set: [...S2A1, 'inputArtifacts', 0, 'name'], to: 'BuildOutptu' }), expected: [['$.stages[2].actions[1].inputArtifacts[0].name', 'input_artifact_not_produced']] },
  { name: 'an input artifact produced by a later stage', input: variant({ set: [...S1A0, 'inputArtifacts'], to: [{ name: 'SourceOutput' }, { name: 'Late' }] }, { set: [...S2A1, 'outputArtifacts'], to: [{ name: 'Late' }] }), expected: [['$.stages[1].actions[0].inputArtifacts[1].name', 'input_artifact_not_produced'], ['$.stages[2].actions[1].outputArtifacts', 'too_many_output_artifacts']] },
  { name: 'an input artifact produced at the same runOrder', input: variant({ set: [...S2A1, 'runOrder'], to: 1 }, { set: [...S2A0, 'configuration', 'CustomData'], to: 'ok?' }, { set: ['stages', 2, 'actions', 2], to: { name: 'Check', actionTypeId: BUILD, runOrder: 1, commands: ['true'], inputArtifacts: [{ name: 'Checked' }] } }, { set: [...S2A0, 'runOrder'], to: 1 }, { push: ['stages', 2, 'actions'], value: { name: 'Producer', actionTypeId: BUILD, runOrder: 1, commands: ['true'], outputArtifacts: [{ name: 'Checked' }] } }), expected: [['$.stages[2].actions[2].inputArtifacts[0].name', 'input_artifact_not_produced']] },
  { name: 'the same output artifact name twice', input: variant({ set: [...S1A0, 'outputArtifacts', 0, 'name'], to: 'SourceOutput' }, { set: [...S2A1, 'inputArtifacts', 0, 'name'], to: 'SourceOutput' }), expected: [['$.stages[1].actions[0].outputArtifacts[0].name', 'duplicate_output_artifact']] },
  { name: 'a Directory deploy without its input artifact', input: variant({ remove: [...S2A1, 'inputArtifacts'] }), expected: [['$.stages[2].actions[1].inputArtifacts', 'too_few_input_artifacts']] },
  { name: 'a Git source with two output artifacts', input: variant({ push: [...S0A0, 'outputArtifacts'], value: { name: 'Extra' } }), expected: [['$.stages[0].actions[0].outputArtifacts', 'too_many_output_artifacts']] },
  { name: 'an input artifact listed twice', input: variant({ push: [...S1A0, 'inputArtifacts'], value: { name: 'SourceOutput' } }), expected: [['$.stages[1].actions[0].inputArtifacts[1].name', 'duplicate_input_artifact']] },
  // Action types and configuration
  { name: 'an action type that is not registered', input: variant({ set: [...S1A0, 'actionTypeId'], to: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' } }), expected: [['$.stages[1].actions[0].actionTypeId', 'unknown_action_type']] },
  { name: 'an owner CodePipeline does not know', input: variant({ set: [...S1A0, 'actionTypeId', 'owner'], to: 'Me' }), expected: [['$.stages[1].actions[0].actionTypeId.owner', 'value_not_allowed']] },
  { name: 'a missing required configuration key', input: variant({ remove: [...S0A0, 'configuration', 'BranchName'] }), expected: [['$.stages[0].actions[0].configuration.BranchName', 'missing_configuration_key']] },
  { name: 'an unknown configuration key', input: variant({ set: [...S0A0, 'configuration', 'Brnach'], to: 'dev' }), expected: [['$.stages[0].actions[0].configuration.Brnach', 'unknown_configuration_key']] },
  { name: 'a configuration value that is not a string', input: variant({ set: [...S0A0, 'configuration', 'DetectChanges'], to: true }), expected: [['$.stages[0].actions[0].configuration.DetectChanges', 'wrong_type']] },
  { name: 'a Boolean property that is not true or false', input: variant({ set: [...S0A0, 'configuration', 'DetectChanges'], to: 'yes' }), expected: [['$.stages[0].actions[0].configuration.DetectChanges', 'configuration_value_invalid']] },
  { name: 'a configuration value over 1000 characters', input: variant({ set: [...S2A1, 'configuration', 'Path'], to: `/${'a'.repeat(1000)}` }), expected: [['$.stages[2].actions[1].configuration.Path', 'too_long']] },
  { name: 'a configuration key over 50 characters', input: variant({ set: [...S2A1, 'configuration', 'K'.repeat(51)], to: 'v' }), expected: [[`$.stages[2].actions[1].configuration.${'K'.repeat(51)}`, 'too_long'], [`$.stages[2].actions[1].configuration.${'K'.repeat(51)}`, 'unknown_configuration_key']] },
  { name: 'a Commands action without commands', input: variant({ remove: [...S1A0, 'commands'] }), expected: [['$.stages[1].actions[0].commands', 'commands_required']] },
  { name: 'commands given twice', input: variant({ set: [...S1A0, 'configuration'], to: { Commands: 'make' } }), expected: [['$.stages[1].actions[0].commands', 'commands_conflict']] },
  { name: 'commands on a Git source', input: variant({ set: [...S0A0, 'commands'], to: ['ls'] }), expected: [['$.stages[0].actions[0].commands', 'commands_not_supported']] },
  { name: 'an empty command', input: variant({ set: [...S1A0, 'commands', 1], to: '' }), expected: [['$.stages[1].actions[0].commands[1]', 'too_short']] },
  // Variables and namespaces
  { name: 'a reference to a namespace nobody declares', input: variant({ set: [...S2A1, 'configuration', 'Path'], to: '/srv/#{Deploy.Target}' }), expected: [['$.stages[2].actions[1].configuration.Path', 'unknown_variable_namespace']] },
  { name: 'a reference to the namespace of a later action', input: variant({ set: [...S1A0, 'commands', 0], to: 'echo #{BuildVariables.IMAGE_TAG}' }), expected: [['$.stages[1].actions[0].commands[0]', 'variable_namespace_not_yet_available']] },
  { name: 'an undeclared pipeline variable', input: variant({ set: [...S2A1, 'configuration', 'Path'], to: '/srv/#{variables.TARGET}' }), expected: [['$.stages[2].actions[1].configuration.Path', 'unknown_pipeline_variable']] },
  { name: 'an unknown codepipeline variable', input: variant({ set: [...S2A1, 'configuration', 'Path'], to: '/srv/#{codepipeline.PipelineName}' }), expected: [['$.stages[2].actions[1].configuration.Path', 'unknown_codepipeline_variable']] },
  { name: 'two actions with the same namespace', input: variant({ set: [...S1A0, 'namespace'], to: 'SourceVariables' }), expected: [['$.stages[1].actions[0].namespace', 'duplicate_namespace'], ['$.stages[2].actions[0].configuration.CustomData', 'unknown_variable_namespace']] },
  { name: 'the reserved namespace "variables"', input: variant({ set: [...S0A0, 'namespace'], to: 'variables' }, { set: [...S1A0, 'commands', 2], to: 'echo' }), expected: [['$.stages[0].actions[0].namespace', 'reserved_namespace']] },
  // Pipeline settings
  { name: 'an unknown executionMode', input: variant({ set: ['executionMode'], to: 'QUEUE' }), expected: [['$.executionMode', 'value_not_allowed']] },
  { name: 'an unknown pipelineType', input: variant({ set: ['pipelineType'], to: 'V3' }), expected: [['$.pipelineType', 'value_not_allowed']] },
  { name: 'V1 with variables, triggers, a queue and conditions', input: v2Variant({ set: ['pipelineType'], to: 'V1' }), expected: [['$.variables', 'requires_pipeline_type_v2'], ['$.triggers', 'requires_pipeline_type_v2'], ['$.executionMode', 'requires_pipeline_type_v2'], ['$.stages[1].onFailure', 'requires_pipeline_type_v2'], ['$.stages[2].beforeEntry', 'requires_pipeline_type_v2'], ['$.stages[2].onSuccess', 'requires_pipeline_type_v2'], ['$.stages[2].onFailure', 'requires_pipeline_type_v2']] },
  { name: 'both artifactStore and artifactStores', input: edited(awsShapedPipeline(), { set: ['artifactStores'], to: { 'eu-west-1': { type: 'S3', location: 'bucket-eu' } } }), expected: [['$.artifactStores', 'artifact_store_conflict']] },
  { name: 'two variables with the same name', input: v2Variant({ push: ['variables'], value: { name: 'DEPLOY_ENV' } }), expected: [['$.variables[2].name', 'duplicate_variable_name']] },
  { name: 'a variable default over 1000 characters', input: v2Variant({ set: ['variables', 0, 'defaultValue'], to: 'x'.repeat(1001) }), expected: [['$.variables[0].defaultValue', 'too_long']] },
  // Triggers
  { name: 'a trigger on a source action that does not exist', input: v2Variant({ set: ['triggers', 0, 'gitConfiguration', 'sourceActionName'], to: 'Checkuot' }), expected: [['$.triggers[0].gitConfiguration.sourceActionName', 'trigger_source_action_not_found']] },
  { name: 'two triggers on one source action', input: v2Variant({ push: ['triggers'], value: v2.triggers[0] }), expected: [['$.triggers[1].gitConfiguration.sourceActionName', 'duplicate_trigger_source_action']] },
  { name: 'four push filters', input: v2Variant({ set: ['triggers', 0, 'gitConfiguration', 'push'], to: Array.from({ length: 4 }, () => ({ tags: { includes: ['v*'] } })) }), expected: [['$.triggers[0].gitConfiguration.push', 'too_many_items']] },
  { name: 'nine branch patterns', input: v2Variant({ set: ['triggers', 0, 'gitConfiguration', 'push', 0, 'branches', 'includes'], to: Array.from({ length: 9 }, (_, index) => `b${index}`) }), expected: [['$.triggers[0].gitConfiguration.push[0].branches.includes', 'too_many_items']] },
  { name: 'a pull request event CodePipeline does not have', input: v2Variant({ set: ['triggers', 0, 'gitConfiguration', 'pullRequest', 0, 'events', 1], to: 'MERGED' }), expected: [['$.triggers[0].gitConfiguration.pullRequest[0].events[1]', 'value_not_allowed']] },
  // Conditions
  { name: 'an entry condition that rolls back', input: v2Variant({ set: ['stages', 2, 'beforeEntry', 'conditions', 0, 'result'], to: 'ROLLBACK' }), expected: [['$.stages[2].beforeEntry.conditions[0].result', 'value_not_allowed']] },
  { name: 'a retry configuration without RETRY', input: v2Variant({ set: ['stages', 1, 'onFailure', 'result'], to: 'FAIL' }), expected: [['$.stages[1].onFailure.retryConfiguration', 'retry_configuration_without_retry']] },
  { name: 'a rule without ruleTypeId', input: v2Variant({ remove: ['stages', 2, 'onSuccess', 'conditions', 0, 'rules', 0, 'ruleTypeId'] }), expected: [['$.stages[2].onSuccess.conditions[0].rules[0].ruleTypeId', 'missing_field']] },
  { name: 'two conditions where CodePipeline takes one', input: v2Variant({ push: ['stages', 2, 'beforeEntry', 'conditions'], value: { result: 'SKIP' } }), expected: [['$.stages[2].beforeEntry.conditions', 'too_many_items']] },
  { name: 'an entry rule reading an artifact of its own stage', input: v2Variant({ set: ['stages', 2, 'beforeEntry', 'conditions', 0, 'rules', 0, 'inputArtifacts'], to: [{ name: 'Package' }, { name: 'Shipped' }] }, { set: ['stages', 2, 'actions', 0, 'outputArtifacts'], to: [{ name: 'Shipped' }] }), expected: [['$.stages[2].beforeEntry.conditions[0].rules[0].inputArtifacts[1].name', 'input_artifact_not_produced']] },
  // Timeouts
  { name: 'an approval timeout under 5 minutes', input: variant({ set: [...S2A0, 'timeoutInMinutes'], to: 4 }), expected: [['$.stages[2].actions[0].timeoutInMinutes', 'out_of_range']] },
  { name: 'an approval timeout over 60 days', input: variant({ set: [...S2A0, 'timeoutInMinutes'], to: 86_401 }), expected: [['$.stages[2].actions[0].timeoutInMinutes', 'out_of_range']] },
  { name: 'a build timeout under 5 minutes', input: variant({ set: [...S1A0, 'timeoutInMinutes'], to: 1 }), expected: [['$.stages[1].actions[0].timeoutInMinutes', 'out_of_range']] },
];

describe('validatePipelineDeclaration refuses', () => {
  it.each(invalid.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const sort = (issues: Array<[string, string]>) => [...issues].sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
    expect(sort(issuesOf(testCase.input))).toEqual(sort(testCase.expected));
  });
});

describe('validatePipelineDeclaration explains', () => {
  it('names a control character by code point and name', () => {
    expect(messagesOf(variant({ set: ['stages', 1, 'name'], to: 'Build\u0007' }))).toEqual([
      'The stage name "Build\\u0007" contains the control character U+0007 (BELL), which is not allowed; use only letters A-Z and a-z, digits, ".", "@", "-" and "_".',
    ]);
  });

  it('names a non-ASCII character by code point, and invisible ones by name', () => {
    const [accented] = messagesOf(variant({ set: [...S2A1, 'name'], to: 'Déployer' }));
    expect(accented).toContain('"é" (U+00E9)');
    const [invisible] = messagesOf(variant({ set: ['name'], to: 'web\u200bapp' }));
    expect(invisible).toContain('the invisible formatting character U+200B (ZERO WIDTH SPACE)');
    const [emoji] = messagesOf(variant({ set: ['name'], to: 'ship-🚀' }));
    expect(emoji).toContain('"🚀" (U+1F680)');
  });

  it('suggests the field a typo meant', () => {
    expect(messagesOf(variant({ set: [...S1A0, 'runorder'], to: 2 }))).toEqual(['An action has an unknown field "runorder". Did you mean "runOrder"?']);
  });

  it('says which action types exist when one is unknown', () => {
    const [message] = messagesOf(variant({ set: [...S1A0, 'actionTypeId'], to: { category: 'Build', owner: 'AWS', provider: 'Commands', version: '1' } }));
    expect(message).toContain('There is no action type Build/AWS/Commands/1');
    expect(message).toContain('Build/Sluice/Commands/1, Test/Sluice/Commands/1, Deploy/Sluice/Commands/1');
  });

  it('says where an artifact comes from when it comes too late', () => {
    const [message] = messagesOf(variant({ set: [...S1A0, 'inputArtifacts'], to: [{ name: 'SourceOutput' }, { name: 'Late' }] }, { set: [...S0A0, 'outputArtifacts'], to: [{ name: 'SourceOutput' }] }, { set: [...S2A0, 'configuration', 'CustomData'], to: 'ok' }, { push: ['stages', 2, 'actions'], value: { name: 'Makes', actionTypeId: BUILD, commands: ['true'], outputArtifacts: [{ name: 'Late' }] } }));
    expect(message).toBe('The input artifact "Late" is produced by action "Makes" of stage "Deploy", which is in a later stage; an input must come from an earlier stage, or from the same stage with a lower runOrder.');
  });

  it('reports every problem of a definition at once', () => {
    const broken = {
      name: 'bad name!',
      executionMode: 'FIFO',
      colour: 'blue',
      stages: [
        {
          name: 'Source',
          actions: [{ name: 'Checkout', actionTypeId: GIT, configuration: { RepositoryUrl: 'https://x/y.git' }, outputArtifacts: [{ name: 'Src' }] }],
        },
        {
          name: 'Source',
          actions: [
            { name: 'Build', actionTypeId: BUILD, runOrder: 0, inputArtifacts: [{ name: 'Missing' }], commands: ['make #{Nope.X}'] },
            { name: 'Build', actionTypeId: { category: 'Deploy', owner: 'Custom', provider: 'Kubernetes', version: '1' } },
          ],
        },
      ],
    };
    expect(issuesOf(broken)).toEqual([
      ['$.colour', 'unknown_field'],
      ['$.name', 'invalid_characters'],
      ['$.executionMode', 'value_not_allowed'],
      ['$.stages[0].actions[0].configuration.BranchName', 'missing_configuration_key'],
      ['$.stages[1].actions[0].runOrder', 'out_of_range'],
      ['$.stages[1].actions[1].actionTypeId', 'unknown_action_type'],
      ['$.stages[1].actions[1].name', 'duplicate_action_name'],
      ['$.stages[1].name', 'duplicate_stage_name'],
      ['$.stages[1].actions[0].inputArtifacts[0].name', 'input_artifact_not_produced'],
      ['$.stages[1].actions[0].commands[0]', 'unknown_variable_namespace'],
    ]);
  });
});

describe('validatePipelineDeclaration refuses oversized input', () => {
  it('refuses a 10 MB definition with one issue, without walking it all', () => {
    const huge = edited(base, { set: [...S1A0, 'commands'], to: Array.from({ length: 10_000 }, () => 'x'.repeat(1000)) });
    const started = performance.now();
    const result = validatePipelineDeclaration(huge, registry);
    const elapsed = performance.now() - started;
    expect(result).toEqual({ valid: false, issues: [{ path: '$', code: 'definition_too_large', message: expect.stringContaining('1 MB') }] });
    expect(elapsed).toBeLessThan(100);
  });

  it('uses maxDefinitionBytes', () => {
    expect(issuesOf(base, { maxDefinitionBytes: 500 })).toEqual([['$', 'definition_too_large']]);
    expect(issuesOf(base, { maxDefinitionBytes: 5000 })).toEqual([]);
  });

  it('refuses absurd nesting before walking it', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 10_000; level++) deep = [deep];
    expect(issuesOf(variant({ set: ['stages', 1, 'extra'], to: deep }))).toEqual([['$', 'definition_too_deep']]);
  });
});

describe('validatePipelineJson', () => {
  it('accepts JSON text of a valid definition', () => {
    expect(validatePipelineJson(JSON.stringify(base), registry)).toEqual({ valid: true, pipeline: base });
  });

  it('reports malformed JSON at $', () => {
    const result = validatePipelineJson('{"name": "x", "stages": [', registry);
    expect(result.valid ? [] : result.issues.map((issue) => [issue.path, issue.code])).toEqual([['$', 'malformed_json']]);
  });

  it('refuses oversized text before parsing it', () => {
    const text = `{"name":"${'x'.repeat(11 * 1024 * 1024)}"}`;
    const result = validatePipelineJson(text, registry);
    expect(result.valid ? [] : result.issues.map((issue) => issue.code)).toEqual(['definition_too_large']);
  });
});
