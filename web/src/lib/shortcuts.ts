// Keyboard shortcuts (issue 22): `?` lists them. Two-key sequences start with `g` (as on GitHub); none fires while
// the person types in a field, or with Ctrl, Alt or Meta held (the browser's own shortcuts stay theirs).
import { executionsPath, pipelinePath, type Route } from './router.svelte';

export interface Shortcut {
  keys: string;
  does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: '?', does: 'Show these shortcuts' },
  { keys: '/', does: 'Search: go to the search field of the page' },
  { keys: 'g p', does: 'Go to the pipelines' },
  { keys: 'g a', does: 'Go to the audit log' },
  { keys: 'g h', does: "Go to the pipeline's execution history (on a pipeline's pages)" },
  { keys: 'g v', does: 'Go to the pipeline view (on its history or an execution)' },
  { keys: 'Esc', does: 'Close a dialog' },
];

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** What a key press asks for, given the previous key of a sequence; undefined when it is not a shortcut. */
export type ShortcutAction = { kind: 'help' } | { kind: 'search' } | { kind: 'go'; path: string } | { kind: 'prefix' };

export function shortcutOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'target'>, previous: string | undefined, route: Route): ShortcutAction | undefined {
  if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return undefined;
  const pipeline = 'pipelineName' in route ? route.pipelineName : undefined;
  if (previous === 'g') {
    if (event.key === 'p') return { kind: 'go', path: '/' };
    if (event.key === 'a') return { kind: 'go', path: '/audit' };
    if (event.key === 'h' && pipeline) return { kind: 'go', path: executionsPath(pipeline) };
    if (event.key === 'v' && pipeline) return { kind: 'go', path: pipelinePath(pipeline) };
    return undefined;
  }
  if (event.key === '?') return { kind: 'help' };
  if (event.key === '/') return { kind: 'search' };
  if (event.key === 'g') return { kind: 'prefix' };
  return undefined;
}
