// Marks on the "as of" slider (issue 22, item 14): executions started and ended, approvals answered, definition
// versions saved; each a tooltip, and a click moves the slider there.
import { request } from './graphql';

export type MarkKind = 'started' | 'ended' | 'approval' | 'version';

export interface TimelineMark {
  at: number;
  kind: MarkKind;
  label: string;
}

interface MarkSources {
  executions: Array<{ pipelineExecutionId: string; status: string; startTime: string; lastUpdateTime: string }>;
  approvals: Array<{ stageName: string; actionName: string; status: string; lastUpdateTime: string; updatedBy: string | null; pipelineExecutionId: string }>;
  versions: Array<{ version: number; created: string; createdBy: string }>;
}

const FINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled']);

/** The marks between `from` and `to` (ms), oldest first. */
export function timelineMarks(sources: MarkSources, from: number, to: number): TimelineMark[] {
  const marks: TimelineMark[] = [];
  for (const e of sources.executions) {
    const id = e.pipelineExecutionId.slice(0, 8);
    marks.push({ at: Date.parse(e.startTime), kind: 'started', label: `Execution ${id} started` });
    if (FINAL.has(e.status)) marks.push({ at: Date.parse(e.lastUpdateTime), kind: 'ended', label: `Execution ${id} ended: ${e.status}` });
  }
  for (const a of sources.approvals) {
    marks.push({ at: Date.parse(a.lastUpdateTime), kind: 'approval', label: `${a.stageName}/${a.actionName} ${a.status === 'Succeeded' ? 'approved' : 'rejected'} by ${a.updatedBy} (execution ${a.pipelineExecutionId.slice(0, 8)})` });
  }
  for (const v of sources.versions) marks.push({ at: Date.parse(v.created), kind: 'version', label: `Version ${v.version} saved by ${v.createdBy}` });
  return marks.filter((m) => Number.isFinite(m.at) && m.at >= from && m.at <= to).sort((a, b) => a.at - b.at);
}

/** The last 100 executions, the answered approvals among the newest 1,000 action attempts, every version. */
export async function loadMarkSources(name: string): Promise<MarkSources> {
  const data = await request<{
    listPipelineExecutions: { nodes: MarkSources['executions'] };
    listActionExecutions: { nodes: Array<MarkSources['approvals'][number]> };
    listPipelineVersions: MarkSources['versions'];
  }>(
    `query Marks($name: String!) {
      listPipelineExecutions(pipelineName: $name, first: 100) { nodes { pipelineExecutionId status startTime lastUpdateTime } }
      listActionExecutions(pipelineName: $name, first: 1000) { nodes { stageName actionName status lastUpdateTime updatedBy pipelineExecutionId } }
      listPipelineVersions(name: $name) { version created createdBy }
    }`,
    { name },
  );
  return {
    executions: data.listPipelineExecutions.nodes,
    approvals: data.listActionExecutions.nodes.filter((a) => a.updatedBy !== null && (a.status === 'Succeeded' || a.status === 'Failed')),
    versions: data.listPipelineVersions,
  };
}
