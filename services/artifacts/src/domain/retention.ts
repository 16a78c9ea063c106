/**
 * Which stored artifacts retention may delete (docs/decisions/0017-artifacts-service.md):
 * an artifact is collectable when no kept execution references it and it was last used longer than
 * the grace ago. Kept = the newest `keepExecutions` executions of each pipeline, plus every execution
 * still running. Pure: the view and `now` come in.
 */
export interface RetentionPolicy {
  /** How long an artifact stays after its last use (upload, record, found, or a referencing execution's last step). */
  graceMs: number;
  /** Per pipeline, how many of the newest executions keep what they reference. */
  keepExecutions: number;
}

export interface RetentionExecution {
  id: string;
  /** `account.pipelineName`: executions are kept per pipeline. */
  pipelineKey: string;
  startedAt: string;
  running: boolean;
  references: ReadonlySet<string>;
}

export interface RetentionArtifact {
  sha256: string;
  size: number | null;
  /** Null when nothing is known about the bytes (found in the store, never uploaded, recorded or found before). */
  lastUsedAt: string | null;
}

export interface RetentionView {
  executions: Iterable<RetentionExecution>;
  artifact(sha256: string): RetentionArtifact | undefined;
}

export interface CollectableArtifact {
  sha256: string;
  size: number | null;
  lastUsedAt: string;
  reason: string;
}

export interface RetentionDecision {
  collect: CollectableArtifact[];
  /** Stored addresses with no history: the collector records them as found, which starts their grace. */
  unknown: string[];
}

export function keptExecutionIds(executions: Iterable<RetentionExecution>, keepExecutions: number): Set<string> {
  const byPipeline = new Map<string, RetentionExecution[]>();
  const kept = new Set<string>();
  for (const execution of executions) {
    if (execution.running) kept.add(execution.id);
    const list = byPipeline.get(execution.pipelineKey) ?? [];
    list.push(execution);
    byPipeline.set(execution.pipelineKey, list);
  }
  for (const list of byPipeline.values()) {
    // Newest first; the id breaks ties so the choice does not depend on the order events arrived in.
    list.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    for (const execution of list.slice(0, keepExecutions)) kept.add(execution.id);
  }
  return kept;
}

/**
 * What retention needs to know of the stored addresses: those a kept execution references, those any execution ever
 * referenced, and each known one's size and last use. The artifacts read model answers it from its tables (the
 * same rule as `keptExecutionIds`, in SQL); `retentionFacts` from executions in memory (the unit tests' view).
 */
export interface RetentionFacts {
  referencedByKept: ReadonlySet<string>;
  everReferenced: ReadonlySet<string>;
  artifacts: ReadonlyMap<string, RetentionArtifact>;
}

export function retentionFacts(view: RetentionView, stored: Iterable<string>, keepExecutions: number): RetentionFacts {
  const executions = [...view.executions];
  const kept = keptExecutionIds(executions, keepExecutions);
  const referencedByKept = new Set<string>();
  const everReferenced = new Set<string>();
  for (const execution of executions) {
    for (const sha256 of execution.references) {
      everReferenced.add(sha256);
      if (kept.has(execution.id)) referencedByKept.add(sha256);
    }
  }
  const artifacts = new Map<string, RetentionArtifact>();
  for (const sha256 of stored) {
    const artifact = view.artifact(sha256);
    if (artifact) artifacts.set(sha256, artifact);
  }
  return { referencedByKept, everReferenced, artifacts };
}

export function decideRetention(view: RetentionView, stored: Iterable<string>, now: Date, policy: RetentionPolicy): RetentionDecision {
  const addresses = [...stored];
  return decideRetentionFrom(retentionFacts(view, addresses, policy.keepExecutions), addresses, now, policy);
}

export function decideRetentionFrom(facts: RetentionFacts, stored: Iterable<string>, now: Date, policy: RetentionPolicy): RetentionDecision {
  const collect: CollectableArtifact[] = [];
  const unknown: string[] = [];
  const cutoff = now.getTime() - policy.graceMs;
  for (const sha256 of stored) {
    if (facts.referencedByKept.has(sha256)) continue;
    const artifact = facts.artifacts.get(sha256);
    if (!artifact || artifact.lastUsedAt === null) {
      unknown.push(sha256);
      continue;
    }
    if (Date.parse(artifact.lastUsedAt) > cutoff) continue;
    collect.push({
      sha256,
      size: artifact.size,
      lastUsedAt: artifact.lastUsedAt,
      reason: facts.everReferenced.has(sha256) ? 'referenced by no kept execution' : 'never referenced by an execution',
    });
  }
  collect.sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  return { collect, unknown: unknown.sort() };
}
