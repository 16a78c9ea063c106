import type { StringRule } from '../validation/string-rules';

/** CodePipeline's structural limits (API reference and quotas page), which Sluice keeps. */
export const PIPELINE_LIMITS = {
  minStages: 2,
  maxStages: 50,
  minActionsPerStage: 1,
  maxActionsPerStage: 50,
  minRunOrder: 1,
  maxRunOrder: 999,
  minTimeoutInMinutes: 5,
  maxTimeoutInMinutes: 86_400,
  configurationKeyMaxLength: 50,
  configurationValueMaxLength: 1000,
  maxCommands: 50,
  commandMaxLength: 1000,
  maxOutputVariables: 15,
  maxEnvironmentVariables: 10,
  environmentVariableValueMaxLength: 2000,
  maxVariables: 50,
  variableDefaultValueMaxLength: 1000,
  variableDescriptionMaxLength: 200,
  maxTriggers: 50,
  maxGitFilters: 3,
  maxFilterPatterns: 8,
  filterPatternMaxLength: 255,
  maxRulesPerCondition: 5,
  maxRuleConfigurationEntries: 200,
  roleArnMaxLength: 1024,
  regionMinLength: 4,
  regionMaxLength: 30,
} as const;

/** CodePipeline does not publish one; 1 MB leaves room for 50 stages of 50 actions with long commands. */
export const DEFAULT_MAX_DEFINITION_BYTES = 1024 * 1024;
/** Real definitions nest about 10 levels deep; anything far deeper is refused before it is walked. */
export const MAX_DEFINITION_DEPTH = 32;

export const DEFAULT_RUN_ORDER = 1;
export const DEFAULT_EXECUTION_MODE = 'SUPERSEDED';
export const DEFAULT_PIPELINE_TYPE = 'V2';
/** CodePipeline's manual approval expires after 7 days unless the action sets timeoutInMinutes. */
export const DEFAULT_APPROVAL_TIMEOUT_IN_MINUTES = 7 * 24 * 60;

const NAME_CHARACTER = /^[A-Za-z0-9.@_-]$/u;
const NAME_CHARACTERS = 'letters A-Z and a-z, digits, ".", "@", "-" and "_"';
const NAMESPACE_CHARACTER = /^[A-Za-z0-9@_-]$/u;
const NAMESPACE_CHARACTERS = 'letters A-Z and a-z, digits, "@", "-" and "_"';
const ARTIFACT_CHARACTER = /^[A-Za-z0-9_-]$/u;
const ARTIFACT_CHARACTERS = 'letters A-Z and a-z, digits, "-" and "_"';
const TYPE_ID_CHARACTER = /^[0-9A-Za-z_-]$/u;

type Rule = Omit<StringRule, 'label'>;

export const PIPELINE_NAME_RULE: Rule = { minLength: 1, maxLength: 100, allowedCharacter: NAME_CHARACTER, allowedDescription: NAME_CHARACTERS };
export const STAGE_NAME_RULE: Rule = PIPELINE_NAME_RULE;
export const ACTION_NAME_RULE: Rule = PIPELINE_NAME_RULE;
export const ARTIFACT_NAME_RULE: Rule = { minLength: 1, maxLength: 100, allowedCharacter: ARTIFACT_CHARACTER, allowedDescription: ARTIFACT_CHARACTERS };
export const NAMESPACE_RULE: Rule = { minLength: 1, maxLength: 100, allowedCharacter: NAMESPACE_CHARACTER, allowedDescription: NAMESPACE_CHARACTERS };
export const VARIABLE_NAME_RULE: Rule = { minLength: 1, maxLength: 128, allowedCharacter: NAMESPACE_CHARACTER, allowedDescription: NAMESPACE_CHARACTERS };
export const PROVIDER_RULE: Rule = { minLength: 1, maxLength: 35, allowedCharacter: TYPE_ID_CHARACTER, allowedDescription: 'letters A-Z and a-z, digits, "_" and "-"' };
export const VERSION_RULE: Rule = { minLength: 1, maxLength: 9, allowedCharacter: TYPE_ID_CHARACTER, allowedDescription: 'letters A-Z and a-z, digits, "_" and "-"' };
/** A deploy action's environment (`staging`, `prod`, `eu-prod`): Sluice's own field, issue 21. */
export const DEPLOY_ENVIRONMENT_RULE: Rule = { minLength: 1, maxLength: 64, allowedCharacter: /^[A-Za-z0-9_.-]$/u, allowedDescription: 'letters A-Z and a-z, digits, ".", "_" and "-"' };
export const ENVIRONMENT_VARIABLE_NAME_RULE: Rule = { minLength: 1, maxLength: 128, allowedCharacter: /^[A-Za-z0-9_]$/u, allowedDescription: 'letters A-Z and a-z, digits and "_"' };
