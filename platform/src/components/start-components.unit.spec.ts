import { component, together, type PlatformComponent } from './platform-component';
import { startComponents } from './start-components';

/** A component that writes what happens to it in `journal`, and fails where told. */
function recorded(journal: string[], name: string, fail: { start?: boolean; stop?: boolean } = {}): PlatformComponent {
  return component(name, async () => {
    if (fail.start) throw new Error(`${name} cannot start`);
    journal.push(`start ${name}`);
    return async () => {
      journal.push(`stop ${name}`);
      if (fail.stop) throw new Error(`${name} cannot stop`);
    };
  });
}

describe('startComponents', () => {
  it('starts the components in order and stops them in reverse', async () => {
    const journal: string[] = [];
    const running = await startComponents(['store', 'relay', 'gateway'].map((name) => recorded(journal, name)));
    await running.stop();
    expect(journal).toEqual(['start store', 'start relay', 'start gateway', 'stop gateway', 'stop relay', 'stop store']);
  });

  it('stops what started, in reverse, when a component cannot start, and throws its error', async () => {
    const journal: string[] = [];
    const components = [recorded(journal, 'store'), recorded(journal, 'relay'), recorded(journal, 'gateway', { start: true }), recorded(journal, 'poller')];
    await expect(startComponents(components)).rejects.toThrow('gateway cannot start');
    expect(journal).toEqual(['start store', 'start relay', 'stop relay', 'stop store']);
  });

  it('stops every component although one fails to stop, and names each failure', async () => {
    const journal: string[] = [];
    const running = await startComponents([recorded(journal, 'store', { stop: true }), recorded(journal, 'relay', { stop: true }), recorded(journal, 'gateway')]);
    await expect(running.stop()).rejects.toThrow('the platform did not stop cleanly: relay cannot stop; store cannot stop');
    expect(journal.filter((line) => line.startsWith('stop'))).toEqual(['stop gateway', 'stop relay', 'stop store']);
  });

  it('answers each component ready while it runs, and none once stopped', async () => {
    const parts = [recorded([], 'store'), recorded([], 'gateway')];
    const running = await startComponents(parts);
    expect(await running.ready()).toEqual([{ name: 'store', ready: true }, { name: 'gateway', ready: true }]);
    await running.stop();
    expect(await Promise.all(parts.map((part) => part.ready()))).toEqual([false, false]);
  });
});

describe('together', () => {
  it('starts its members at once and, when one fails, stops the others and throws', async () => {
    const journal: string[] = [];
    const group = together('workers', [recorded(journal, 'worker-1'), recorded(journal, 'worker-2', { start: true })]);
    await expect(group.start()).rejects.toThrow('worker-2 cannot start');
    expect(journal).toEqual(['start worker-1', 'stop worker-1']);
  });

  it('stops its members in reverse, one after the other, when asked to', async () => {
    const journal: string[] = [];
    const group = together('services', [recorded(journal, 'subgraphs'), recorded(journal, 'engines')], { stopInReverse: true });
    await group.start();
    expect(await group.ready()).toBe(true);
    await group.stop();
    expect(journal.slice(2)).toEqual(['stop engines', 'stop subgraphs']);
  });
});
