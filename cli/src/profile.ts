import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { badInput } from './cli-error';

/** A profile's settings, as in `~/.sluice/config` (an INI file shaped like the AWS CLI's). */
export interface ProfileSettings {
  endpoint_url?: string;
  token?: string;
  output?: string;
}

export const DEFAULT_ENDPOINT = 'http://localhost:4000';
const KNOWN_KEYS = new Set(['endpoint_url', 'token', 'output']);

export function configFilePath(env: NodeJS.ProcessEnv): string {
  return env['SLUICE_CONFIG_FILE'] ?? join(env['HOME'] ?? homedir(), '.sluice', 'config');
}

/** Sections by name; `[profile x]` and `[x]` both name profile x, as the AWS CLI accepts. */
export function parseConfig(text: string, file: string): Map<string, ProfileSettings> {
  const profiles = new Map<string, ProfileSettings>();
  let current: ProfileSettings | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[(?:profile\s+)?([^\]]+)\]$/.exec(line);
    if (section) {
      const name = (section[1] ?? '').trim();
      current = profiles.get(name) ?? {};
      profiles.set(name, current);
      return;
    }
    const pair = /^([A-Za-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!pair || current === undefined) throw badInput(`${file}:${index + 1}: expected "[profile]" or "key = value", got ${JSON.stringify(line.slice(0, 60))}`);
    const key = pair[1] ?? '';
    if (KNOWN_KEYS.has(key)) (current as Record<string, string>)[key] = (pair[2] ?? '').trim();
  });
  return profiles;
}

export function formatConfig(profiles: Map<string, ProfileSettings>): string {
  const sections: string[] = [];
  for (const [name, settings] of profiles) {
    const lines = Object.entries(settings)
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([key, value]) => `${key} = ${value}`);
    sections.push([`[${name}]`, ...lines].join('\n'));
  }
  return `${sections.join('\n\n')}\n`;
}

export async function readProfiles(file: string): Promise<Map<string, ProfileSettings>> {
  try {
    return parseConfig(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
}

/** Writes one profile's settings, keeping the others; the file holds tokens, so only its owner may read it. */
export async function saveProfile(file: string, name: string, settings: ProfileSettings): Promise<void> {
  const profiles = await readProfiles(file);
  profiles.set(name, { ...profiles.get(name), ...settings });
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, formatConfig(profiles), { mode: 0o600 });
}
