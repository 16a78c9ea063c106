import type { LogStream } from '../action-provider';
import type { ProcessSpec } from './process-launcher';

/** Parent → launcher process. */
export type LauncherRequest = { t: 'launch'; id: number; spec: ProcessSpec } | { t: 'destroy'; id: number };

/** Launcher process → parent, for the launch `id`. */
export type LauncherReply =
  | { t: 'started'; id: number; pid: number }
  | { t: 'refused'; id: number; message: string; code?: string }
  | { t: 'output'; id: number; stream: LogStream; text: string }
  | { t: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null }
  | { t: 'close'; id: number }
  | { t: 'error'; id: number; message: string };
