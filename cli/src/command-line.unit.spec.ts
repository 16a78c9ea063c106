import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli-error';
import { splitCommandLine, verbInput } from './command-line';
import { findVerb } from './verbs';
import type { Verb } from './verb';

const verb = (name: string): Verb => {
  const found = findVerb(name.split(' '));
  if (!found) throw new Error(`no verb ${name}`);
  return found.verb;
};

const failure = (run: () => unknown): CliError => {
  try {
    run();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
};

describe('the command line', () => {
  it('takes global options from anywhere and leaves the verb and its options', () => {
    const { global, words } = splitCommandLine(['--output', 'table', 'get-pipeline', '--name', 'web', '--query=pipeline.name', '--no-paginate', '--endpoint-url', 'http://h:1/']);
    expect(global).toEqual({ output: 'table', query: 'pipeline.name', paginate: false, endpointUrl: 'http://h:1', help: false });
    expect(words).toEqual(['get-pipeline', '--name', 'web']);
  });

  it('refuses an unknown output format, naming the option', () => {
    expect(failure(() => splitCommandLine(['--output', 'yaml', 'list-pipelines'])).message).toMatch(/--output: must be one of json, text, table/);
  });

  it('reads shorthand structures, lists of them, integers and booleans', () => {
    const input = verbInput(verb('put-approval-result'), ['--pipeline-name', 'web', '--stage-name', 'A', '--action-name', 'B', '--result', 'summary="ok, ship it",status=Approved', '--token', 't'], undefined);
    expect(input['result']).toEqual({ summary: 'ok, ship it', status: 'Approved' });
    const start = verbInput(verb('start-pipeline-execution'), ['--name', 'web', '--variables', 'name=Env,value=prod', 'name=Region,value=eu'], undefined);
    expect(start['variables']).toEqual([
      { name: 'Env', value: 'prod' },
      { name: 'Region', value: 'eu' },
    ]);
    expect(verbInput(verb('get-pipeline'), ['--name', 'web', '--version', '3'], undefined)).toEqual({ name: 'web', version: 3 });
    expect(verbInput(verb('stop-pipeline-execution'), ['--pipeline-name', 'w', '--pipeline-execution-id', 'e', '--abandon'], undefined)['abandon']).toBe(true);
    expect(verbInput(verb('stop-pipeline-execution'), ['--pipeline-name', 'w', '--pipeline-execution-id', 'e', '--no-abandon'], undefined)['abandon']).toBe(false);
  });

  it('reads file:// values and --cli-input-json, with options given as well winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'web', stages: [] }));
    writeFileSync(join(dir, 'in.json'), JSON.stringify({ name: 'from-file', version: 2 }));
    expect(verbInput(verb('create-pipeline'), ['--pipeline', `file://${join(dir, 'p.json')}`], undefined)['pipeline']).toEqual({ name: 'web', stages: [] });
    expect(verbInput(verb('get-pipeline'), ['--name', 'given'], `file://${join(dir, 'in.json')}`)).toEqual({ name: 'given', version: 2 });
  });

  it('names what is wrong: a missing option, an unknown one, a bad number, a member --cli-input-json may not have, malformed JSON, an unreadable file', () => {
    expect(failure(() => verbInput(verb('get-pipeline'), [], undefined)).message).toMatch(/missing --name/);
    expect(failure(() => verbInput(verb('get-pipeline'), ['--name', 'a', '--colour', 'red'], undefined)).message).toMatch(/unknown option --colour/);
    expect(failure(() => verbInput(verb('get-pipeline'), ['--name', 'a', '--version', 'two'], undefined)).message).toMatch(/--version: expected a whole number, got "two"/);
    expect(failure(() => verbInput(verb('get-pipeline'), [], '{"name":"a","colour":"red"}')).message).toMatch(/--cli-input-json: get-pipeline takes no member "colour"/);
    expect(failure(() => verbInput(verb('get-pipeline'), [], '{"name":7}')).message).toMatch(/--cli-input-json.name: expected a string/);
    expect(failure(() => verbInput(verb('create-pipeline'), ['--pipeline', '{"name":'], undefined)).message).toMatch(/--pipeline: not valid JSON/);
    expect(failure(() => verbInput(verb('create-pipeline'), ['--pipeline', 'file:///nowhere/p.json'], undefined)).message).toMatch(/--pipeline: cannot read \/nowhere\/p.json: ENOENT/);
    expect(failure(() => verbInput(verb('retry-stage-execution'), ['--pipeline-name', 'w', '--stage-name', 's', '--pipeline-execution-id', 'e', '--retry-mode', 'SOME'], undefined)).message).toMatch(
      /--retry-mode: must be one of FAILED_ACTIONS, ALL_ACTIONS/,
    );
    expect(failure(() => verbInput(verb('get-pipeline'), [], undefined)).exitCode).toBe(2);
  });

  it('finds two-word verbs', () => {
    expect(findVerb(['wait', 'pipeline-execution-succeeded', '--pipeline-name', 'w'])?.rest).toEqual(['--pipeline-name', 'w']);
    expect(findVerb(['wait', 'nothing'])).toBeUndefined();
  });
});
