import { JobLogs, type JobLogEntry } from './job-logs';

const job = (jobId: string) => ({ jobId, pipelineExecutionId: 'e1', stageName: 'Build', actionName: 'Compile' });

describe('JobLogs', () => {
  it('tells every listener of each chunk as it comes, numbered per job', () => {
    const logs = new JobLogs({ charsPerJob: 100, finishedJobs: 2 }, () => undefined);
    const seen: JobLogEntry[] = [];
    const unsubscribe = logs.subscribe((entry) => seen.push(entry));
    logs.append(job('j1'), 'stdout', 'one\n');
    logs.append(job('j2'), 'stderr', 'uno\n');
    logs.append(job('j1'), 'stdout', 'two\n');
    unsubscribe();
    logs.append(job('j1'), 'stdout', 'three\n');
    expect(seen.map((entry) => [entry.jobId, entry.sequence, entry.stream, entry.chunk])).toEqual([
      ['j1', 0, 'stdout', 'one\n'],
      ['j2', 0, 'stderr', 'uno\n'],
      ['j1', 1, 'stdout', 'two\n'],
    ]);
  });

  it('keeps the newest chunks within the per-job limit, and always the last one', () => {
    const logs = new JobLogs({ charsPerJob: 10, finishedJobs: 2 }, () => undefined);
    for (const chunk of ['aaaa', 'bbbb', 'cccc']) logs.append(job('j1'), 'stdout', chunk);
    expect(logs.recent('j1').map((entry) => [entry.sequence, entry.chunk])).toEqual([
      [1, 'bbbb'],
      [2, 'cccc'],
    ]);
    logs.append(job('j1'), 'stdout', 'x'.repeat(50));
    expect(logs.recent('j1').map((entry) => entry.sequence)).toEqual([3]);
  });

  it('forgets the oldest finished jobs beyond the limit', () => {
    const logs = new JobLogs({ charsPerJob: 10, finishedJobs: 2 }, () => undefined);
    for (const id of ['j1', 'j2', 'j3']) {
      logs.append(job(id), 'stdout', id);
      logs.finish(id);
    }
    expect(['j1', 'j2', 'j3'].map((id) => logs.recent(id).length)).toEqual([0, 1, 1]);
  });

  it('goes on telling the other listeners when one throws', () => {
    const errors: unknown[] = [];
    const logs = new JobLogs({ charsPerJob: 10, finishedJobs: 2 }, (error) => errors.push(error));
    const seen: string[] = [];
    logs.subscribe(() => {
      throw new Error('listener broke');
    });
    logs.subscribe((entry) => seen.push(entry.chunk));
    logs.append(job('j1'), 'stdout', 'hi');
    expect(seen).toEqual(['hi']);
    expect(errors).toHaveLength(1);
  });
});
