import type { TriggerablePipeline } from '../pipeline-catalog';
import { planStarts } from './plan-starts';
import type { SourceEvent, SourcePush } from './source-event';
import { sourceRevisionToken } from './source-revision-token';
import { triggerablePipeline } from '../testing';

const app: TriggerablePipeline = triggerablePipeline('app', 'git@github.com:acme/app.git');
const commit = (revisionValue: string, actionName = 'Checkout') => ({ actionName, revisionType: 'COMMIT_ID' as const, revisionValue });

/** The token each path would send for an event: the planner's revisions, then the token. */
const tokenOf = (event: SourceEvent) => {
  const [planned] = planStarts(event, [app]);
  return sourceRevisionToken(event, planned.sourceRevisions);
};

describe('sourceRevisionToken: one ledger key for a change, whoever saw it', () => {
  const webhookPush: SourcePush = {
    kind: 'push',
    repositoryUrls: ['https://github.com/acme/app.git', 'git@github.com:acme/app.git'],
    ref: 'refs/heads/main',
    commitId: 'c0ffee',
    changedFiles: ['src/a.ts'],
  };
  // The poller knows the repository by the pipeline's own URL and has no changed files.
  const polledPush: SourcePush = { kind: 'push', repositoryUrls: ['git@github.com:acme/app.git'], ref: 'refs/heads/main', commitId: 'c0ffee' };

  it('is the same for a webhook delivery and a poll of the same commit on the same ref', () => {
    expect(tokenOf(webhookPush)).toBe(tokenOf(polledPush));
    expect(tokenOf(webhookPush)).toMatch(/^source-[0-9a-f]{40}$/);
  });

  it('differs for another commit, another ref, another source action', () => {
    const base = sourceRevisionToken(polledPush, [commit('c0ffee')]);
    expect(sourceRevisionToken(polledPush, [commit('beef')])).not.toBe(base);
    expect(sourceRevisionToken({ ...polledPush, ref: 'refs/heads/release' }, [commit('c0ffee')])).not.toBe(base);
    expect(sourceRevisionToken(polledPush, [commit('c0ffee', 'Other')])).not.toBe(base);
  });

  it('does not depend on the order of the source revisions', () => {
    expect(sourceRevisionToken(polledPush, [commit('a', 'One'), commit('b', 'Two')])).toBe(sourceRevisionToken(polledPush, [commit('b', 'Two'), commit('a', 'One')]));
  });

  it('keeps a pull request event apart from a push of the same commit, and events of one pull request apart', () => {
    const opened: SourceEvent = { kind: 'pullRequest', repositoryUrls: [], event: 'OPEN', sourceBranch: 'feature', destinationBranch: 'main', commitId: 'c0ffee' };
    const pr = sourceRevisionToken(opened, [commit('c0ffee')]);
    expect(pr).not.toBe(sourceRevisionToken({ ...polledPush, ref: 'refs/heads/feature' }, [commit('c0ffee')]));
    expect(pr).not.toBe(sourceRevisionToken({ ...opened, event: 'CLOSED' }, [commit('c0ffee')]));
    expect(pr).toBe(sourceRevisionToken({ ...opened }, [commit('c0ffee')]));
  });
});
