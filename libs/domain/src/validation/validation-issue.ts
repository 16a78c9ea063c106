/** One problem found in user input, located precisely enough for a person (and a UI) to fix it. */
export interface ValidationIssue {
  /** JSONPath of the offending value, e.g. `$.stages[2].actions[0].inputArtifacts[0].name`. */
  path: string;
  /** A sentence a person understands, naming the value. */
  message: string;
  /** Stable machine-readable code, e.g. `input_artifact_not_produced`. */
  code: string;
}

export type ValidationResult<T> = { valid: true; value: T } | { valid: false; issues: ValidationIssue[] };
