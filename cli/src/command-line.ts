import { badInput } from './cli-error';
import { OUTPUT_FORMATS, type OutputFormat } from './output';
import { checkInputMember, parseJson, parseParameter, readValue } from './values';
import { optionName, type Input, type Verb } from './verb';

/** The options every verb takes, as the AWS CLI names them. */
export interface GlobalOptions {
  endpointUrl?: string;
  profile?: string;
  output?: OutputFormat;
  query?: string;
  paginate: boolean;
  cliInputJson?: string;
  /** `--generate-cli-skeleton` alone means `input`. */
  generateSkeleton?: 'input' | 'output';
  help: boolean;
}

const GLOBAL_WITH_VALUE = new Set(['--endpoint-url', '--profile', '--output', '--query', '--cli-input-json']);

export interface SplitCommandLine {
  global: GlobalOptions;
  /** The verb's words: its name first (two words for `wait <waiter>`), then its options. */
  words: string[];
}

/** Takes the global options out wherever they are, leaving the verb and its own options. */
export function splitCommandLine(argv: readonly string[]): SplitCommandLine {
  const global: GlobalOptions = { paginate: true, help: false };
  const words: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] as string;
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (GLOBAL_WITH_VALUE.has(flag)) {
      const value = inline ?? argv[(index += 1)];
      if (value === undefined) throw badInput(`${flag} needs a value`);
      if (flag === '--endpoint-url') global.endpointUrl = value.replace(/\/+$/, '');
      else if (flag === '--profile') global.profile = value;
      else if (flag === '--query') global.query = value;
      else if (flag === '--cli-input-json') global.cliInputJson = value;
      else if (flag === '--output') {
        if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) throw badInput(`--output: must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
        global.output = value as OutputFormat;
      }
    } else if (flag === '--no-paginate') global.paginate = false;
    else if (flag === '--generate-cli-skeleton') {
      const next = inline ?? argv[index + 1];
      if (next === 'input' || next === 'output') {
        global.generateSkeleton = next;
        if (inline === undefined) index += 1;
      } else global.generateSkeleton = 'input';
    } else if (flag === '--help' || flag === '-h') global.help = true;
    else words.push(word);
  }
  return { global, words };
}

/**
 * The verb's input: `--cli-input-json` first (inline or `file://`), then the options over it; every
 * member checked against its type and the required ones present, each error naming the option or path.
 */
export function verbInput(verb: Verb, words: readonly string[], cliInputJson: string | undefined): Input {
  const input: Input = {};
  const byOption = new Map(verb.parameters.map((parameter) => [optionName(parameter.name), parameter]));
  if (cliInputJson !== undefined) {
    const given = parseJson(readValue(cliInputJson, '--cli-input-json'), '--cli-input-json');
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw badInput('--cli-input-json: expected a JSON object');
    for (const [name, value] of Object.entries(given)) {
      const parameter = verb.parameters.find((candidate) => candidate.name === name);
      if (!parameter) throw badInput(`--cli-input-json: ${verb.name} takes no member "${name}" (it takes ${verb.parameters.map((p) => p.name).join(', ') || 'none'})`);
      checkInputMember(parameter, value, `--cli-input-json.${name}`);
      input[name] = value;
    }
  }
  const positionals = verb.parameters.filter((parameter) => parameter.positional);
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    if (!word.startsWith('--')) {
      const parameter = positionals.shift();
      if (!parameter) throw badInput(`${verb.name}: unexpected ${JSON.stringify(word)} (options start with --; see \`sluice ${verb.name} help\`)`);
      input[parameter.name] = parseParameter(parameter, [word], parameter.name.toUpperCase());
      continue;
    }
    const [flag, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const negated = flag.startsWith('--no-') ? byOption.get(`--${flag.slice('--no-'.length)}`) : undefined;
    if (negated?.type === 'boolean') {
      input[negated.name] = false;
      continue;
    }
    const parameter = byOption.get(flag);
    if (!parameter) throw badInput(`${verb.name}: unknown option ${flag} (it takes ${verb.parameters.map((p) => optionName(p.name)).join(', ') || 'no options'})`);
    if (parameter.type === 'boolean') {
      input[parameter.name] = true;
      continue;
    }
    const values: string[] = [];
    if (inline !== undefined) values.push(inline);
    else {
      while (index + 1 < words.length && !(words[index + 1] as string).startsWith('--')) {
        values.push(words[(index += 1)] as string);
        if (parameter.type !== 'list') break;
      }
    }
    if (values.length === 0) throw badInput(`${flag} needs a value`);
    input[parameter.name] = parseParameter(parameter, values, flag);
  }
  const missing = verb.parameters.filter((parameter) => parameter.required && input[parameter.name] === undefined);
  if (missing.length > 0) {
    throw badInput(`${verb.name}: missing ${missing.map((parameter) => (parameter.positional ? parameter.name.toUpperCase() : optionName(parameter.name))).join(', ')} (see \`sluice ${verb.name} help\`)`);
  }
  return input;
}
