import type { ActionTypeRegistry } from '../action-types/action-type-registry';
import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath } from '../validation/json-path';
import { checkFields, readArray, readObject, readOneOf, readString, readValidString } from '../validation/json-shape';
import type { ActionFacts, StageFacts } from './pipeline-facts';
import { PIPELINE_LIMITS, STAGE_NAME_RULE } from './pipeline-limits';
import { readAction } from './read-action';
import { CONDITION_KINDS, readStageCondition, type ConditionFacts } from './read-stage-conditions';

export const STAGE_FIELDS = {
  required: ['name', 'actions'],
  optional: ['blockers', 'onFailure', 'onSuccess', 'beforeEntry'],
} as const;

export interface ReadStage {
  stage: StageFacts;
  conditions: ConditionFacts[];
}

export function readStage(
  value: unknown,
  index: number,
  path: string,
  registry: ActionTypeRegistry,
  issues: IssueCollector,
): ReadStage | undefined {
  const object = readObject(value, 'A stage', path, issues);
  if (!object) return undefined;
  checkFields(object, STAGE_FIELDS, 'A stage', path, issues);
  const at = (field: string): string => childPath(path, field);
  const name = object.name === undefined ? undefined : readValidString(object.name, 'The stage name', at('name'), issues, STAGE_NAME_RULE);
  const actions: ActionFacts[] = [];
  if (object.actions !== undefined) {
    const items = readArray(object.actions, `The actions of stage ${name !== undefined ? quote(name) : `#${index}`}`, at('actions'), issues, {
      min: PIPELINE_LIMITS.minActionsPerStage,
      max: PIPELINE_LIMITS.maxActionsPerStage,
      itemNoun: 'action',
    }) ?? [];
    items.forEach((item, actionIndex) => {
      const action = readAction(item, { stageIndex: index, actionIndex, path: indexPath(at('actions'), actionIndex) }, registry, issues);
      if (action) actions.push(action);
    });
    reportDuplicateActionNames(actions, name, issues);
  }
  if (object.blockers !== undefined) readBlockers(object.blockers, at('blockers'), issues);
  const conditions: ConditionFacts[] = [];
  for (const kind of CONDITION_KINDS) {
    if (object[kind] === undefined) continue;
    const facts = readStageCondition(object[kind], kind, index, at(kind), issues);
    if (facts) conditions.push(facts);
  }
  return { stage: { index, path, name, actions }, conditions };
}

function reportDuplicateActionNames(actions: readonly ActionFacts[], stageName: string | undefined, issues: IssueCollector): void {
  const firstByName = new Map<string, ActionFacts>();
  for (const action of actions) {
    if (action.name === undefined) continue;
    const first = firstByName.get(action.name);
    if (!first) {
      firstByName.set(action.name, action);
      continue;
    }
    issues.add(
      childPath(action.path, 'name'),
      'duplicate_action_name',
      `The action name ${quote(action.name)} is used twice in ${stageName !== undefined ? `stage ${quote(stageName)}` : 'this stage'} ` +
        `(also by action #${first.actionIndex}); action names must be unique within a stage.`,
    );
  }
}

function readBlockers(value: unknown, path: string, issues: IssueCollector): void {
  const blockers = readArray(value, 'The blockers', path, issues, { itemNoun: 'blocker' }) ?? [];
  blockers.forEach((blocker, index) => {
    const blockerPath = indexPath(path, index);
    const object = readObject(blocker, 'A blocker', blockerPath, issues);
    if (!object) return;
    checkFields(object, { required: ['name', 'type'], optional: [] }, 'A blocker', blockerPath, issues);
    if (object.name !== undefined) readString(object.name, 'The blocker name', childPath(blockerPath, 'name'), issues, { minLength: 1, maxLength: 100 });
    if (object.type !== undefined) readOneOf(object.type, ['Schedule'], 'The blocker type', childPath(blockerPath, 'type'), issues);
  });
}
