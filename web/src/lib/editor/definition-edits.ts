// What the editor's form does to a definition: each edit returns a new object (the parsed JSON is the one source of
// truth; the text is written again from it). Anything the form does not know about is kept as it is.

type JsonObject = Record<string, unknown>;

export interface NewAction {
  name: string;
  actionTypeId: { category: string; owner: string; provider: string; version: string };
  runOrder: number;
  configuration: Array<{ key: string; value: string }>;
  inputArtifacts: string[];
  outputArtifacts: string[];
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The stages as the form can show them, or undefined when the definition is not an object with a stages array. */
export function stagesOf(definition: unknown): unknown[] | undefined {
  return isObject(definition) && Array.isArray(definition.stages) ? definition.stages : undefined;
}

/** The actions of a stage, or [] when the stage has no actions array. */
export function actionsOf(stage: unknown): unknown[] {
  return isObject(stage) && Array.isArray(stage.actions) ? stage.actions : [];
}

export const nameOf = (item: unknown): string => (isObject(item) && typeof item.name === 'string' ? item.name : '(no name)');

function withStages(definition: unknown, change: (stages: unknown[]) => unknown[]): JsonObject {
  const stages = stagesOf(definition);
  if (!isObject(definition) || !stages) throw new Error('The definition has no "stages" array to edit.');
  return { ...definition, stages: change(stages) };
}

function withActions(definition: unknown, stageIndex: number, change: (actions: unknown[]) => unknown[]): JsonObject {
  return withStages(definition, (stages) =>
    stages.map((stage, index) => (index === stageIndex ? { ...(isObject(stage) ? stage : {}), actions: change(actionsOf(stage)) } : stage)),
  );
}

/** A stage with no actions yet, after the others (the validator asks for at least one action until one is added). */
export const addStage = (definition: unknown, name: string): JsonObject => withStages(definition, (stages) => [...stages, { name, actions: [] }]);

export const removeStage = (definition: unknown, stageIndex: number): JsonObject =>
  withStages(definition, (stages) => stages.filter((_, index) => index !== stageIndex));

/** The action in CodePipeline's shape; empty configuration rows and artifact names are left out. */
export function actionDeclaration(action: NewAction): JsonObject {
  const configuration = Object.fromEntries(action.configuration.filter((row) => row.key.trim() !== '').map((row) => [row.key.trim(), row.value]));
  const names = (list: string[]) => list.map((name) => name.trim()).filter((name) => name !== '').map((name) => ({ name }));
  const inputArtifacts = names(action.inputArtifacts);
  const outputArtifacts = names(action.outputArtifacts);
  return {
    name: action.name,
    actionTypeId: { ...action.actionTypeId },
    runOrder: action.runOrder,
    ...(Object.keys(configuration).length > 0 ? { configuration } : {}),
    ...(inputArtifacts.length > 0 ? { inputArtifacts } : {}),
    ...(outputArtifacts.length > 0 ? { outputArtifacts } : {}),
  };
}

export const addAction = (definition: unknown, stageIndex: number, action: NewAction): JsonObject =>
  withActions(definition, stageIndex, (actions) => [...actions, actionDeclaration(action)]);

export const removeAction = (definition: unknown, stageIndex: number, actionIndex: number): JsonObject =>
  withActions(definition, stageIndex, (actions) => actions.filter((_, index) => index !== actionIndex));

/** The text the editor shows for a definition: two-space JSON, as `aws codepipeline get-pipeline` prints it. */
export const definitionText = (definition: unknown): string => `${JSON.stringify(definition, null, 2)}\n`;

/** The definition without its `version`: the editor sets it to the version it loaded when it saves. */
export function withoutVersion(definition: unknown): unknown {
  if (!isObject(definition)) return definition;
  const { version: _version, ...rest } = definition;
  return rest;
}

/** A small pipeline to start from: a git source and a build with one command. */
export function newPipelineTemplate(name: string): JsonObject {
  return {
    name,
    artifactStore: { type: 'S3', location: 'sluice-artifacts' },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
            runOrder: 1,
            configuration: { RepositoryUrl: 'https://example.com/your/repository.git', BranchName: 'main' },
            outputArtifacts: [{ name: 'SourceOutput' }],
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Build',
            actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
            runOrder: 1,
            configuration: { Commands: 'echo building' },
            inputArtifacts: [{ name: 'SourceOutput' }],
          },
        ],
      },
    ],
  };
}
