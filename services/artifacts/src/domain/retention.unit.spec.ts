import { decideRetention, keptExecutionIds, type RetentionArtifact, type RetentionExecution, type RetentionView } from './retention';

const sha = (n: number): string => n.toString(16).padStart(64, '0');
const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-06-01T00:00:00.000Z');
const daysAgo = (days: number): string => new Date(now.getTime() - days * DAY).toISOString();

function execution(id: string, startedDaysAgo: number, references: number[], extra: Partial<RetentionExecution> = {}): RetentionExecution {
  return { id, pipelineKey: 'acme.web', startedAt: daysAgo(startedDaysAgo), running: false, references: new Set(references.map(sha)), ...extra };
}

function view(executions: RetentionExecution[], artifacts: Record<number, string | null>): RetentionView {
  return {
    executions,
    artifact: (address: string): RetentionArtifact | undefined => {
      const entry = Object.entries(artifacts).find(([n]) => sha(Number(n)) === address);
      return entry ? { sha256: address, size: 10, lastUsedAt: entry[1] } : undefined;
    },
  };
}

const policy = { graceMs: 30 * DAY, keepExecutions: 2 };

describe('retention', () => {
  it('keeps the newest executions of each pipeline and every running one', () => {
    const executions = [
      execution('e1', 50, []),
      execution('e2', 40, [], { running: true }),
      execution('e3', 30, []),
      execution('e4', 20, []),
      execution('other', 90, [], { pipelineKey: 'acme.api' }),
    ];
    expect([...keptExecutionIds(executions, 2)].sort()).toEqual(['e2', 'e3', 'e4', 'other']);
    expect([...keptExecutionIds(executions, 0)].sort()).toEqual(['e2']);
  });

  it('collects what no kept execution references once the grace is over, never what a kept one references', () => {
    // 1: only in an old, dropped execution; 2: the same bytes in an old and a kept execution; 3: recent, unreferenced upload.
    const executions = [execution('old', 60, [1, 2]), execution('mid', 50, [3]), execution('new1', 45, [2]), execution('new2', 40, [])];
    const decision = decideRetention(view(executions, { 1: daysAgo(59), 2: daysAgo(44), 3: daysAgo(10), 4: daysAgo(31) }), [1, 2, 3, 4].map(sha), now, policy);
    expect(decision.collect).toEqual([
      { sha256: sha(1), size: 10, lastUsedAt: daysAgo(59), reason: 'referenced by no kept execution' },
      { sha256: sha(4), size: 10, lastUsedAt: daysAgo(31), reason: 'never referenced by an execution' },
    ]);
    expect(decision.unknown).toEqual([]);
  });

  it('waits for the whole grace, and reports stored bytes without history as unknown', () => {
    const decision = decideRetention(view([], { 1: daysAgo(29.9), 2: null }), [1, 2, 3].map(sha), now, policy);
    expect(decision.collect).toEqual([]);
    expect(decision.unknown).toEqual([sha(2), sha(3)]);
    expect(decideRetention(view([], { 1: daysAgo(30) }), [sha(1)], now, policy).collect.map((c) => c.sha256)).toEqual([sha(1)]);
  });

  it('keeps what a running execution references, however old', () => {
    const executions = [execution('running', 400, [1], { running: true }), execution('a', 10, []), execution('b', 5, [])];
    expect(decideRetention(view(executions, { 1: daysAgo(400) }), [sha(1)], now, policy).collect).toEqual([]);
  });
});
