import { validateCustomActionType } from './validate-custom-action-type';

const kubernetes = {
  category: 'Deploy',
  provider: 'Kubernetes',
  version: '1',
  settings: { entityUrlTemplate: 'https://k8s.example.com/{Config:Namespace}' },
  configurationProperties: [
    { name: 'Namespace', required: true, key: true, secret: false, queryable: true, description: 'Target namespace', type: 'String' },
    { name: 'Token', required: true, key: false, secret: true },
    { name: 'Replicas', required: false, key: false, secret: false, type: 'Number' },
  ],
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
  tags: [{ key: 'team', value: 'platform' }],
};

function issuesOf(input: unknown): Array<[string, string]> {
  const result = validateCustomActionType(input);
  return result.valid ? [] : result.issues.map((issue) => [issue.path, issue.code]);
}

describe('validateCustomActionType', () => {
  it('turns a CreateCustomActionType request into a Custom-owned action type', () => {
    const result = validateCustomActionType(kubernetes);
    expect(result).toEqual({
      valid: true,
      tags: [{ key: 'team', value: 'platform' }],
      actionType: {
        id: { category: 'Deploy', owner: 'Custom', provider: 'Kubernetes', version: '1' },
        settings: kubernetes.settings,
        actionConfigurationProperties: kubernetes.configurationProperties,
        inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      },
    });
  });

  it("registers a partner's type when it says owner ThirdParty (Sluice's member: its jobs go to the third-party job calls)", () => {
    const result = validateCustomActionType({ ...kubernetes, owner: 'ThirdParty' });
    expect(result.valid && result.actionType.id).toEqual({ category: 'Deploy', owner: 'ThirdParty', provider: 'Kubernetes', version: '1' });
    expect(validateCustomActionType({ ...kubernetes, owner: 'Custom' })).toEqual(validateCustomActionType(kubernetes));
  });

  const cases: Array<[string, unknown, Array<[string, string]>]> = [
    ['not an object', 'Kubernetes', [['$', 'wrong_type']]],
    ['an unknown category', { ...kubernetes, category: 'Release' }, [['$.category', 'value_not_allowed']]],
    ['a provider with a space', { ...kubernetes, provider: 'Kube rnetes' }, [['$.provider', 'invalid_characters']]],
    ['a 36-character provider', { ...kubernetes, provider: 'K'.repeat(36) }, [['$.provider', 'too_long']]],
    ['a 10-character version', { ...kubernetes, version: '1234567890' }, [['$.version', 'too_long']]],
    ['an empty version', { ...kubernetes, version: '' }, [['$.version', 'too_short']]],
    ['an owner an account cannot register (AWS and Sluice types are built in)', { ...kubernetes, owner: 'AWS' }, [['$.owner', 'value_not_allowed']]],
    ['no artifact details', { ...kubernetes, inputArtifactDetails: undefined }, [['$.inputArtifactDetails', 'missing_field']]],
    ['six input artifacts', { ...kubernetes, inputArtifactDetails: { minimumCount: 0, maximumCount: 6 } }, [['$.inputArtifactDetails.maximumCount', 'out_of_range']]],
    ['a minimum above the maximum', { ...kubernetes, outputArtifactDetails: { minimumCount: 2, maximumCount: 1 } }, [['$.outputArtifactDetails.minimumCount', 'minimum_above_maximum']]],
    [
      'eleven configuration properties',
      { ...kubernetes, configurationProperties: Array.from({ length: 11 }, (_, index) => ({ name: `P${index}`, required: false, key: false, secret: false })) },
      [['$.configurationProperties', 'too_many_items']],
    ],
    ['a property declared twice', { ...kubernetes, configurationProperties: [...kubernetes.configurationProperties, { name: 'Token', required: false, key: false, secret: false }] }, [['$.configurationProperties[3].name', 'duplicate_configuration_property']]],
    ['two queryable properties', { ...kubernetes, configurationProperties: [...kubernetes.configurationProperties, { name: 'Cluster', required: true, key: false, secret: false, queryable: true }] }, [['$.configurationProperties[3].queryable', 'too_many_queryable_properties']]],
    ['a secret queryable property', { ...kubernetes, configurationProperties: [{ name: 'Token', required: true, key: false, secret: true, queryable: true }] }, [['$.configurationProperties[0].queryable', 'queryable_property_invalid']]],
    ['a property type that does not exist', { ...kubernetes, configurationProperties: [{ name: 'Replicas', required: false, key: false, secret: false, type: 'Integer' }] }, [['$.configurationProperties[0].type', 'value_not_allowed']]],
    ['a property without its flags', { ...kubernetes, configurationProperties: [{ name: 'Replicas' }] }, [['$.configurationProperties[0].required', 'missing_field'], ['$.configurationProperties[0].key', 'missing_field'], ['$.configurationProperties[0].secret', 'missing_field']]],
    ['a flag given as a string', { ...kubernetes, configurationProperties: [{ name: 'Replicas', required: 'false', key: false, secret: false }] }, [['$.configurationProperties[0].required', 'wrong_type']]],
  ];

  it.each(cases)('refuses %s', (_name, input, expected) => {
    expect(issuesOf(JSON.parse(JSON.stringify(input)))).toEqual(expected);
  });
});
