import { CliError } from './cli-error';
import { splitCommandLine, verbInput } from './command-line';
import { Gateway } from './gateway';
import { generalHelp, verbHelp } from './help';
import { applyQuery, formatOutput, type OutputFormat } from './output';
import { configFilePath, DEFAULT_ENDPOINT, readProfiles } from './profile';
import { inputSkeleton, type Input, type Io, type Verb, type VerbContext } from './verb';
import { findVerb, VERBS } from './verbs';
import { suggestVerbs } from './verbs/suggest-verbs';
import { version as CLI_VERSION } from '../package.json';

/** Runs one command line; answers the exit code. Every failure is one clear line on stderr, never a stack trace. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let gateway: Gateway | undefined;
  try {
    if (argv[0] === '--version' || argv[0] === 'version') {
      io.stdout.write(`sluice ${CLI_VERSION}\n`);
      return 0;
    }
    const { global, words } = splitCommandLine(argv);
    if (words.length === 0 || words[0] === 'help') {
      (words.length === 0 ? io.stderr : io.stdout).write(generalHelp());
      return words.length === 0 ? 2 : 0;
    }
    const found = findVerb(words);
    if (!found) {
      // The verb is the words before the first option: `get-pipelinestate --name demo` names `get-pipelinestate`.
      const firstOption = words.findIndex((word) => word.startsWith('-'));
      const typed = (firstOption < 0 ? words : words.slice(0, firstOption)).slice(0, 2);
      const guesses = suggestVerbs(typed, VERBS);
      const hint = guesses.length > 0 ? `; did you mean ${guesses.map((name) => `"${name}"`).join(' or ')}?` : '';
      throw new CliError('bad-input', `unknown verb ${JSON.stringify(typed.join(' '))}${hint} (\`sluice help\` lists them)`);
    }
    const { verb, rest } = found;
    if (global.help || rest[0] === 'help') {
      io.stdout.write(verbHelp(verb));
      return 0;
    }
    if (global.generateSkeleton === 'input') {
      io.stdout.write(`${JSON.stringify(inputSkeleton(verb), null, 4)}\n`);
      return 0;
    }
    if (global.generateSkeleton === 'output') throw new CliError('bad-input', `--generate-cli-skeleton output: run the verb with --query to see its output's shape`);

    const profileName = global.profile ?? given(io.env, 'SLUICE_PROFILE') ?? 'default';
    const file = configFilePath(io.env);
    const profiles = await readProfiles(file);
    const settings = profiles.get(profileName);
    if (settings === undefined && global.profile !== undefined && !verb.writesProfile) throw new CliError('bad-input', `--profile: no profile "${profileName}" in ${file}`);
    const endpoint = endpointOf(global.endpointUrl ?? given(io.env, 'SLUICE_ENDPOINT_URL') ?? settings?.endpoint_url ?? DEFAULT_ENDPOINT);
    const output = (global.output ?? settings?.output ?? 'json') as OutputFormat;
    const input = verbInput(verb, rest, global.cliInputJson);

    gateway = new Gateway(endpoint, given(io.env, 'SLUICE_TOKEN') ?? settings?.token);
    const interactive = io.stderr.isTTY === true;
    const context: VerbContext = {
      gateway,
      io,
      profile: { name: profileName, file },
      progress: (line) => {
        if (interactive) io.stderr.write(`\r\x1b[K${line}`);
      },
    };
    const answer = await runPaginated(verb, input, context, global.paginate);
    const width = io.stdout.isTTY === true && (io.stdout.columns ?? 0) > 0 ? io.stdout.columns! : 100;
    io.stdout.write(formatOutput(applyQuery(answer, global.query), output, operationName(verb), width));
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`sluice: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`sluice: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await gateway?.close();
  }
}

/** An environment variable set to the empty string counts as not set, as in a shell's `VAR= sluice …`. */
const given = (env: NodeJS.ProcessEnv, name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

function endpointOf(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError('bad-input', `--endpoint-url: ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('bad-input', `--endpoint-url: must be http:// or https://, got ${url.protocol}`);
  return raw.replace(/\/+$/, '');
}

/** Follows `nextToken` and joins the pages, as the AWS CLI does, unless a page was asked for. */
async function runPaginated(verb: Verb, input: Input, context: VerbContext, paginate: boolean): Promise<unknown> {
  if (!verb.paginated || !paginate || input['nextToken'] !== undefined) return verb.run(input, context);
  const items: unknown[] = [];
  let first: Record<string, unknown> | undefined;
  let nextToken: string | undefined;
  do {
    const page = (await verb.run({ ...input, ...(nextToken ? { nextToken } : {}) }, context)) as Record<string, unknown>;
    first ??= page;
    items.push(...((page[verb.paginated.items] as unknown[] | undefined) ?? []));
    nextToken = page['nextToken'] as string | undefined;
  } while (nextToken !== undefined);
  const { nextToken: _dropped, ...rest } = first;
  return { ...rest, [verb.paginated.items]: items };
}

/** `list-pipelines` → `ListPipelines`, the title the AWS CLI gives a table. */
const operationName = (verb: Verb): string => verb.name.split(/[\s-]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
