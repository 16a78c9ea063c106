/** Builds JSONPath strings: `$`, `$.stages[2].actions[0].name`, `$.configuration["Odd key"]`. */
export const ROOT_PATH = '$';

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function childPath(parent: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
