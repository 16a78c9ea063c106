import type { Verb } from '../verb';

/** Edit distance (insertions, deletions, substitutions) between two names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * What an unknown verb most likely meant: the verbs it begins (`wait` → `wait pipeline-execution-succeeded`), else
 * the closest names (`get-pipelinestate` → `get-pipeline-state`), at most three.
 */
export function suggestVerbs(typed: readonly string[], verbs: readonly Verb[]): string[] {
  const [first = '', second] = typed;
  const begun = verbs.filter((verb) => verb.name.startsWith(`${first} `)).map((verb) => verb.name);
  if (begun.length > 0) return begun.slice(0, 3);
  const candidates = verbs.flatMap((verb) => {
    // Against the whole name, and against its beginning (`start-pipline` is `start-pipeline-execution` cut short).
    const score = Math.min(
      distance(first, verb.name),
      ...[-1, 0, 1].map((extra) => distance(first, verb.name.slice(0, first.length + extra)) + 1),
      second === undefined ? Infinity : distance(`${first} ${second}`, verb.name),
    );
    return score <= Math.max(2, Math.floor(first.length / 5)) ? [{ name: verb.name, score }] : [];
  });
  return candidates.sort((x, y) => x.score - y.score).slice(0, 3).map((candidate) => candidate.name);
}
