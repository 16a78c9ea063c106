import { findVariableReferences } from '../pipeline-definition/variable-references';
import type { PipelineDeclaration } from '../pipeline-definition/pipeline-declaration';
import type { ActionMapping } from './mapping-report';
import type { MappingReportBuilder } from './mapping-report-builder';

/**
 * Namespaces survive the import, so `#{ns.VAR}` still resolves to the same action; but when that
 * action now runs another provider, the variable it used to set may not exist any more.
 */
export function warnAboutChangedVariables(
  pipeline: PipelineDeclaration,
  mappings: readonly ActionMapping[],
  report: MappingReportBuilder,
): void {
  const producers = new Map<string, { mapping: ActionMapping; declared: readonly string[] }>();
  pipeline.stages.forEach((stage, s) =>
    stage.actions.forEach((action, a) => {
      const mapping = mappings.find((candidate) => candidate.path === `$.stages[${s}].actions[${a}]`);
      if (action.namespace && mapping?.status === 'mapped') {
        producers.set(action.namespace, { mapping, declared: action.outputVariables ?? [] });
      }
    }),
  );
  for (const { text, path } of referencingTexts(pipeline)) {
    for (const reference of findVariableReferences(text, path)) {
      const producer = producers.get(reference.namespace);
      if (!producer || producer.declared.includes(reference.variable)) continue;
      const { from, to } = producer.mapping;
      report.warn(
        `${path}: ${reference.text} was an output variable of ${from.owner} ${from.provider}; namespace "${reference.namespace}" now belongs to ${to.category}/${to.owner}/${to.provider}, whose output variables differ: make sure it sets "${reference.variable}" or change the reference.`,
      );
    }
  }
}

function referencingTexts(pipeline: PipelineDeclaration): Array<{ text: string; path: string }> {
  const texts: Array<{ text: string; path: string }> = [];
  pipeline.stages.forEach((stage, s) => {
    stage.actions.forEach((action, a) => {
      const path = `$.stages[${s}].actions[${a}]`;
      for (const [key, value] of Object.entries(action.configuration ?? {})) texts.push({ text: value, path: `${path}.configuration.${key}` });
      action.commands?.forEach((command, c) => texts.push({ text: command, path: `${path}.commands[${c}]` }));
      action.environmentVariables?.forEach((variable, v) => texts.push({ text: variable.value, path: `${path}.environmentVariables[${v}].value` }));
    });
    for (const kind of ['beforeEntry', 'onSuccess', 'onFailure'] as const) {
      stage[kind]?.conditions?.forEach((condition, c) =>
        condition.rules?.forEach((rule, r) => {
          const path = `$.stages[${s}].${kind}.conditions[${c}].rules[${r}]`;
          for (const [key, value] of Object.entries(rule.configuration ?? {})) texts.push({ text: value, path: `${path}.configuration.${key}` });
          rule.commands?.forEach((command, i) => texts.push({ text: command, path: `${path}.commands[${i}]` }));
        }),
      );
    }
  });
  return texts;
}
