import { ACTION_CATEGORIES, type ActionCategory } from '../pipeline-definition/pipeline-declaration';
import { configurationPath, type ActionMappingContext, type MappedAction } from './action-mapping-context';
import { MASKED_SECRET } from './aws-placeholders';

/** Anything Sluice has no provider for keeps its name as a custom action type, run by a job worker the user provides. */
export function mapToCustomAction(context: ActionMappingContext): MappedAction {
  const { actionTypeId } = context.action;
  const category = sluiceCategory(actionTypeId.category);
  if (category !== actionTypeId.category) {
    context.report.changed(`${context.path}.actionTypeId.category`, actionTypeId.category, category, `Sluice has no category "${actionTypeId.category}".`);
  }
  const id = { category, owner: 'Custom' as const, provider: actionTypeId.provider, version: actionTypeId.version };
  const configuration: Record<string, string> = {};
  for (const [key, value] of Object.entries(context.action.configuration ?? {})) {
    if (value === MASKED_SECRET) {
      context.report.dropped(configurationPath(context, key), value, 'AWS masks secret values; secrets are not imported.');
      context.report.warn(`${context.path}: the secret "${key}" was not imported (AWS shows it as ${MASKED_SECRET}); set it again.`);
    } else {
      configuration[key] = value;
    }
  }
  const typeName = `${id.category}/Custom/${id.provider}/${id.version}`;
  context.report.warn(
    `${context.path}: ${actionTypeId.owner} ${actionTypeId.provider} has no Sluice equivalent; it became the custom action type ${typeName}. Register it (see requiredCustomActionTypes) and run a job worker that polls for it.`,
  );
  return {
    actionTypeId: id,
    status: 'custom',
    notes: [`Needs custom action type ${typeName} and a job worker for it.`],
    ...(context.action.configuration ? { configuration } : {}),
  };
}

function sluiceCategory(category: string): ActionCategory {
  return ACTION_CATEGORIES.find((candidate) => candidate === category) ?? 'Build';
}
