import type { TriggerablePipeline } from '@sluice/triggers';
import { triggerablePipeline } from '@sluice/triggers/testing';
import { pollableCatalog } from './trigger-components';

const pipeline = (name: string, configuration: Record<string, string>): TriggerablePipeline =>
  triggerablePipeline(name, 'https://git.example.com/app.git', { account: 'default', configuration });

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
