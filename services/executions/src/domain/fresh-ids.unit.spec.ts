import { actionExecutionIdFor } from './derived-ids';
import { decideExecution, noExecutionContext } from './execution/execution-decider';
import { foldExecution } from './execution/execution-progress';
import { drawnApprovalToken, drawnJobId } from './fresh-ids';
import { approvalAction, commandsAction, metadataAt, pipeline, stage, startCommand, T0 } from './testing/fixtures';

describe('ids and tokens that grant something are drawn from the command, not derived', () => {
  const declaration = pipeline([stage('Build', [commandsAction('Compile'), approvalAction('Approve')])]);
  /** Starts e1 and enters Build with `entropy`: the job of Compile and the token of Approve. */
  const handedOut = (entropy: string) => {
    const start = decideExecution(startCommand('e1', declaration), foldExecution([]), noExecutionContext);
    const entered = decideExecution({ type: 'EnterStage', executionId: 'e1', stageName: 'Build', metadata: metadataAt(T0, 'system', entropy) }, foldExecution(start), noExecutionContext);
    const work = entered.flatMap((event) => (event.type === 'ActionExecutionStarted' ? [event.data.work] : []));
    return {
      jobId: work.flatMap((w) => (w.kind === 'Job' ? [w.jobId] : []))[0]!,
      token: work.flatMap((w) => (w.kind === 'Approval' ? [w.token] : []))[0]!,
    };
  };

  it('the same execution, stage and actions with other entropy: unrelated job ids and tokens, nothing of the execution in them', () => {
    const first = handedOut('c8b1f0d3a2e94b7f8e1d2c3b4a596877');
    const second = handedOut('0f9e8d7c6b5a49382716f5e4d3c2b1a0');
    expect(first.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.jobId).not.toBe(first.jobId);
    expect(second.token).not.toBe(first.token);
    for (const value of [first.jobId, first.token]) {
      expect(value).not.toContain('e1');
      expect(value).not.toContain('Compile');
    }
    // Deterministic for a given command: a decision repeated after a conflict names the same ids.
    expect(handedOut('c8b1f0d3a2e94b7f8e1d2c3b4a596877')).toEqual(first);
  });

  it('one entropy, several ids: each has its own hash, so one does not tell another', () => {
    const entropy = 'c8b1f0d3a2e94b7f8e1d2c3b4a596877';
    const compile = actionExecutionIdFor('e1', 'Build', 'Compile', 1);
    const ids = [drawnJobId(entropy, compile, 0), drawnJobId(entropy, compile, 1), drawnJobId(entropy, actionExecutionIdFor('e1', 'Build', 'Compile', 2), 0), drawnApprovalToken(entropy, compile).replace(/-/g, '')];
    expect(new Set(ids.map((id) => id.slice(0, 12))).size).toBe(ids.length);
  });

  it('refuses to draw without entropy rather than hand out a guessable id', () => {
    expect(() => drawnJobId('', 'e1/Build/Compile/1', 0)).toThrow(RangeError);
  });
});
