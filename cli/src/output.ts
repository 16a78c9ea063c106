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

/** `width`: the terminal's columns for tables (100 when stdout is no terminal). */
export function formatOutput(value: unknown, format: OutputFormat, title: string, width = 100): string {
  if (value === undefined || value === null) return '';
  switch (format) {
    case 'json':
      return `${JSON.stringify(value, null, 4)}\n`;
    case 'text':
      return textOf(value, undefined).map((line) => `${line}\n`).join('');
    case 'table':
      return tableOf(value, title, width);
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

/** A scalar, or a list of scalars: what fits in one cell (the list joined with commas). */
const isFlat = (value: unknown): boolean => isScalar(value) || (Array.isArray(value) && value.every(isScalar));
const cellText = (value: unknown): string => (Array.isArray(value) ? value.map(scalarText).join(', ') : scalarText(value)).replace(/\s*\n\s*/g, ' ');

/**
 * Boxed tables titled like the AWS CLI's (the verb's operation name). An object is a box of its fields; a list of
 * objects a box with a column per field. What does not fit in a cell (objects, lists of objects) is a child table
 * under its key, indented beneath the row it belongs to. No line is wider than `width`: the widest columns give way,
 * their cells cut with "…".
 */
function tableOf(value: unknown, title: string, width: number): string {
  const lines: string[] = [title];
  const box = (indent: number, header: readonly string[] | null, rows: ReadonlyArray<readonly string[]>) => {
    const count = Math.max(header?.length ?? 0, ...rows.map((row) => row.length));
    const widths = Array.from({ length: count }, (_, index) => Math.max(1, header?.[index]?.length ?? 0, ...rows.map((row) => (row[index] ?? '').length)));
    // Each column costs its width and 3 characters of border; the box one more.
    let total = widths.reduce((sum, w) => sum + w + 3, 1);
    while (total > width - indent) {
      const widest = widths.indexOf(Math.max(...widths));
      if ((widths[widest] ?? 0) <= 3) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
      total -= 1;
    }
    const fit = (text: string, w: number) => (text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w));
    const pad = ' '.repeat(indent);
    const line = (parts: readonly string[]) => `${pad}| ${widths.map((w, index) => fit(parts[index] ?? '', w)).join(' | ')} |`;
    const rule = `${pad}+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
    lines.push(rule, ...(header ? [line(header), rule] : []), ...rows.map(line), rule);
  };
  const heading = (indent: number, text: string) => lines.push(`${' '.repeat(indent)}${text}`);
  const object = (node: Record<string, unknown>, indent: number, asRow?: readonly string[]) => {
    const entries = Object.entries(node);
    const flat = entries.filter(([, field]) => isFlat(field));
    if (asRow) box(indent, asRow, [asRow.map((column) => (column in node ? cellText(node[column]) : ''))]);
    else if (flat.length > 0) box(indent, null, flat.map(([name, field]) => [name, cellText(field)]));
    // A row's other fields (nested in this row or another) follow it as its child tables; an absent one is left out.
    for (const [name, field] of entries) if (asRow ? !asRow.includes(name) && field !== null && field !== undefined : !isFlat(field)) render(field, name, indent + 2);
  };
  const render = (node: unknown, name: string | undefined, indent: number) => {
    if (name !== undefined) heading(indent, name);
    if (isScalar(node)) return box(indent, null, [[scalarText(node)]]);
    if (Array.isArray(node)) {
      if (node.length === 0) return heading(indent, '(none)');
      if (node.every(isScalar)) return box(indent, null, node.map((item) => [scalarText(item)]));
      if (node.every(isObject)) {
        const rows = node as Array<Record<string, unknown>>;
        // A column per field that is flat in every row; a field nested in any row is a child table of each row.
        const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
        const columns = keys.filter((key) => rows.every((row) => isFlat(row[key])));
        // Nothing nested: one table, a row per item. Else each item is its row with its child tables beneath it.
        if (columns.length === keys.length) return box(indent, columns, rows.map((row) => columns.map((column) => (column in row ? cellText(row[column]) : ''))));
        for (const row of rows) object(row, indent, columns);
        return;
      }
      node.forEach((item, index) => render(item, `${name ?? ''}[${index}]`, indent + 2));
      return;
    }
    object(node as Record<string, unknown>, indent);
  };
  render(value, undefined, 0);
  return `${lines.join('\n')}\n`;
}
