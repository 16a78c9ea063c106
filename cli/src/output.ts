import jmespath from 'jmespath';
import { badInput } from './cli-error';

export const OUTPUT_FORMATS = ['json', 'text', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function applyQuery(value: unknown, query: string | undefined): unknown {
  if (query === undefined) return value;
  try {
    return jmespath.search(value as Parameters<typeof jmespath.search>[0], query);
  } catch (error) {
    throw badInput(`--query: ${(error as Error).message}`);
  }
}

export function formatOutput(value: unknown, format: OutputFormat, title: string): string {
  if (value === undefined || value === null) return '';
  switch (format) {
    case 'json':
      return `${JSON.stringify(value, null, 4)}\n`;
    case 'text':
      return textOf(value, undefined).map((line) => `${line}\n`).join('');
    case 'table':
      return tableOf(value, title);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): boolean => value === null || typeof value !== 'object';
const scalarText = (value: unknown): string => (value === null || value === undefined ? 'None' : String(value));

/**
 * The AWS CLI's text output: an object's scalars on one tab-separated line (prefixed with its key in
 * capitals when it sits under one), then its nested objects and lists, each under its key.
 */
function textOf(value: unknown, key: string | undefined): string[] {
  if (isScalar(value)) return [scalarText(value)];
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return [[...(key ? [key.toUpperCase()] : []), ...value.map(scalarText)].join('\t')];
    return value.flatMap((item) => textOf(item, key));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const scalars = entries.filter(([, field]) => isScalar(field)).map(([, field]) => scalarText(field));
  const lines = scalars.length > 0 ? [[...(key ? [key.toUpperCase()] : []), ...scalars].join('\t')] : [];
  for (const [name, field] of entries) if (!isScalar(field)) lines.push(...textOf(field, name));
  return lines;
}

/** A boxed table per object or list of objects, titled like the AWS CLI's (the verb's operation name). */
function tableOf(value: unknown, title: string): string {
  const blocks: string[][] = [];
  const emit = (heading: string, rows: Array<Record<string, unknown>>) => {
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row).filter((name) => isScalar(row[name]))))];
    if (columns.length === 0) return;
    const cells = rows.map((row) => columns.map((column) => (column in row ? scalarText(row[column]) : '')));
    const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((row) => (row[index] ?? '').length)));
    const line = (parts: string[]) => `| ${parts.map((part, index) => part.padEnd(widths[index] ?? 0)).join(' | ')} |`;
    const rule = `+${widths.map((width) => '-'.repeat(width + 2)).join('+')}+`;
    blocks.push([heading, rule, line(columns), rule, ...cells.map(line), rule]);
  };
  const walk = (node: unknown, heading: string) => {
    if (Array.isArray(node)) {
      const objects = node.filter(isObject);
      if (objects.length > 0) emit(heading, objects);
      else if (node.length > 0) emit(heading, node.map((item) => ({ [heading]: item })));
      for (const object of objects) for (const [name, field] of Object.entries(object)) if (!isScalar(field)) walk(field, `${heading}.${name}`);
      return;
    }
    if (isObject(node)) {
      emit(heading, [node]);
      for (const [name, field] of Object.entries(node)) if (!isScalar(field)) walk(field, name);
      return;
    }
    blocks.push([heading, scalarText(node)]);
  };
  walk(value, title);
  const blocksText = blocks.map((block) => `${block.join('\n')}\n`).join('\n');
  return blocks[0]?.[0] === title ? blocksText : `${title}\n${blocksText}`;
}
