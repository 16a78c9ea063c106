export { childPath as memberPath, indexPath } from '../validation/json-path';

/** Stage, action and variable names cannot hold brackets (CodePipeline's charset), so they go in unquoted. */
export function namePath(parent: string, name: string): string {
  return `${parent}[${name}]`;
}
