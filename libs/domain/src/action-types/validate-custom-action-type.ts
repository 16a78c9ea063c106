import { AWS_ACTION_CATEGORIES, type AwsActionCategory } from '../pipeline-definition/pipeline-declaration';
import { quote } from '../validation/describe-value';
import { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath, ROOT_PATH } from '../validation/json-path';
import {
  checkFields,
  readArray,
  readBoolean,
  readInteger,
  readObject,
  readOneOf,
  readString,
  readValidString,
} from '../validation/json-shape';
import type { ValidationIssue } from '../validation/validation-issue';
import {
  CONFIGURATION_PROPERTY_TYPES,
  type ActionConfigurationProperty,
  type ActionTypeDefinition,
  type ActionTypeSettings,
  type ArtifactDetails,
} from './action-type-definition';

/** CodePipeline's limits for custom action types. */
export const CUSTOM_ACTION_TYPE_LIMITS = {
  providerMaxLength: 35,
  versionMaxLength: 9,
  maxConfigurationProperties: 10,
  maxArtifacts: 5,
  propertyNameMaxLength: 50,
  propertyDescriptionMaxLength: 160,
  urlMaxLength: 2048,
} as const;

export interface Tag {
  key: string;
  value: string;
}

/** The input of `createCustomActionType`, in CodePipeline's CreateCustomActionType shape. */
export interface CreateCustomActionTypeInput {
  category: AwsActionCategory;
  provider: string;
  version: string;
  settings?: ActionTypeSettings;
  configurationProperties?: ActionConfigurationProperty[];
  inputArtifactDetails: ArtifactDetails;
  outputArtifactDetails: ArtifactDetails;
  tags?: Tag[];
}

export type CustomActionTypeValidation =
  | { valid: true; actionType: ActionTypeDefinition; tags: Tag[] }
  | { valid: false; issues: ValidationIssue[] };

const ID_CHARACTER = /^[0-9A-Za-z_-]$/u;
const ID_CHARACTERS = 'letters A-Z and a-z, digits, "_" and "-"';

/** The owners an account may register a type under: its own (Custom), or a partner's (ThirdParty). */
const REGISTERED_OWNERS = ['Custom', 'ThirdParty'] as const;

/** Validates a CreateCustomActionType request; a valid one becomes an action type owned by 'Custom' (or, when it says so, 'ThirdParty'). */
export function validateCustomActionType(input: unknown): CustomActionTypeValidation {
  const issues = new IssueCollector();
  const root = readObject(input, 'A custom action type', ROOT_PATH, issues);
  if (!root) return { valid: false, issues: issues.issues };
  checkFields(
    root,
    {
      required: ['category', 'provider', 'version', 'inputArtifactDetails', 'outputArtifactDetails'],
      // `owner` is Sluice's: ThirdParty registers a partner's type, worked through the third-party job calls.
      optional: ['settings', 'configurationProperties', 'tags', 'owner'],
    },
    'A custom action type',
    ROOT_PATH,
    issues,
  );
  const category =
    root.category === undefined
      ? undefined
      : readOneOf(root.category, AWS_ACTION_CATEGORIES, 'The category', childPath(ROOT_PATH, 'category'), issues);
  const owner = root.owner === undefined ? 'Custom' : readOneOf(root.owner, REGISTERED_OWNERS, 'The owner', childPath(ROOT_PATH, 'owner'), issues);
  const provider = readIdPart(root.provider, 'provider', CUSTOM_ACTION_TYPE_LIMITS.providerMaxLength, issues);
  const version = readIdPart(root.version, 'version', CUSTOM_ACTION_TYPE_LIMITS.versionMaxLength, issues);
  const settings = root.settings === undefined ? undefined : readSettings(root.settings, issues);
  const properties =
    root.configurationProperties === undefined ? [] : readConfigurationProperties(root.configurationProperties, issues);
  const inputArtifactDetails = readArtifactDetails(root.inputArtifactDetails, 'inputArtifactDetails', 'input', issues);
  const outputArtifactDetails = readArtifactDetails(root.outputArtifactDetails, 'outputArtifactDetails', 'output', issues);
  const tags = root.tags === undefined ? [] : readTags(root.tags, issues);

  if (issues.count > 0 || !owner || !category || !provider || !version || !inputArtifactDetails || !outputArtifactDetails) {
    return { valid: false, issues: issues.issues };
  }
  const actionType: ActionTypeDefinition = {
    id: { category, owner, provider, version },
    actionConfigurationProperties: properties,
    inputArtifactDetails,
    outputArtifactDetails,
    ...(settings ? { settings } : {}),
  };
  return { valid: true, actionType, tags };
}

