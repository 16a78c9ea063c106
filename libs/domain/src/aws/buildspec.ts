import { parse } from 'yaml';
import type { EnvironmentVariable } from '../pipeline-definition/pipeline-declaration';
import { isJsonObject, type JsonObject } from '../validation/json-shape';

/** What a CodeBuild buildspec (version 0.2) says that a Sluice Commands action can carry. */
export interface Buildspec {
  /** install, pre_build, build, post_build: each phase's commands, then its `finally` commands. */
  commands: string[];
  environmentVariables: EnvironmentVariable[];
  /** `env.parameter-store`: Sluice has no parameter store. */
  parameterStoreVariables: string[];
  exportedVariables: string[];
  /** Output file globs: `primary` for `artifacts`, else the secondary artifact's identifier. */
  artifactFiles: Record<string, string[]>;
  /** Sections and settings that have no Sluice equivalent. */
  ignored: string[];
}

export type BuildspecResult = { ok: true; buildspec: Buildspec } | { ok: false; reason: string };

export const PRIMARY_ARTIFACT = 'primary';

/** CodeBuild runs phases in this order whatever their order in the file. */
const PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;

export function parseBuildspec(text: string): BuildspecResult {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, reason: `its YAML does not parse (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  if (!isJsonObject(document)) return { ok: false, reason: 'it is not a YAML mapping' };
  const phases = isJsonObject(document.phases) ? document.phases : {};
  const ignored: string[] = [];
  const commands = PHASES.flatMap((phase) => phaseCommands(phases[phase], phase, ignored));
  if (commands.length === 0) return { ok: false, reason: 'it has no phase commands' };
  for (const key of Object.keys(phases)) if (!(PHASES as readonly string[]).includes(key)) ignored.push(`phases.${key}`);
  for (const key of Object.keys(document)) {
    if (!['version', 'phases', 'env', 'artifacts'].includes(key)) ignored.push(key);
  }
  const env = isJsonObject(document.env) ? document.env : {};
  for (const key of Object.keys(env)) {
    if (!['variables', 'parameter-store', 'secrets-manager', 'exported-variables'].includes(key)) ignored.push(`env.${key}`);
  }
  return {
    ok: true,
    buildspec: {
      commands,
      environmentVariables: [
        ...entries(env.variables).map(([name, value]): EnvironmentVariable => ({ name, value, type: 'PLAINTEXT' })),
        ...entries(env['secrets-manager']).map(([name, value]): EnvironmentVariable => ({ name, value, type: 'SECRETS_MANAGER' })),
      ],
      parameterStoreVariables: entries(env['parameter-store']).map(([name]) => name),
      exportedVariables: strings(env['exported-variables']),
      artifactFiles: artifactFiles(document.artifacts, ignored),
      ignored,
    },
  };
}

function phaseCommands(value: unknown, phase: string, ignored: string[]): string[] {
  if (!isJsonObject(value)) return [];
  for (const key of Object.keys(value)) {
    if (key !== 'commands' && key !== 'finally') ignored.push(`phases.${phase}.${key}`);
  }
  return [...strings(value.commands), ...strings(value.finally)];
}

function artifactFiles(value: unknown, ignored: string[]): Record<string, string[]> {
  if (!isJsonObject(value)) return {};
  const files: Record<string, string[]> = {};
  collectArtifact(value, PRIMARY_ARTIFACT, 'artifacts', files, ignored);
  const secondary = isJsonObject(value['secondary-artifacts']) ? value['secondary-artifacts'] : {};
  for (const [identifier, artifact] of Object.entries(secondary)) {
    if (isJsonObject(artifact)) collectArtifact(artifact, identifier, `artifacts.secondary-artifacts.${identifier}`, files, ignored);
  }
  return files;
}

function collectArtifact(artifact: JsonObject, name: string, path: string, into: Record<string, string[]>, ignored: string[]): void {
  const globs = strings(artifact.files);
  if (globs.length > 0) into[name] = globs;
  for (const key of Object.keys(artifact)) {
    if (key !== 'files' && key !== 'secondary-artifacts') ignored.push(`${path}.${key}`);
  }
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((item) => item !== null && item !== undefined).map((item) => String(item));
}

/** YAML reads `PORT: 8080` as a number; CodeBuild (and Sluice) values are strings. */
function entries(value: unknown): Array<[string, string]> {
  if (!isJsonObject(value)) return [];
  return Object.entries(value).map(([name, item]) => [name, item === null || item === undefined ? '' : String(item)]);
}
