import { isArtifactAddress } from '../domain';
import type { FoldedEvent } from './stream-states';

/**
 * The claims the engine's own executions give (docs/decisions/0027): an account claims the addresses its
 * executions started from (pinned source revisions, inherited artifacts), read as inputs, or produced.
 * Known the moment the execution's event is folded, before the artifacts service records anything, and
 * also where no artifacts service runs.
 */
export class ArtifactClaimsIndex {
  private readonly claims = new Map<string, Set<string>>();

  apply(folded: FoldedEvent): void {
    if (folded.aggregate !== 'execution' || folded.state.status === 'NotStarted') return;
    const account = folded.state.run.inputs.pipeline.account;
    const { event } = folded;
    switch (event.type) {
      case 'PipelineExecutionStarted': {
        const { inputs } = event.data;
        for (const revision of inputs.sourceRevisions) this.claim(revision.revisionId, account);
        if (inputs.scope.kind === 'SingleStage') for (const artifact of inputs.scope.inheritedArtifacts) this.claim(artifact.location, account);
        return;
      }
      case 'ActionExecutionStarted':
        for (const artifact of event.data.inputArtifacts) this.claim(artifact.location, account);
        return;
      case 'ActionExecutionSucceeded':
        for (const artifact of event.data.outputArtifacts) this.claim(artifact.location, account);
        if (event.data.sourceRevision) this.claim(event.data.sourceRevision.revisionId, account);
        return;
      default:
        return;
    }
  }

  /** The accounts whose executions hold the address; undefined when none does. */
  claimants(address: string): ReadonlySet<string> | undefined {
    return this.claims.get(address);
  }

  /** What a rebuilt copy must equal (docs/decisions/0022). */
  contents(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.claims;
  }

  private claim(location: string, account: string): void {
    if (!isArtifactAddress(location)) return;
    const accounts = this.claims.get(location) ?? new Set<string>();
    accounts.add(account);
    this.claims.set(location, accounts);
  }
}
