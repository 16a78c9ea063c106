import { ValidationError } from '../validation/validation-error';
import { actionTypeKey, type ActionTypeDefinition } from './action-type-definition';
import { ActionTypeRegistry } from './action-type-registry';

const kubernetes: ActionTypeDefinition = {
  id: { category: 'Deploy', owner: 'Custom', provider: 'Kubernetes', version: '1' },
  actionConfigurationProperties: [],
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
};

describe('ActionTypeRegistry', () => {
  it('holds the built-in types, with the AWS id for manual approval', () => {
    expect(ActionTypeRegistry.builtIn().list().map((type) => actionTypeKey(type.id))).toEqual([
      'Source/Sluice/Git/1',
      'Source/Sluice/Upload/1',
      'Source/Sluice/S3/1',
      'Build/Sluice/Commands/1',
      'Test/Sluice/Commands/1',
      'Deploy/Sluice/Commands/1',
      'Deploy/Sluice/Directory/1',
      'Deploy/Sluice/S3/1',
      'Invoke/Sluice/Http/1',
      'Invoke/Sluice/Pipeline/1',
      'Approval/AWS/Manual/1',
    ]);
  });

  it('finds a type by its full id and nothing by a partial match', () => {
    const registry = ActionTypeRegistry.builtIn();
    expect(registry.find({ category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' })?.id.provider).toBe('Git');
    expect(registry.find({ category: 'Source', owner: 'Sluice', provider: 'Git', version: '2' })).toBeUndefined();
    expect(registry.find({ category: 'Build', owner: 'Sluice', provider: 'Git', version: '1' })).toBeUndefined();
  });

  it('adds custom types in a new registry and leaves the old one unchanged', () => {
    const builtIn = ActionTypeRegistry.builtIn();
    const withKubernetes = builtIn.withCustom([kubernetes]);
    expect(withKubernetes.find(kubernetes.id)).toEqual(kubernetes);
    expect(builtIn.find(kubernetes.id)).toBeUndefined();
    expect(withKubernetes.list()).toHaveLength(builtIn.list().length + 1);
  });

  it('refuses a type whose id is taken, naming it', () => {
    const registry = ActionTypeRegistry.builtIn().withCustom([kubernetes]);
    expect(() => registry.withCustom([kubernetes])).toThrow(ValidationError);
    expect(() => registry.withCustom([kubernetes])).toThrow('Deploy/Custom/Kubernetes/1');
  });
});
