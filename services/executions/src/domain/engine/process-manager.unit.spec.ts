import { emptyJobSuccess } from '@sluice/contracts';
import { commandsAction, ENTROPY, metadataAt, pipeline, stage, startCommand, T0 } from '../testing/fixtures';
import { Simulation } from '../testing/simulation';
import { nextCommands, nextWakeUp } from './process-manager';

const declaration = pipeline([stage('Build', [commandsAction('Compile')]), stage('Deploy', [commandsAction('Ship')])]);
const kinds = (sim: Simulation) => nextCommands(sim.api.view('e1'), sim.now(), ENTROPY).map(({ aggregate, command }) => `${aggregate}:${command.type}`);

describe('process manager: the next commands follow from the states', () => {
  it('walks an execution through lanes, stage entry, job creation, job result, release and the next stage', () => {
    const sim = new Simulation();
    sim.api.apply({ aggregate: 'execution', command: startCommand('e1', declaration) });
    const steps: string[][] = [];
    for (let i = 0; i < 7; i += 1) {
      const proposed = nextCommands(sim.api.view('e1'), sim.now(), ENTROPY);
      steps.push(proposed.map(({ aggregate, command }) => `${aggregate}:${command.type}`));
      proposed.forEach((command) => sim.api.apply(command));
      if (i === 2) {
        const jobId = sim.jobIdOf('e1', 'Build', 'Compile');
        sim.api.apply({ aggregate: 'job', command: { type: 'DispatchJob', jobId, nonce: 'n', workerId: 'w', metadata: metadataAt(T0) } });
        sim.api.apply({ aggregate: 'job', command: { type: 'AcknowledgeJob', jobId, nonce: 'n', metadata: metadataAt(T0) } });
        sim.api.apply({ aggregate: 'job', command: { type: 'PutJobSuccessResult', jobId, result: emptyJobSuccess(), claims: null, metadata: metadataAt(T0) } });
      }
    }
    expect(steps).toEqual([
      ['lanes:RequestStageEntry'],
      ['execution:EnterStage'],
      ['job:CreateJob'],
      ['execution:CompleteActionJob'],
      ['lanes:ReleaseStage', 'lanes:RequestStageEntry'],
      ['execution:EnterStage'],
      ['job:CreateJob'],
    ]);
  });

  it('after a crash the same call finds the half-done step again (level-triggered), and repeating it is harmless', () => {
    const sim = new Simulation();
    sim.api.apply({ aggregate: 'execution', command: startCommand('e1', declaration) });
    const first = nextCommands(sim.api.view('e1'), sim.now(), ENTROPY);
    expect(nextCommands(sim.api.view('e1'), sim.now(), ENTROPY)).toEqual(first);
    first.forEach((command) => sim.api.apply(command));
    expect(first.flatMap((command) => sim.api.apply(command))).toEqual([]);
    expect(kinds(sim)).toEqual(['execution:EnterStage']);
  });

  it('says when to look again: the earliest deadline or lease', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'ignore' }) });
    sim.start(declaration);
    sim.run(0);
    expect(nextWakeUp(sim.api.view('e1'))).toBe('2026-03-01T10:01:00.000Z');
  });
});
