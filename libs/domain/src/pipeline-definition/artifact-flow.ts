import { closestMatch } from '../validation/closest-match';
import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { describeAction, runsBefore, type ActionFacts, type NamedAt, type StageFacts } from './pipeline-facts';
import type { ConditionFacts } from './read-stage-conditions';

interface Producer {
  action: ActionFacts;
  artifact: NamedAt;
}

/** Output artifact names are unique in the pipeline; every input artifact is produced by an action that finished before. */
export function checkArtifactFlow(
  stages: readonly StageFacts[],
  conditions: readonly ConditionFacts[],
  issues: IssueCollector,
): void {
  const actions = stages.flatMap((stage) => stage.actions);
  const producers = new Map<string, Producer>();
  for (const action of actions) {
    for (const artifact of action.outputArtifacts) {
      const first = producers.get(artifact.name);
      if (first) {
        issues.add(
          artifact.path,
          'duplicate_output_artifact',
          `The output artifact ${quote(artifact.name)} is also produced by ${describeAction(first.action, stages)}; output artifact names must be unique in the pipeline.`,
        );
        continue;
      }
      producers.set(artifact.name, { action, artifact });
    }
  }
  for (const action of actions) {
    for (const artifact of action.inputArtifacts) {
      const producer = producers.get(artifact.name);
      if (!producer) {
        reportNotProduced(artifact, [...producers.keys()], issues);
      } else if (producer.action === action) {
        issues.add(artifact.path, 'input_artifact_not_produced', `The input artifact ${quote(artifact.name)} is this action's own output; an action cannot consume what it produces.`);
      } else if (!runsBefore(producer.action, action)) {
        issues.add(
          artifact.path,
          'input_artifact_not_produced',
          `The input artifact ${quote(artifact.name)} is produced by ${describeAction(producer.action, stages)}, ${timing(producer.action, action)}; ` +
            'an input must come from an earlier stage, or from the same stage with a lower runOrder.',
        );
      }
    }
  }
  for (const condition of conditions) {
    for (const artifact of condition.inputArtifacts) {
      const producer = producers.get(artifact.name);
      if (!producer) {
        reportNotProduced(artifact, [...producers.keys()], issues);
      } else if (!conditionSees(condition, producer.action)) {
        issues.add(
          artifact.path,
          'input_artifact_not_produced',
          `The input artifact ${quote(artifact.name)} is produced by ${describeAction(producer.action, stages)}, which has not run when this ${condition.kind} condition is checked.`,
        );
      }
    }
  }
}

/** Entry conditions see the stages before; success and failure conditions also see their own stage. */
export function conditionSees(condition: ConditionFacts, producer: ActionFacts): boolean {
  return condition.kind === 'beforeEntry' ? producer.stageIndex < condition.stageIndex : producer.stageIndex <= condition.stageIndex;
}

function timing(producer: ActionFacts, consumer: ActionFacts): string {
  if (producer.stageIndex > consumer.stageIndex) return 'which is in a later stage';
  if (producer.runOrder === consumer.runOrder) return `which runs at the same time (runOrder ${producer.runOrder})`;
  return `which runs later (runOrder ${producer.runOrder}, this action has ${consumer.runOrder})`;
}

function reportNotProduced(artifact: NamedAt, produced: readonly string[], issues: IssueCollector): void {
  const suggestion = closestMatch(artifact.name, produced);
  issues.add(
    artifact.path,
    'input_artifact_not_produced',
    `No action produces the input artifact ${quote(artifact.name)}.` + (suggestion ? ` Did you mean ${quote(suggestion)}?` : ''),
  );
}
