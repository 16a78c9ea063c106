import { childPath } from '../validation/json-path';
import type { IssueCollector } from '../validation/issue-collector';
import type { StageFacts } from './pipeline-facts';

/** Source actions start a run, so they sit in the first stage and the first stage holds nothing else. */
export function checkSourceStage(stages: readonly StageFacts[], issues: IssueCollector): void {
  for (const stage of stages) {
    for (const action of stage.actions) {
      if (action.category === undefined) continue;
      const path = childPath(childPath(action.path, 'actionTypeId'), 'category');
      if (stage.index === 0 && action.category !== 'Source') {
        issues.add(
          path,
          'first_stage_not_source',
          `The first stage may only hold Source actions, but action ${action.name !== undefined ? `"${action.name}"` : `#${action.actionIndex}`} is ${/^[AEIOU]/.test(action.category) ? 'an' : 'a'} ${action.category} action; move it to a later stage.`,
        );
      } else if (stage.index > 0 && action.category === 'Source') {
        issues.add(
          path,
          'source_action_not_in_first_stage',
          `Source actions belong in the first stage, but action ${action.name !== undefined ? `"${action.name}"` : `#${action.actionIndex}`} is a Source action in stage ${stage.name !== undefined ? `"${stage.name}"` : `#${stage.index}`}.`,
        );
      }
    }
  }
}
