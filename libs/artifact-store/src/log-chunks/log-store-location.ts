import type { ArtifactStore } from '../artifact-store';
import { openFilesystemArtifactStore } from '../filesystem';
import { openS3ArtifactStore } from '../s3';

/** Where a log store is: a folder, or `s3://bucket?endpoint=…&region=…&prefix=…` (the syntax of SLUICE_ARTIFACTS). */
export type LogStoreLocation = { kind: 'filesystem'; root: string } | { kind: 's3'; bucket: string; endpoint?: string; region?: string; prefix?: string };

/** The location `value` names, or the reason it names none (for the variable's configuration error). */
export function parseLogStoreLocation(value: string): LogStoreLocation | { problem: string } {
  if (value.startsWith('s3://')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { problem: `'${value}' is not a URL (s3://bucket?endpoint=…&region=…&prefix=…)` };
    }
    const bucket = url.hostname;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return { problem: `'${bucket}' is not a bucket name` };
    const unknown = [...url.searchParams.keys()].filter((key) => !['endpoint', 'region', 'prefix'].includes(key));
    if (unknown.length > 0) return { problem: `unknown parameter(s) ${unknown.join(', ')}: use endpoint, region, prefix` };
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) return { problem: `endpoint '${endpoint}' is not an http(s) URL` };
    const region = url.searchParams.get('region');
    const prefix = url.searchParams.get('prefix');
    return { kind: 's3', bucket, ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}), ...(prefix ? { prefix } : {}) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { problem: `unknown scheme in '${value}': use a folder or s3://bucket?endpoint=…` };
  if (value.trim() === '') return { problem: 'a folder or an s3:// URL is needed' };
  return { kind: 'filesystem', root: value };
}

/** Opens the store at `location`, with a line saying where it is. */
export async function openLogStore(location: LogStoreLocation): Promise<{ store: ArtifactStore; description: string }> {
  if (location.kind === 'filesystem') return { store: await openFilesystemArtifactStore({ root: location.root }), description: `folder ${location.root}` };
  const { kind: _kind, ...options } = location;
  // Beside the artifacts in one bucket, never among them: their retention lists `artifacts/` only.
  if (options.prefix === undefined) options.prefix = 'logs/';
  return { store: await openS3ArtifactStore(options), description: `s3://${location.bucket}${location.endpoint ? ` at ${location.endpoint}` : ''}` };
}
