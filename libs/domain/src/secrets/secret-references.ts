import type { ActionDeclaration, PipelineDeclaration } from '../pipeline-definition/pipeline-declaration';
import { childPath, indexPath, ROOT_PATH } from '../validation/json-path';

/**
 * Secrets of an account referenced from a definition, by name only (issue 21, decision 0043): an
 * `environmentVariables` entry of type SECRETS_MANAGER (`Name` or AWS's `Name:json-key`), or `#{secrets.Name}` in an
 * action's configuration, commands or variable values. The values are resolved only when a job is handed to a worker.
 */
export const SECRETS_NAMESPACE = 'secrets';

/** A secret's name: the characters of a reference's variable part, so every secret can be written `#{secrets.Name}`. */
const SECRET_NAME = /^[A-Za-z0-9@_.-]{1,128}$/;

export function secretNameProblem(name: string): string | undefined {
  return SECRET_NAME.test(name) ? undefined : `The secret name "${name}" must have 1 to 128 letters, digits, ".", "@", "_" or "-".`;
}

export interface SecretReference {
  name: string;
  /** AWS's `name:json-key`: the value is JSON, the job receives this key of it. */
  jsonKey?: string;
  /** JSON path of the text that references it, e.g. `$.stages[1].actions[0].environmentVariables[0].value`. */
  path: string;
}

const SECRET_IN_TEXT = /#\{secrets\.([A-Za-z0-9@_.-]+)\}/g;

/** `Name` or `Name:json-key`, the value of a SECRETS_MANAGER environment variable. */
export function parseSecretsManagerValue(value: string): { name: string; jsonKey?: string } {
  const colon = value.indexOf(':');
  return colon < 0 ? { name: value } : { name: value.slice(0, colon), jsonKey: value.slice(colon + 1) };
}

/** Every secret one action references, with where. */
export function actionSecretReferences(action: ActionDeclaration, actionPath: string): SecretReference[] {
  const found: SecretReference[] = [];
  const scan = (text: string, path: string) => {
    for (const match of text.matchAll(SECRET_IN_TEXT)) found.push({ name: match[1]!, path });
  };
  for (const [key, value] of Object.entries(action.configuration ?? {})) scan(value, childPath(childPath(actionPath, 'configuration'), key));
  (action.commands ?? []).forEach((command, index) => scan(command, indexPath(childPath(actionPath, 'commands'), index)));
  (action.environmentVariables ?? []).forEach((variable, index) => {
    const path = childPath(indexPath(childPath(actionPath, 'environmentVariables'), index), 'value');
    if (variable.type === 'SECRETS_MANAGER') found.push({ ...parseSecretsManagerValue(variable.value), path });
    else scan(variable.value, path);
  });
  return found;
}

/** Every secret a definition references, each with the JSON path of the reference. */
export function secretReferencesOf(declaration: PipelineDeclaration): SecretReference[] {
  return (declaration.stages ?? []).flatMap((stage, s) =>
    (stage.actions ?? []).flatMap((action, a) => actionSecretReferences(action, indexPath(childPath(indexPath(childPath(ROOT_PATH, 'stages'), s), 'actions'), a))),
  );
}

/** The names a job of this action may receive: those its own declaration references, nothing a variable's value names. */
export function actionSecretNames(action: ActionDeclaration): string[] {
  return [...new Set(actionSecretReferences(action, ROOT_PATH).map((reference) => reference.name))].sort();
}

/** The distinct names a definition references. */
export function secretNamesOf(declaration: PipelineDeclaration): string[] {
  return [...new Set(secretReferencesOf(declaration).map((reference) => reference.name))].sort();
}
