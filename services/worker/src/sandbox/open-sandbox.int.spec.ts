import { BUILD_COMMANDS } from '@sluice/domain';
import { loadProviderConfig } from '../provider-config';
import { commandsProvider } from '../providers/commands/commands-provider';
import { ProviderFailure } from '../providers/provider-failure';
import { recordingIo, TestJobs } from '../providers/testing/provider-job';
import { openJobSandbox } from './open-sandbox';

describe('opening the job sandbox', () => {
  const jobs = new TestJobs();
  afterAll(() => jobs.cleanUp());

  it('is bubblewrap by default on a machine that has it, checked by running a command in it', async () => {
    const sandbox = await openJobSandbox(loadProviderConfig({}).sandbox);
    expect(sandbox.kind).toBe('bubblewrap');
    expect(sandbox.description).toMatch(/^bubblewrap .*, memory 4096 MiB .*, 512 processes, 3600 s CPU$/);
  });

  it('refuses every command, saying why and what to do, when bubblewrap cannot be had', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    const missing = await openJobSandbox(loadProviderConfig({}).sandbox).finally(() => void (process.env.PATH = path));
    expect(missing.kind).toBe('unavailable');
    expect(missing.description).toContain('bubblewrap (bwrap) is not installed');

    const provider = commandsProvider(BUILD_COMMANDS.id, { sandbox: missing });
    const error = await provider.run(await jobs.job({ commands: ['echo should never run'] }), recordingIo()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderFailure);
    expect((error as ProviderFailure).kind).toBe('ConfigurationError');
    expect((error as ProviderFailure).message).toMatch(/This worker runs no commands: no sandbox \(bubblewrap \(bwrap\) is not installed\).*scripts\/ensure-sandbox\.sh.*SLUICE_SANDBOX=unsandboxed/);
  });

  it('refuses when the worker is root and the job user does not exist', async () => {
    if (process.getuid?.() !== 0) return;
    const sandbox = await openJobSandbox(loadProviderConfig({ SLUICE_SANDBOX_USER: 'no-such-sluice-user' }).sandbox);
    expect(sandbox.kind).toBe('unavailable');
    expect(sandbox.description).toContain('the job user no-such-sluice-user does not exist');
  });

  it('runs commands as the worker only on the operator\'s explicit word', async () => {
    const sandbox = await openJobSandbox(loadProviderConfig({ SLUICE_SANDBOX: 'unsandboxed' }).sandbox);
    expect(sandbox.kind).toBe('unsandboxed');
    expect(sandbox.description).toMatch(/^NONE: /);
    const io = recordingIo();
    await commandsProvider(BUILD_COMMANDS.id, { sandbox }).run(await jobs.job({ commands: ['id -u'] }), io);
    expect(io.text('stdout').trim()).toBe(String(process.getuid?.()));
  });

  it('turns the network off for the action types the operator names', async () => {
    const config = loadProviderConfig({ SLUICE_SANDBOX_NO_NETWORK: 'Build/Sluice/Commands' });
    const sandbox = await openJobSandbox(config.sandbox);
    const io = recordingIo();
    const interfaces = "awk -F: 'NR>2 { gsub(/ /, \"\", $1); print $1 }' /proc/net/dev";
    await commandsProvider(BUILD_COMMANDS.id, { sandbox, noNetwork: config.sandbox.noNetwork }).run(await jobs.job({ commands: [interfaces] }), io);
    expect(io.text('stdout').trim().split('\n')).toEqual(['lo']);
    const shared = recordingIo();
    await commandsProvider(BUILD_COMMANDS.id, { sandbox, noNetwork: ['Test'] }).run(await jobs.job({ commands: [interfaces] }), shared);
    expect(shared.text('stdout').trim().split('\n').length).toBeGreaterThan(1);
  });
});
