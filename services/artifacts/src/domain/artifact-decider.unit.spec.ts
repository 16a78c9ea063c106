import { deciderSpec } from '@sluice/domain/testing';
import { derivedEventId, type ArtifactEvent, type ArtifactRecorded } from '@sluice/contracts';
import { artifactDecider, type ArtifactCommand } from './artifact-decider';

const given = deciderSpec(artifactDecider, undefined);
const sha256 = 'a'.repeat(64);
const uploaded = (account: string): ArtifactEvent => ({ type: 'ArtifactUploaded', data: { sha256, account, size: 3, uploadedBy: 'u', uploadedAt: '2026-12-06T00:00:00.000Z' } });
const upload = (account: string): ArtifactCommand => ({ type: 'UploadArtifact', sha256, account, size: 3, uploadedBy: 'u', uploadedAt: '2026-12-06T00:00:00.000Z' });
const release = (account: string): ArtifactCommand => ({ type: 'ReleaseArtifact', sha256, account, releasedBy: 'u', releasedAt: '2026-12-06T00:01:00.000Z' });
const record = (size: number | null): ArtifactRecorded['data'] => ({
  sha256, account: '111111111111', name: 'out', pipelineName: 'p', pipelineExecutionId: 'e', stageName: 'Build', actionName: 'Make', actionExecutionId: 'ae',
  size, contentType: null, sourceRevision: null, recordedAt: '2026-12-06T00:00:00.000Z',
});
const collected = { sha256, size: 3, lastUsedAt: '2026-12-06T00:00:00.000Z', reason: 'grace', collectedAt: '2026-12-07T00:00:00.000Z' };

describe('the artifact decider', () => {
  it('gives an account that uploads the bytes a claim once; a repeated upload changes nothing', () => {
    given([]).when(upload('111111111111')).then([uploaded('111111111111')]);
    given([uploaded('111111111111')]).when(upload('111111111111')).thenNothingHappened();
    given([uploaded('111111111111')]).when(upload('222222222222')).then([uploaded('222222222222')]);
  });

  it('lets an account release only a claim it has', () => {
    given([uploaded('111111111111')]).when(release('222222222222')).thenNothingHappened();
    given([uploaded('111111111111')]).when(release('111111111111')).then([{ type: 'ArtifactReleased', data: { sha256, account: '111111111111', releasedBy: 'u', releasedAt: '2026-12-06T00:01:00.000Z' } }]);
  });

  it('records an output once, under an id derived from the action execution and the name; bytes that were missing give no claim', () => {
    const recorded = { type: 'ArtifactRecorded', data: record(null) } as const;
    given([]).when({ type: 'RecordOutput', record: record(null) }).then([{ id: derivedEventId('ArtifactRecorded', 'ae', 'out'), ...recorded }]);
    given([recorded]).when({ type: 'RecordOutput', record: record(null) }).thenNothingHappened();
    given([recorded]).when(release('111111111111')).thenNothingHappened();
  });

  it('collects only on the reading retention decided on: anything since keeps the bytes; a collection ends every claim', () => {
    const collect = (decidedAtRevision: number): ArtifactCommand => ({ type: 'CollectArtifact', collected, decidedAtRevision });
    given([uploaded('111111111111')]).when(collect(0)).then([{ id: derivedEventId('ArtifactCollected', sha256, 0), type: 'ArtifactCollected', data: collected }]);
    given([uploaded('111111111111'), uploaded('222222222222')]).when(collect(0)).thenNothingHappened();
    given([uploaded('111111111111'), { type: 'ArtifactCollected', data: collected }]).when(release('111111111111')).thenNothingHappened();
    given([uploaded('111111111111'), { type: 'ArtifactCollected', data: collected }]).when(upload('111111111111')).then([uploaded('111111111111')]);
  });

  it('records found bytes with an id per generation, so a second find of the same generation appends once', () => {
    const found: ArtifactCommand = { type: 'RecordFound', sha256, size: 3, foundAt: '2026-12-06T00:00:00.000Z' };
    given([{ type: 'ArtifactCollected', data: collected }]).when(found).then([{ id: derivedEventId('ArtifactFound', sha256, 1), type: 'ArtifactFound', data: { sha256, size: 3, foundAt: '2026-12-06T00:00:00.000Z' } }]);
  });
});
