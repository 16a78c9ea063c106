import { ValidationError } from '../validation/validation-error';
import type { ValidationIssue } from '../validation/validation-issue';
import { indexPath } from '../validation/json-path';
import { actionTypeKey, type ActionTypeDefinition, type ActionTypeIdLike } from './action-type-definition';
import { BUILT_IN_ACTION_TYPES } from './built-in-action-types';

/** The action types a definition may use: the built-ins plus an account's custom types. Immutable. */
export class ActionTypeRegistry {
  private readonly byKey: ReadonlyMap<string, ActionTypeDefinition>;

  private constructor(types: readonly ActionTypeDefinition[]) {
    this.byKey = new Map(types.map((type) => [actionTypeKey(type.id), type]));
  }

  /** The registry of Sluice's built-in action types. */
  static builtIn(): ActionTypeRegistry {
    return new ActionTypeRegistry(BUILT_IN_ACTION_TYPES);
  }

  /** A new registry with these custom types added; throws ValidationError when an id is already taken. */
  withCustom(types: readonly ActionTypeDefinition[]): ActionTypeRegistry {
    const issues: ValidationIssue[] = [];
    const seen = new Set(this.byKey.keys());
    types.forEach((type, index) => {
      const key = actionTypeKey(type.id);
      if (seen.has(key)) {
        issues.push({
          path: indexPath('$', index),
          code: 'duplicate_action_type',
          message: `The action type ${key} is registered already.`,
        });
      }
      seen.add(key);
    });
    if (issues.length > 0) throw new ValidationError(issues, 'Custom action types clash');
    return new ActionTypeRegistry([...this.byKey.values(), ...types]);
  }

  find(id: ActionTypeIdLike): ActionTypeDefinition | undefined {
    return this.byKey.get(actionTypeKey(id));
  }

  list(): readonly ActionTypeDefinition[] {
    return [...this.byKey.values()];
  }
}
