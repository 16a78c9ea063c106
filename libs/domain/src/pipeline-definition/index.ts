export * from './pipeline-declaration';
export * from './pipeline-limits';
export * from './pipeline-defaults';
export * from './validate-pipeline';
export * from './accept-declaration';
export * from './validate-pipeline-json';
export { findVariableReferences, PIPELINE_VARIABLES_NAMESPACE, CODEPIPELINE_NAMESPACE, CODEPIPELINE_VARIABLES, RESERVED_NAMESPACES } from './variable-references';
export { CONDITION_KINDS, CONDITION_RESULTS_BY_KIND, type ConditionKind } from './read-stage-conditions';
export { compileVariableCheckPattern, isVariableCheckRuleType, VARIABLE_CHECK_LIMITS, type VariableCheckPattern } from './variable-check-pattern';
