import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * The ids of a platform's own in-process worker: one prefix per platform (its data folder), one id per process.
 * At start, a lease held under the prefix by any other id is a previous process's, known dead (a restart, a
 * kill -9): `releaseJobs({ workerIdPrefix: prefix, except: id })` hands those jobs out again at once.
 * Remote workers never carry the prefix: over GraphQL the engine names the worker itself.
 */
export function inProcessWorkerId(platform: string): { prefix: string; id: string } {
  const prefix = `platform-worker:${createHash('sha256').update(platform).digest('hex').slice(0, 12)}:`;
  return { prefix, id: `${prefix}${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}` };
}
