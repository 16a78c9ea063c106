// The server's rules, run in the browser as the user types: @sluice/domain's `acceptDeclaration` (its browser entry,
// so nothing Node-only of the package's index comes along) with the account's action types.
import { ActionTypeRegistry, type ActionTypeDefinition, declarationIssues, type ValidationIssue } from '@sluice/domain/browser';

export type { ValidationIssue };

/** The registry the server uses for the account: the built-ins plus the custom types listActionTypes returns. */
export function registryOf(listed: readonly ActionTypeDefinition[]): ActionTypeRegistry {
  const builtIn = ActionTypeRegistry.builtIn();
  return builtIn.withCustom(listed.filter((type) => !builtIn.find(type.id)));
}

/** Every issue the server would report for this definition, at its JSON path; none when it would be accepted. */
export function definitionIssues(definition: unknown, registry: ActionTypeRegistry): ValidationIssue[] {
  return declarationIssues(definition, registry);
}
