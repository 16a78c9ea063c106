import type { Gateway } from './gateway';

export type ParameterType = 'string' | 'integer' | 'boolean' | 'structure' | 'list' | 'map';

/** One request member, named as in CodePipeline's API (camelCase); on the command line it is `--kebab-case`. */
export interface Parameter {
  name: string;
  type: ParameterType;
  required?: boolean;
  description: string;
  enum?: readonly string[];
  /** What `--generate-cli-skeleton` shows for it (structures and lists; scalars get "" / 0 / true). */
  skeleton?: unknown;
  /** Given as the n-th word after the verb instead of an option (e.g. `sluice logs EXECUTION`). */
  positional?: boolean;
}

export type Input = Record<string, unknown>;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream;
}

export interface VerbContext {
  gateway: Gateway;
  io: Io;
  /** The profile in use and the config file it lives in (for `login`). */
  profile: { name: string; file: string };
  /** Progress lines for a person: only when stderr is a terminal. */
  progress(line: string): void;
}

export interface Verb {
  name: string;
  summary: string;
  parameters: readonly Parameter[];
  /** A list verb: `items` names the list in the output; the CLI follows `nextToken` unless --no-paginate. */
  paginated?: { items: string };
  /** Makes the profile it names (login): a --profile not in the config file yet is no error. */
  writesProfile?: boolean;
  examples: readonly string[];
  /** Markdown docs/cli.md prints after the examples (a worked example; tests may run it). */
  guide?: string;
  run(input: Input, context: VerbContext): Promise<unknown>;
}

/** `pipelineExecutionId` → `--pipeline-execution-id`. */
export const optionName = (member: string): string => `--${member.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

/** The input skeleton `--generate-cli-skeleton` prints: every member with a placeholder of its type. */
export function inputSkeleton(verb: Verb): Input {
  const skeleton: Input = {};
  for (const parameter of verb.parameters) {
    if (parameter.skeleton !== undefined) skeleton[parameter.name] = parameter.skeleton;
    else if (parameter.enum) skeleton[parameter.name] = parameter.enum[0];
    else skeleton[parameter.name] = { string: '', integer: 0, boolean: true, structure: {}, list: [], map: {} }[parameter.type];
  }
  return skeleton;
}
