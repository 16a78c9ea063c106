import type { PipelineDeclaration } from '@sluice/domain';
import type { RecordedEvent } from '@sluice/eventing';
import { assertNever } from '@sluice/domain';
import { isPipelineEvent, type PipelineEvent, parsePipelineStreamId } from '@sluice/contracts';
import { mergeTags, withoutTags, type Tag } from '../domain/tag';

export interface PipelineVersionView {
  version: number;
  /** The definition exactly as accepted, with its `version`. */
  declaration: PipelineDeclaration;
  /** The definition as given, when it used AWS-owned action types that `declaration` has mapped (decision 0024). */
  given?: Record<string, unknown>;
  created: string;
  createdBy: string;
}

export interface StageTransitionView {
  stageName: string;
  transitionType: 'Inbound';
  enabled: boolean;
  disabledReason: string | null;
  lastChangedBy: string | null;
  lastChangedAt: string | null;
}

export interface PipelineView {
  account: string;
  name: string;
  /** The latest version, or the one asked for. */
  version: PipelineVersionView;
  latestVersion: number;
  created: string;
  updated: string;
  transitions: StageTransitionView[];
  tags: Tag[];
}

export interface PipelinePage {
  /** Each pipeline with its cursor (pass it as `after` to read the pipelines after it). */
  edges: Array<{ cursor: string; pipeline: PipelineView }>;
  /** Cursor of the last pipeline of the page; pass it as `after` to read on. */
  endCursor: string | null;
  hasNextPage: boolean;
}

interface TransitionRecord {
  disabled: boolean;
  reason: string | null;
  changedBy: string;
  changedAt: string;
}

interface PipelineRecord {
  account: string;
  name: string;
  active: boolean;
  /** Every version ever stored under this name, also those before a deletion. */
  versions: Map<number, PipelineVersionView>;
  latest: number;
  created: string;
  updated: string;
  transitions: Map<string, TransitionRecord>;
  tags: Tag[];
}

/** Thrown for a cursor this read model did not hand out. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

const encodeCursor = (name: string): string => Buffer.from(JSON.stringify({ after: name }), 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const after = (decoded as { after?: unknown } | null)?.after;
    if (typeof after === 'string') return after;
  } catch {
    // reported below
  }
  throw new InvalidCursorError(`'${cursor}' is not a cursor returned by listPipelines.`);
}

/** Pipelines by account, in memory, folded from `pipeline-` streams. */
export class PipelineReadModel {
  private readonly accounts = new Map<string, Map<string, PipelineRecord>>();

  apply(recorded: RecordedEvent): void {
    const id = parsePipelineStreamId(recorded.streamId);
    if (!id || !isPipelineEvent(recorded)) return;
    const event = { type: recorded.type, data: recorded.data } as PipelineEvent;
    const pipelines = this.accounts.get(id.account) ?? new Map<string, PipelineRecord>();
    this.accounts.set(id.account, pipelines);
    const record = pipelines.get(id.name);
    switch (event.type) {
      case 'PipelineCreated': {
        const { version, declaration, givenDeclaration, created, createdBy, tags } = event.data;
        const versions = record?.versions ?? new Map<number, PipelineVersionView>();
        versions.set(version, { version, declaration, ...(givenDeclaration ? { given: givenDeclaration } : {}), created, createdBy });
        pipelines.set(id.name, {
          account: id.account,
          name: id.name,
          active: true,
          versions,
          latest: version,
          created,
          updated: created,
          transitions: new Map(),
          tags,
        });
        return;
      }
      case 'PipelineUpdated': {
        if (!record) return;
        const { version, declaration, givenDeclaration, updated, updatedBy } = event.data;
        record.versions.set(version, { version, declaration, ...(givenDeclaration ? { given: givenDeclaration } : {}), created: updated, createdBy: updatedBy });
        record.latest = version;
        record.updated = updated;
        const stages = new Set(declaration.stages.map((s) => s.name));
        for (const stage of record.transitions.keys()) if (!stages.has(stage)) record.transitions.delete(stage);
        return;
      }
      case 'PipelineDeleted':
        if (record) record.active = false;
        return;
      case 'StageTransitionDisabled':
        record?.transitions.set(event.data.stageName, {
          disabled: true,
          reason: event.data.reason,
          changedBy: event.data.disabledBy,
          changedAt: event.data.disabledAt,
        });
        return;
      case 'StageTransitionEnabled':
        record?.transitions.set(event.data.stageName, { disabled: false, reason: null, changedBy: event.data.enabledBy, changedAt: event.data.enabledAt });
        return;
      case 'PipelineTagged':
        if (record) record.tags = mergeTags(record.tags, event.data.tags);
        return;
      case 'PipelineUntagged':
        if (record) record.tags = withoutTags(record.tags, event.data.tagKeys);
        return;
      default:
        assertNever(event);
    }
  }

  /** Everything folded, by account and name: what a rebuilt copy must equal (docs/decisions/0022). */
  contents(): ReadonlyMap<string, ReadonlyMap<string, unknown>> {
    return this.accounts;
  }

  /** The pipeline at its latest version, or at `version` (any version it ever had, also before a deletion). */
  getPipeline(account: string, name: string, version?: number): PipelineView | undefined {
    const record = this.accounts.get(account)?.get(name);
    if (!record?.active) return undefined;
    const chosen = record.versions.get(version ?? record.latest);
    return chosen && this.view(record, chosen);
  }

  /** Versions of a pipeline that exists now, oldest first. */
  listPipelineVersions(account: string, name: string): PipelineVersionView[] | undefined {
    const record = this.accounts.get(account)?.get(name);
    if (!record?.active) return undefined;
    return [...record.versions.values()].sort((a, b) => a.version - b.version);
  }

  /** Pipelines in the order of their names; `after` is a cursor from a previous page. */
  listPipelines(account: string, first: number, after?: string): PipelinePage {
    const afterName = after === undefined ? undefined : decodeCursor(after);
    const names = [...(this.accounts.get(account)?.values() ?? [])]
      .filter((record) => record.active && (afterName === undefined || record.name > afterName))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = names.slice(0, first);
    const last = page[page.length - 1];
    return {
      edges: page.map((record) => ({ cursor: encodeCursor(record.name), pipeline: this.view(record, record.versions.get(record.latest)!) })),
      endCursor: last ? encodeCursor(last.name) : null,
      hasNextPage: names.length > first,
    };
  }

  private view(record: PipelineRecord, version: PipelineVersionView): PipelineView {
    const latest = record.versions.get(record.latest)!;
    // The first stage has no inbound transition: nothing leads into it.
    const transitions = latest.declaration.stages.slice(1).map(({ name }): StageTransitionView => {
      const state = record.transitions.get(name);
      return {
        stageName: name,
        transitionType: 'Inbound',
        enabled: !state?.disabled,
        disabledReason: state?.reason ?? null,
        lastChangedBy: state?.changedBy ?? null,
        lastChangedAt: state?.changedAt ?? null,
      };
    });
    return {
      account: record.account,
      name: record.name,
      version,
      latestVersion: record.latest,
      created: record.created,
      updated: record.updated,
      transitions,
      tags: record.tags,
    };
  }
}
