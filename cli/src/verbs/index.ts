import type { Verb } from '../verb';
import { executeVerb } from './execute';
import { environmentVerbs } from './environments';
import { executionVerbs } from './executions';
import { jobVerbs } from './jobs';
import { loginVerb } from './login';
import { logsVerb } from './logs';
import { notificationVerbs } from './notifications';
import { permissionVerbs } from './permissions';
import { pipelineVerbs } from './pipelines';
import { retentionVerbs } from './retention';
import { secretVerbs } from './secrets';
import { waitVerb } from './wait';

/** Every verb, in the order `sluice help` lists them. */
export const VERBS: readonly Verb[] = [...pipelineVerbs, ...notificationVerbs, ...executionVerbs, ...environmentVerbs, ...retentionVerbs, ...jobVerbs, waitVerb, logsVerb, executeVerb, ...permissionVerbs, ...secretVerbs, loginVerb];

export function findVerb(words: readonly string[]): { verb: Verb; rest: string[] } | undefined {
  const [first, second, ...others] = words;
  const two = VERBS.find((verb) => verb.name === `${first} ${second}`);
  if (two) return { verb: two, rest: others };
  const one = VERBS.find((verb) => verb.name === first);
  return one ? { verb: one, rest: words.slice(1) } : undefined;
}
