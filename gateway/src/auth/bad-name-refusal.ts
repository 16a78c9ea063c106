import { GraphQLError } from 'graphql';
import { accountIdProblem, ResourceNameError } from '@sluice/domain';
import type { ResourceTarget } from '@sluice/authz';

const MAX_PATH_DEPTH = 6;

/** The path of the first argument (or member of one) holding `value`, e.g. `name` or `pipeline.name`. */
export function argumentPathOf(args: Readonly<Record<string, unknown>>, value: string): string | undefined {
  const search = (node: unknown, path: string[]): string | undefined => {
    if (node === value) return path.join('.');
    if (path.length >= MAX_PATH_DEPTH || node === null || typeof node !== 'object') return undefined;
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      const found = search(child, [...path, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  for (const [name, arg] of Object.entries(args)) {
    const found = search(arg, [name]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The BAD_USER_INPUT refusal of a call whose arguments name no valid resource (`getPipeline(name: "a b")`, a name of
 * 101 characters, U+202E): what formatting its resource name threw, said at the argument that held the bad part. Undefined
 * when the error is not about the caller's input (a fault of the gateway, to be raised as one).
 */
export function badNameRefusal(field: string, error: unknown, args: Readonly<Record<string, unknown>>, target: ResourceTarget): GraphQLError | undefined {
  let fault: { part: string; value: string; problem: string } | undefined;
  if (error instanceof ResourceNameError) fault = { part: error.part, value: error.value, problem: error.problem };
  else if (error instanceof RangeError) {
    const problem = accountIdProblem(target.account);
    if (problem) fault = { part: 'account', value: target.account, problem };
  }
  if (!fault) return undefined;
  const path = argumentPathOf(args, fault.value) ?? fault.part;
  const message = `${path}: ${fault.problem}`;
  return new GraphQLError(`${field}(${message})`, { extensions: { code: 'BAD_USER_INPUT', issues: [{ path, code: 'invalid_name', message: fault.problem }] } });
}
