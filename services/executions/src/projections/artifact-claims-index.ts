import { isArtifactAddress } from '../domain';
import type { ExecutionEvent } from '@sluice/contracts';
import type { FoldedEvent } from './stream-states';

/**
 * The claims the engine's own executions give (docs/decisions/0027): an account claims the addresses its
 * executions started from (pinned source revisions, inherited artifacts), read as inputs, or produced.
 * Known the moment the execution's event is folded, before the artifacts service records anything, and
 * also where no artifacts service runs. The live service keeps the `limit` most recent addresses: the read model's
 * table holds them all (decision 0070); this covers the moment before its next commit.
 */
export class ArtifactClaimsIndex {
  private readonly claims = new Map<string, Set<string>>();

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  apply(folded: FoldedEvent): void {
    if (folded.aggregate !== 'execution' || folded.state.status === 'NotStarted') return;
    const account = folded.state.run.inputs.pipeline.account;
    for (const address of addressesClaimedBy(folded.event)) this.claim(address, account);
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
    const accounts = this.claims.get(location) ?? new Set<string>();
    accounts.add(account);
    this.claims.delete(location);
    this.claims.set(location, accounts);
    if (this.claims.size > this.limit) this.claims.delete(this.claims.keys().next().value!);
  }
}

/** The artifact addresses an execution's event gives its account a claim on (docs/decisions/0027). */
export function addressesClaimedBy(event: ExecutionEvent): string[] {
  const locations = ((): string[] => {
    switch (event.type) {
      case 'PipelineExecutionStarted': {
        const { inputs } = event.data;
        return [...inputs.sourceRevisions.map((revision) => revision.revisionId), ...(inputs.scope.kind === 'SingleStage' ? inputs.scope.inheritedArtifacts.map((artifact) => artifact.location) : [])];
      }
      case 'ActionExecutionStarted':
        return event.data.inputArtifacts.map((artifact) => artifact.location);
      case 'ActionExecutionSucceeded':
        return [...event.data.outputArtifacts.map((artifact) => artifact.location), ...(event.data.sourceRevision ? [event.data.sourceRevision.revisionId] : [])];
      default:
        return [];
    }
  })();
  return locations.filter(isArtifactAddress);
}