/** The provider or the version of the id, when given: 1 to `maxLength` id characters. */
function readIdPart(value: unknown, field: 'provider' | 'version', maxLength: number, issues: IssueCollector): string | undefined {
  if (value === undefined) return undefined;
  return readValidString(value, `The ${field}`, childPath(ROOT_PATH, field), issues, {
    minLength: 1,
    maxLength,
    allowedCharacter: ID_CHARACTER,
    allowedDescription: ID_CHARACTERS,
  });
}

const SETTINGS_FIELDS = ['thirdPartyConfigurationUrl', 'entityUrlTemplate', 'executionUrlTemplate', 'revisionUrlTemplate'] as const;

function readSettings(value: unknown, issues: IssueCollector): ActionTypeSettings | undefined {
  const path = childPath(ROOT_PATH, 'settings');
  const object = readObject(value, 'The settings', path, issues);
  if (!object) return undefined;
  checkFields(object, { required: [], optional: SETTINGS_FIELDS }, 'The settings', path, issues);
  const settings: ActionTypeSettings = {};
  for (const field of SETTINGS_FIELDS) {
    if (object[field] === undefined) continue;
    const url = readString(object[field], `The setting ${quote(field)}`, childPath(path, field), issues, {
      minLength: 1,
      maxLength: CUSTOM_ACTION_TYPE_LIMITS.urlMaxLength,
    });
    if (url !== undefined) settings[field] = url;
  }
  return settings;
}

function readConfigurationProperties(value: unknown, issues: IssueCollector): ActionConfigurationProperty[] {
  const path = childPath(ROOT_PATH, 'configurationProperties');
  const items = readArray(value, 'The configuration properties', path, issues, {
    max: CUSTOM_ACTION_TYPE_LIMITS.maxConfigurationProperties,
    itemNoun: 'property',
  });
  if (!items) return [];
  const properties: ActionConfigurationProperty[] = [];
  const firstIndexByName = new Map<string, number>();
  let queryableIndex: number | undefined;
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    const property = readConfigurationProperty(item, itemPath, issues);
    if (!property) return;
    const earlier = firstIndexByName.get(property.name);
    if (earlier !== undefined) {
      issues.add(
        childPath(itemPath, 'name'),
        'duplicate_configuration_property',
        `The configuration property ${quote(property.name)} is declared twice (also at index ${earlier}).`,
      );
    } else {
      firstIndexByName.set(property.name, index);
    }
    if (property.queryable) {
      if (queryableIndex !== undefined) {
        issues.add(
          childPath(itemPath, 'queryable'),
          'too_many_queryable_properties',
          `Only one configuration property can be queryable; ${quote(property.name)} is the second (the first is at index ${queryableIndex}).`,
        );
      } else {
        queryableIndex = index;
      }
      if (!property.required || property.secret) {
        issues.add(
          childPath(itemPath, 'queryable'),
          'queryable_property_invalid',
          `The queryable property ${quote(property.name)} must be required and must not be secret.`,
        );
      }
    }
    properties.push(property);
  });
  return properties;
}

