import type { ExecutionEvent } from '@sluice/contracts';
import { notificationFor } from './notification-for';

const execution = { pipeline: { account: 'acme', name: 'web app' } };
const at = '2026-01-02T03:04:05.000Z';
const of = (event: { type: string; data: unknown }) => notificationFor(event as unknown as ExecutionEvent, 'e-1', execution, 'https://ci.example.test/', at);

describe('notificationFor', () => {
  const cases: Array<[string, { type: string; data: unknown }, string | undefined]> = [
    ['a start', { type: 'PipelineExecutionStarted', data: { inputs: { trigger: { triggerType: 'Webhook' } } } }, 'codepipeline-pipeline-pipeline-execution-started'],
    ['a success', { type: 'PipelineExecutionSucceeded', data: { at } }, 'codepipeline-pipeline-pipeline-execution-succeeded'],
    ['a failure', { type: 'PipelineExecutionFailed', data: { stageName: 'Build', message: 'x', at } }, 'codepipeline-pipeline-pipeline-execution-failed'],
    ['a supersession', { type: 'PipelineExecutionSuperseded', data: { stageName: 'Build', supersededBy: 'e-2', at } }, 'codepipeline-pipeline-pipeline-execution-superseded'],
    ['a stop', { type: 'PipelineExecutionStopped', data: { reason: 'r', abandoned: true, stoppedBy: 'bob', at } }, 'codepipeline-pipeline-pipeline-execution-canceled'],
    ['a stage failure', { type: 'StageExecutionFailed', data: { stageName: 'Build', attempt: 1, failedActions: ['a'], message: 'x', at } }, 'codepipeline-pipeline-stage-execution-failed'],
    ['an action failure', { type: 'ActionExecutionFailed', data: { stageName: 'Build', actionName: 'a', errorType: 'JobFailed', message: 'x' } }, 'codepipeline-pipeline-action-execution-failed'],
    ['a rejection as an action failure', { type: 'ActionExecutionFailed', data: { stageName: 'Ok', actionName: 'a', errorType: 'ApprovalRejected', message: 'x' } }, undefined],
    ['an approval waiting', { type: 'ActionExecutionStarted', data: { stageName: 'Ok', actionName: 'Approve', work: { kind: 'Approval', token: 't', expiresAt: at } } }, 'codepipeline-pipeline-manual-approval-needed'],
    ['a job starting', { type: 'ActionExecutionStarted', data: { stageName: 'Build', actionName: 'a', work: { kind: 'Job' } } }, undefined],
    ['an approval', { type: 'ApprovalResultRecorded', data: { stageName: 'Ok', actionName: 'Approve', status: 'Approved', summary: '', approvedBy: 'bob' } }, 'codepipeline-pipeline-manual-approval-succeeded'],
    ['a rejection', { type: 'ApprovalResultRecorded', data: { stageName: 'Ok', actionName: 'Approve', status: 'Rejected', summary: 'no', approvedBy: 'bob' } }, 'codepipeline-pipeline-manual-approval-failed'],
    ['a stage success', { type: 'StageExecutionSucceeded', data: { stageName: 'Build', attempt: 1, at } }, undefined],
  ];
  it.each(cases)('names %s', (_title, event, expected) => expect(of(event)?.eventTypeId).toBe(expected));

  it('links to the execution, and an approval to its action on the pipeline view', () => {
    expect(of({ type: 'PipelineExecutionSucceeded', data: { at } })!.message.link).toBe('https://ci.example.test/pipelines/web%20app/executions/e-1');
    expect(of({ type: 'ActionExecutionStarted', data: { stageName: 'Ok', actionName: 'Approve', work: { kind: 'Approval', token: 't', expiresAt: at } } })!.message.link).toBe(
      'https://ci.example.test/pipelines/web%20app#Ok/Approve',
    );
  });
});
