import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HTTP_INVOKE } from '@sluice/domain';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { abortFailure, jobSignal } from '../job-signal';
import { outputArtifactDirectory, requiredConfiguration } from '../job-configuration';
import { ProviderFailure } from '../provider-failure';
import { displayUrl, splitUrlCredentials } from '@sluice/domain';
import { AllowedHosts } from './allowed-hosts';
import { systemLookup, type DestinationPolicy, type HostLookup } from './check-destination';
import { sendFollowingRedirects, type HttpRequest } from './send-request';
import { responseVariables } from './response-variables';

export interface HttpInvokeOptions {
  /**
   * Hosts the action may call (see `AllowedHosts`; the operator's `SLUICE_HTTP_ALLOWED_HOSTS`); none by
   * default, so every call is refused until the operator lists some. A loopback or link-local address is
   * called only when listed itself (`127.0.0.1`, `127.0.0.1:8080`), not through a name that resolves to it.
   */
  allowedHosts?: readonly string[];
  /** Ports of this machine that are never called even when listed: the platform's own (the gateway's). */
  refusedPorts?: readonly number[];
  /** How host names are resolved; the system's resolver by default. */
  lookup?: HostLookup;
  /** Bytes of response body read (for variables and the output artifact); default 1 MiB. */
  maxResponseBytes?: number;
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * `Invoke/Http`: calls `Url` with `Method` (POST) and `Body` (by default a JSON of the job's ids and
 * variables); a 2xx answer succeeds, and a JSON object answer gives output variables. Only the
 * allowed hosts are called — redirects included — at the addresses checked before any request.
 */
export function httpInvokeProvider(options: HttpInvokeOptions = {}): ActionProvider {
  const policy: DestinationPolicy = { allowed: new AllowedHosts(options.allowedHosts ?? []), refusedPorts: options.refusedPorts ?? [], lookup: options.lookup ?? systemLookup };
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  return {
    actionTypeId: HTTP_INVOKE.id,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const request = readRequest(job);
      const shown = displayUrl(request.url.href);
      const signal = jobSignal(io.signal, job.timeoutMs);
      io.log('stdout', `${request.method} ${shown}\n`);
      let response;
      try {
        response = await sendFollowingRedirects(request, policy, signal, maxResponseBytes, (line) => io.log('stdout', `${line}\n`));
      } catch (error) {
        if (error instanceof ProviderFailure) throw error;
        if (signal.aborted) throw abortFailure(signal, `${request.method} ${shown}`, job.timeoutMs);
        throw new ProviderFailure(`${request.method} ${shown} failed: ${networkReason(error)}`, 'JobFailed');
      }
      const statusLine = `${response.status} ${response.statusText}`.trim();
      io.log('stdout', `${statusLine}\n`);
      if (response.status < 200 || response.status > 299) {
        const excerpt = response.body.slice(0, 500).trim();
        throw new ProviderFailure(`${request.method} ${displayUrl(response.url.href)} answered ${statusLine}${excerpt === '' ? '' : `: ${excerpt}`}`, 'JobFailed');
      }
      const { variables, skipped } = responseVariables(response.truncated ? '' : response.body);
      const outputArtifacts: ProviderResult['outputArtifacts'] = [];
      const output = job.outputArtifacts[0];
      if (output !== undefined) {
        if (response.truncated) throw new ProviderFailure(`the response is larger than ${maxResponseBytes} bytes, too large for output artifact ${output.name}`, 'JobFailed');
        const directory = outputArtifactDirectory(job, output.name);
        await mkdir(directory, { recursive: true });
        await writeFile(join(directory, /json/i.test(response.contentType) ? 'response.json' : 'response.body'), response.body);
        outputArtifacts.push({ name: output.name, directory });
      }
      const notes = skipped > 0 ? ` (${skipped} more fields not kept as variables: at most 100)` : '';
      return { outputArtifacts, outputVariables: variables, summary: `${request.method} ${shown} answered ${statusLine}${notes}`, externalLink: shown };
    },
  };
}

function readRequest(job: ProviderJob): HttpRequest {
  const raw = requiredConfiguration(job, 'Url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProviderFailure(`Url ${JSON.stringify(displayUrl(raw))} is not a URL`, 'ConfigurationError');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProviderFailure(`Url must be http or https, got ${url.protocol}`, 'ConfigurationError');
  const method = (job.configuration['Method']?.trim() || 'POST').toUpperCase();
  if (!methods.includes(method)) throw new ProviderFailure(`Method must be one of ${methods.join(', ')}, got ${JSON.stringify(method)}`, 'ConfigurationError');
  const credentials = splitUrlCredentials(url.href);
  const headers: Record<string, string> = { 'user-agent': 'sluice-worker', 'x-sluice-job-id': job.jobId, 'x-sluice-pipeline-execution-id': job.pipelineExecutionId };
  // Credentials never travel in the URL (nor show in logs); they go in the Authorization header instead.
  if (credentials.username !== '' || credentials.password !== '') headers['authorization'] = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  if (method === 'GET' || method === 'HEAD') return { url: new URL(credentials.url), method, headers, body: undefined };
  const body = job.configuration['Body'] ?? JSON.stringify(defaultBody(job));
  headers['content-type'] = isJson(body) ? 'application/json' : 'text/plain; charset=utf-8';
  return { url: new URL(credentials.url), method, headers, body };
}

function defaultBody(job: ProviderJob): object {
  return { jobId: job.jobId, pipelineExecutionId: job.pipelineExecutionId, stageName: job.stageName, actionName: job.actionName, variables: job.variables };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The reason of a network error (ECONNREFUSED, a TLS error, ENOTFOUND), or its cause's when it wraps one. */
function networkReason(error: unknown): string {
  const message = (value: unknown): string | undefined =>
    typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string' ? value.message : undefined;
  // Duck-typed: the cause may come from another realm than this module's Error (undici's, a test runner's).
  const cause: unknown = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  return message(cause) ?? message(error) ?? String(error);
}
