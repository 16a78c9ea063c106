import type { PipelineDeclaration } from '@sluice/domain';
import type { PipelineEvent, DefinitionSnapshot, PipelineRef } from '@sluice/contracts';
import type { PipelineDefinitions } from '../../application/pipeline-definitions';
import { pipelineKey } from '../pipeline-key';

export interface TransitionState {
  enabled: boolean;
  reason: string | null;
  changedBy: string;
  changedAt: string;
}

interface CatalogEntry {
  versions: Map<number, PipelineDeclaration>;
  latestVersion: number;
  deleted: boolean;
  transitions: Map<string, TransitionState>;
}

interface Waiter {
  key: string;
  version: number;
  resolve(): void;
}

/**
 * The definitions the engine runs, per (account, pipeline, version), and the state of their transitions:
 * a read model of the pipelines service's events as they arrive on the bus. Every version is kept, since
 * a retry runs the version its execution started with (from the execution's own snapshot).
 */
export class PipelineCatalog implements PipelineDefinitions {
  private readonly entries = new Map<string, CatalogEntry>();
  private waiters: Waiter[] = [];

  apply(account: string, event: PipelineEvent): void {
    const key = pipelineKey({ account, name: event.data.name });
    const entry = this.entries.get(key) ?? { versions: new Map(), latestVersion: 0, deleted: false, transitions: new Map() };
    this.entries.set(key, entry);
    switch (event.type) {
      case 'PipelineCreated':
      case 'PipelineUpdated':
        entry.versions.set(event.data.version, event.data.declaration);
        entry.latestVersion = Math.max(entry.latestVersion, event.data.version);
        entry.deleted = false;
        break;
      case 'PipelineDeleted':
        entry.deleted = true;
        break;
      case 'StageTransitionDisabled':
        entry.transitions.set(event.data.stageName, { enabled: false, reason: event.data.reason, changedBy: event.data.disabledBy, changedAt: event.data.disabledAt });
        break;
      case 'StageTransitionEnabled':
        entry.transitions.set(event.data.stageName, { enabled: true, reason: null, changedBy: event.data.enabledBy, changedAt: event.data.enabledAt });
        break;
      case 'PipelineTagged':
      case 'PipelineUntagged':
        break;
    }
    this.wakeWaiters();
  }

  /** Every entry (waiters left out): what a rebuilt copy must equal (docs/decisions/0022). */
  contents(): ReadonlyMap<string, unknown> {
    return this.entries;
  }

  latest(pipeline: PipelineRef): DefinitionSnapshot | undefined {
    const entry = this.entries.get(pipelineKey(pipeline));
    if (!entry || entry.deleted) return undefined;
    return this.definition(pipeline, entry.latestVersion);
  }

  definition(pipeline: PipelineRef, version: number): DefinitionSnapshot | undefined {
    const declaration = this.entries.get(pipelineKey(pipeline))?.versions.get(version);
    return declaration ? { version, declaration } : undefined;
  }

  transition(pipeline: PipelineRef, stageName: string): TransitionState | undefined {
    return this.entries.get(pipelineKey(pipeline))?.transitions.get(stageName);
  }

  /** Resolves once the catalog holds `version` of the pipeline (or a later one): the bus delivers asynchronously. */
  whenKnown(pipeline: PipelineRef, version: number, timeoutMs = 10_000): Promise<void> {
    const key = pipelineKey(pipeline);
    if ((this.entries.get(key)?.latestVersion ?? 0) >= version) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`Version ${version} of pipeline ${key} did not reach the executions service within ${timeoutMs} ms.`));
      }, timeoutMs);
      const entry: Waiter = {
        key,
        version,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(entry);
    });
  }

  private wakeWaiters(): void {
    const reached = this.waiters.filter((waiter) => (this.entries.get(waiter.key)?.latestVersion ?? 0) >= waiter.version);
    if (reached.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !reached.includes(waiter));
    for (const waiter of reached) waiter.resolve();
  }
}
