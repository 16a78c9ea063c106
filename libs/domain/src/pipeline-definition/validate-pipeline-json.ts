import type { ActionTypeRegistry } from '../action-types/action-type-registry';
import { ROOT_PATH } from '../validation/json-path';
import { DEFAULT_MAX_DEFINITION_BYTES } from './pipeline-limits';
import { validatePipelineDeclaration, type PipelineValidation, type ValidatePipelineOptions } from './validate-pipeline';

/** Validates a definition given as JSON text: refuses oversized text before parsing and reports malformed JSON at `$`. */
export function validatePipelineJson(
  text: string,
  registry: ActionTypeRegistry,
  options: ValidatePipelineOptions = {},
): PipelineValidation {
  const maxBytes = options.maxDefinitionBytes ?? DEFAULT_MAX_DEFINITION_BYTES;
  // A string has at least one byte per UTF-16 unit, so the cheap length check settles most oversized inputs.
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) {
    return {
      valid: false,
      issues: [{ path: ROOT_PATH, code: 'definition_too_large', message: `The pipeline definition is larger than the limit of ${maxBytes} bytes of JSON; nothing else was checked.` }],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { valid: false, issues: [{ path: ROOT_PATH, code: 'malformed_json', message: `The pipeline definition is not valid JSON: ${reason}.` }] };
  }
  return validatePipelineDeclaration(parsed, registry, options);
}
