import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath } from '../validation/json-path';
import { checkFields, readArray, readObject, readString, readValidString } from '../validation/json-shape';
import { PIPELINE_LIMITS, VARIABLE_NAME_RULE } from './pipeline-limits';

/** Reads the pipeline-level `variables`; returns the names declared (for `#{variables.NAME}`). */
export function readPipelineVariables(value: unknown, path: string, issues: IssueCollector): Set<string> {
  const names = new Set<string>();
  const items = readArray(value, 'The variables', path, issues, { max: PIPELINE_LIMITS.maxVariables, itemNoun: 'variable' }) ?? [];
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    const variable = readObject(item, 'A pipeline variable', itemPath, issues);
    if (!variable) return;
    checkFields(variable, { required: ['name'], optional: ['defaultValue', 'description'] }, 'A pipeline variable', itemPath, issues);
    if (variable.defaultValue !== undefined) {
      readString(variable.defaultValue, 'The defaultValue', childPath(itemPath, 'defaultValue'), issues, {
        minLength: 1,
        maxLength: PIPELINE_LIMITS.variableDefaultValueMaxLength,
      });
    }
    if (variable.description !== undefined) {
      readString(variable.description, 'The description', childPath(itemPath, 'description'), issues, {
        minLength: 0,
        maxLength: PIPELINE_LIMITS.variableDescriptionMaxLength,
      });
    }
    const namePath = childPath(itemPath, 'name');
    const name = variable.name === undefined ? undefined : readValidString(variable.name, 'The variable name', namePath, issues, VARIABLE_NAME_RULE);
    if (name === undefined) return;
    if (names.has(name)) {
      issues.add(namePath, 'duplicate_variable_name', `The pipeline variable ${quote(name)} is declared twice.`);
    }
    names.add(name);
  });
  return names;
}
