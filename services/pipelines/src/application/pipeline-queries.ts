import { AccessDeniedError, diffPipelineDeclarations, exportAwsPipeline, ValidationError, type PipelineChange, type ValidationIssue } from '@sluice/domain';
import { NotFoundError } from '../domain/errors';
import { pipelineGraph, type PipelineGraph } from '../domain/pipeline/pipeline-graph';
import type { PipelinePage, PipelineReadModel, PipelineVersionView, PipelineView, StageTransitionView } from '../projections/pipeline-read-model';
import type { Caller } from './caller';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export interface PipelineVersionDiff {
  name: string;
  from: number;
  to: number;
  changes: PipelineChange[];
}

/** Reads, from the read model; an absent pipeline or version is a NotFoundError. */
export class PipelineQueries {
  constructor(private readonly readModel: () => PipelineReadModel) {}

  getPipeline(caller: Caller, name: string, version?: number | null): PipelineView {
    if (version !== undefined && version !== null) checkVersion(version, 'version');
    const found = this.readModel().getPipeline(caller.account, name, version ?? undefined);
    if (found) return found;
    if (version !== undefined && version !== null && this.readModel().getPipeline(caller.account, name)) {
      throw new NotFoundError('version', String(version), `Pipeline '${name}' has no version ${version}.`);
    }
    throw new NotFoundError('pipeline', name);
  }

  getStageTransition(caller: Caller, pipelineName: string, stageName: string): StageTransitionView {
    const transition = this.getPipeline(caller, pipelineName).transitions.find((t) => t.stageName === stageName);
    if (!transition) throw new NotFoundError('stage', stageName, `Pipeline '${pipelineName}' has no inbound transition into '${stageName}'.`);
    return transition;
  }

  listPipelines(caller: Caller, first?: number | null, after?: string | null): PipelinePage {
    const size = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      invalid([{ path: 'first', code: 'invalid_page_size', message: `first must be between 1 and ${MAX_PAGE_SIZE}, got ${size}.` }]);
    }
    return this.readModel().listPipelines(caller.account, size, after ?? undefined);
  }

  listPipelineVersions(caller: Caller, name: string): PipelineVersionView[] {
    const versions = this.readModel().listPipelineVersions(caller.account, name);
    if (!versions) throw new NotFoundError('pipeline', name);
    return versions;
  }

  diffPipelineVersions(caller: Caller, name: string, from: number, to: number): PipelineVersionDiff {
    checkVersion(from, 'from');
    checkVersion(to, 'to');
    const before = this.getPipeline(caller, name, from).version.declaration;
    const after = this.getPipeline(caller, name, to).version.declaration;
    return { name, from, to, changes: diffPipelineDeclarations(before, after) };
  }

  /**
   * The graph across the account's pipelines that `readable` names (`'*'`: all). Behind the gateway (a principal is
   * named) the gateway must say which pipelines the caller may read; without that nothing is answered (decision 0054).
   */
  pipelineGraph(caller: Caller & { principal?: string }, readable: '*' | readonly string[] | undefined): PipelineGraph {
    if (readable === undefined && caller.principal !== undefined) {
      throw new AccessDeniedError(caller.actor, 'pipelineGraph: the gateway did not say which pipelines the caller may read, so none are shown.');
    }
    const allowed = readable === undefined || readable === '*' ? undefined : new Set(readable);
    const declarations = [];
    for (let after: string | undefined, page; (page = this.readModel().listPipelines(caller.account, MAX_PAGE_SIZE, after)); ) {
      for (const { pipeline } of page.edges) if (!allowed || allowed.has(pipeline.name)) declarations.push(pipeline.version.declaration);
      if (!page.hasNextPage || page.endCursor === null) break;
      after = page.endCursor;
    }
    return pipelineGraph(declarations);
  }

  exportAwsPipeline(caller: Caller, name: string, version?: number | null): ReturnType<typeof exportAwsPipeline> {
    return exportAwsPipeline(this.getPipeline(caller, name, version).version.declaration);
  }
}

function checkVersion(version: number, path: string): void {
  if (!Number.isInteger(version) || version < 1) {
    invalid([{ path, code: 'invalid_version', message: `${path} must be a version number (1 or more), got ${version}.` }]);
  }
}

function invalid(issues: ValidationIssue[]): never {
  throw new ValidationError(issues, 'The request is not valid');
}
