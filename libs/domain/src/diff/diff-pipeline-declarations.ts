import type { PipelineDeclaration } from '../pipeline-definition/pipeline-declaration';
import { indexPath, memberPath, namePath } from './json-path';
import { isJsonObject } from '../validation/json-shape';
import { definedKeys, jsonEqual } from './json-value';
import { longestCommonSubsequence } from './longest-common-subsequence';
import type { PipelineChange } from './pipeline-change';

/** Which arrays, below a node, are matched by their elements' `name` rather than by index. */
interface Shape {
  readonly namedLists: Readonly<Record<string, Shape>>;
}

const leaf: Shape = { namedLists: {} };
const stageShape: Shape = { namedLists: { actions: leaf } };
const pipelineShape: Shape = { namedLists: { stages: stageShape, variables: leaf } };

/**
 * The structural difference between two declarations. Stages, actions (within their stage) and
 * variables are matched by name, so an edit reads as an edit and a reorder as a move; other arrays
 * are compared by index. Keys are visited in alphabetical order, so the result does not depend on
 * the key order of the inputs.
 */
export function diffPipelineDeclarations(before: PipelineDeclaration, after: PipelineDeclaration): PipelineChange[] {
  const changes: PipelineChange[] = [];
  compareValues('$', before, after, pipelineShape, changes);
  return changes;
}

function compareValues(path: string, before: unknown, after: unknown, shape: Shape, out: PipelineChange[]): void {
  if (jsonEqual(before, after)) return;
  if (isJsonObject(before) && isJsonObject(after)) {
    compareRecords(path, before, after, shape, out);
  } else if (Array.isArray(before) && Array.isArray(after)) {
    compareByIndex(path, before, after, out);
  } else {
    out.push({ path, kind: 'changed', before, after });
  }
}

function compareRecords(
  path: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  shape: Shape,
  out: PipelineChange[],
): void {
  const keys = [...new Set([...definedKeys(before), ...definedKeys(after)])].sort();
  for (const key of keys) {
    const childPath = memberPath(path, key);
    const b = before[key];
    const a = after[key];
    if (b === undefined) {
      out.push({ path: childPath, kind: 'added', after: a });
    } else if (a === undefined) {
      out.push({ path: childPath, kind: 'removed', before: b });
    } else {
      const elementShape = shape.namedLists[key];
      if (elementShape && Array.isArray(b) && Array.isArray(a) && uniquelyNamed(b) && uniquelyNamed(a)) {
        compareByName(childPath, b, a, elementShape, out);
      } else {
        compareValues(childPath, b, a, leaf, out);
      }
    }
  }
}

function compareByIndex(path: string, before: unknown[], after: unknown[], out: PipelineChange[]): void {
  const length = Math.max(before.length, after.length);
  for (let i = 0; i < length; i++) {
    const childPath = indexPath(path, i);
    if (i >= before.length) out.push({ path: childPath, kind: 'added', after: after[i] });
    else if (i >= after.length) out.push({ path: childPath, kind: 'removed', before: before[i] });
    else compareValues(childPath, before[i], after[i], leaf, out);
  }
}

/** Elements present on both sides keep their place unless their relative order changed: only those are 'moved'. */
function compareByName(
  path: string,
  before: NamedElement[],
  after: NamedElement[],
  elementShape: Shape,
  out: PipelineChange[],
): void {
  const beforeNames = before.map((element) => element.name);
  const afterNames = after.map((element) => element.name);
  const afterSet = new Set(afterNames);
  const beforeIndex = new Map(beforeNames.map((name, index) => [name, index]));
  const stayed = longestCommonSubsequence(
    beforeNames.filter((name) => afterSet.has(name)),
    afterNames.filter((name) => beforeIndex.has(name)),
  );
  after.forEach((element, index) => {
    const childPath = namePath(path, element.name);
    const oldIndex = beforeIndex.get(element.name);
    if (oldIndex === undefined) {
      out.push({ path: childPath, kind: 'added', after: element });
      return;
    }
    if (!stayed.has(element.name)) out.push({ path: childPath, kind: 'moved', before: oldIndex, after: index });
    compareValues(childPath, before[oldIndex], element, elementShape, out);
  });
  for (const element of before) {
    if (!afterSet.has(element.name)) out.push({ path: namePath(path, element.name), kind: 'removed', before: element });
  }
}

type NamedElement = Record<string, unknown> & { name: string };

/** A list with a missing or repeated name (never a stored, valid declaration) falls back to index matching. */
function uniquelyNamed(list: unknown[]): list is NamedElement[] {
  const names = new Set<string>();
  for (const element of list) {
    if (!isJsonObject(element) || typeof element.name !== 'string' || names.has(element.name)) return false;
    names.add(element.name);
  }
  return true;
}
