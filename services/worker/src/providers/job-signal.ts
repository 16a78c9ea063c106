import { ProviderFailure } from './provider-failure';

/** The io's signal, also aborted with a `TimeoutError` once `timeoutMs` has passed. */
export function jobSignal(signal: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, timeoutMs))]);
}

export function isTimeout(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return typeof reason === 'object' && reason !== null && 'name' in reason && reason.name === 'TimeoutError';
}

/** The failure for work cut short by `signal`: timed out, or stopped. */
export function abortFailure(signal: AbortSignal, what: string, timeoutMs: number): ProviderFailure {
  return isTimeout(signal)
    ? new ProviderFailure(`${what} timed out after ${formatDuration(timeoutMs)}`, 'TimedOut')
    : new ProviderFailure(`${what} was stopped`, 'Stopped');
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
