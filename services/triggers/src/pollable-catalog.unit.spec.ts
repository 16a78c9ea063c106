import type { TriggerablePipeline } from '@sluice/triggers';
import { pollableCatalog } from './trigger-components';

const pipeline = (name: string, configuration: Record<string, string>): TriggerablePipeline => ({
  account: 'default',
  name,
  declaration: {
    name,
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
            configuration: { RepositoryUrl: 'https://git.example.com/app.git', BranchName: 'main', ...configuration },
            outputArtifacts: [{ name: 'src' }],
          },
        ],
      },
    ],
  },
});

describe('pollableCatalog', () => {
  it('lists only pipelines with a source that detects changes and may be polled', async () => {
    const all = [
      pipeline('default', {}),
      pipeline('explicit', { DetectChanges: 'true', PollForSourceChanges: 'true' }),
      pipeline('webhooks-only', { PollForSourceChanges: 'false' }),
      pipeline('webhooks-only-upper', { PollForSourceChanges: 'FALSE' }),
      pipeline('manual', { DetectChanges: 'false' }),
    ];
    const pollable = await pollableCatalog({ listPipelines: async () => all }).listPipelines();
    expect(pollable.map((p) => p.name)).toEqual(['default', 'explicit']);
  });
});