function readConfigurationProperty(
  value: unknown,
  path: string,
  issues: IssueCollector,
): ActionConfigurationProperty | undefined {
  const object = readObject(value, 'A configuration property', path, issues);
  if (!object) return undefined;
  checkFields(
    object,
    { required: ['name', 'required', 'key', 'secret'], optional: ['queryable', 'description', 'type'] },
    'A configuration property',
    path,
    issues,
  );
  const before = issues.count;
  const name =
    object.name === undefined
      ? undefined
      : readValidString(object.name, 'The property name', childPath(path, 'name'), issues, {
          minLength: 1,
          maxLength: CUSTOM_ACTION_TYPE_LIMITS.propertyNameMaxLength,
          allowedCharacter: /^[\p{L}\p{N}\p{P}\p{S}]$/u,
          allowedDescription: 'visible characters (no spaces or control characters)',
        });
  const flag = (field: 'required' | 'key' | 'secret' | 'queryable'): boolean | undefined =>
    object[field] === undefined ? undefined : readBoolean(object[field], `The field ${quote(field)}`, childPath(path, field), issues);
  const required = flag('required');
  const key = flag('key');
  const secret = flag('secret');
  const queryable = flag('queryable');
  const description =
    object.description === undefined
      ? undefined
      : readString(object.description, 'The description', childPath(path, 'description'), issues, {
          minLength: 1,
          maxLength: CUSTOM_ACTION_TYPE_LIMITS.propertyDescriptionMaxLength,
        });
  const type =
    object.type === undefined
      ? undefined
      : readOneOf(object.type, CONFIGURATION_PROPERTY_TYPES, 'The type', childPath(path, 'type'), issues);
  if (issues.count > before || name === undefined || required === undefined || key === undefined || secret === undefined) {
    return undefined;
  }
  return {
    name,
    required,
    key,
    secret,
    ...(queryable !== undefined ? { queryable } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(type !== undefined ? { type } : {}),
  };
}

function readArtifactDetails(
  value: unknown,
  field: 'inputArtifactDetails' | 'outputArtifactDetails',
  direction: 'input' | 'output',
  issues: IssueCollector,
): ArtifactDetails | undefined {
  if (value === undefined) return undefined;
  const path = childPath(ROOT_PATH, field);
  const object = readObject(value, `The ${direction} artifact details`, path, issues);
  if (!object) return undefined;
  checkFields(object, { required: ['minimumCount', 'maximumCount'], optional: [] }, `The ${direction} artifact details`, path, issues);
  const range = { min: 0, max: CUSTOM_ACTION_TYPE_LIMITS.maxArtifacts };
  const minimumCount =
    object.minimumCount === undefined
      ? undefined
      : readInteger(object.minimumCount, `The minimum number of ${direction} artifacts`, childPath(path, 'minimumCount'), issues, range);
  const maximumCount =
    object.maximumCount === undefined
      ? undefined
      : readInteger(object.maximumCount, `The maximum number of ${direction} artifacts`, childPath(path, 'maximumCount'), issues, range);
  if (minimumCount === undefined || maximumCount === undefined) return undefined;
  if (minimumCount > maximumCount) {
    issues.add(
      childPath(path, 'minimumCount'),
      'minimum_above_maximum',
      `The minimum number of ${direction} artifacts (${minimumCount}) is above the maximum (${maximumCount}).`,
    );
    return undefined;
  }
  return { minimumCount, maximumCount };
}

function readTags(value: unknown, issues: IssueCollector): Tag[] {
  const path = childPath(ROOT_PATH, 'tags');
  const items = readArray(value, 'The tags', path, issues, { max: 200, itemNoun: 'tag' });
  if (!items) return [];
  const tags: Tag[] = [];
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    const object = readObject(item, 'A tag', itemPath, issues);
    if (!object) return;
    checkFields(object, { required: ['key', 'value'], optional: [] }, 'A tag', itemPath, issues);
    const key =
      object.key === undefined
        ? undefined
        : readString(object.key, 'The tag key', childPath(itemPath, 'key'), issues, { minLength: 1, maxLength: 128 });
    const tagValue =
      object.value === undefined
        ? undefined
        : readString(object.value, 'The tag value', childPath(itemPath, 'value'), issues, { minLength: 0, maxLength: 256 });
    if (key !== undefined && tagValue !== undefined) tags.push({ key, value: tagValue });
  });
  return tags;
}
