import { createHash } from 'node:crypto';
import type { SourceRevisionOverride } from '../start-execution-port';
import type { SourceEvent } from './source-event';

/**
 * The client request token of a trigger's start: the same for every path that sees the same change
 * (a webhook delivery, another webhook of the same repository, a poll, a redelivery after a restart),
 * different for another commit, ref or pull request event. The engine derives the execution id from
 * (account, pipeline, token) and appends its first event expecting no stream, so the execution streams
 * are the ledger of "this revision already started this pipeline": exactly one start wins (decision 0018).
 */
export function sourceRevisionToken(event: SourceEvent, sourceRevisions: readonly SourceRevisionOverride[]): string {
  const revisions = sourceRevisions.map((r) => [r.actionName, r.revisionType, r.revisionValue]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const change = event.kind === 'push' ? ['push', event.ref] : ['pullRequest', event.event, event.sourceBranch, event.destinationBranch];
  return `source-${createHash('sha256').update(JSON.stringify([change, revisions])).digest('hex').slice(0, 40)}`;
}
