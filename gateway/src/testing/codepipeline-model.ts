import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * CodePipeline's operations and the errors each declares, read from the model the AWS SDK ships
 * (`@aws-sdk/client-codepipeline`: every command's `@throws {@link …}`), so that a test holds Sluice to AWS's
 * own list instead of one written here.
 */
export interface CodePipelineModel {
  /** Every operation's name (`GetPipeline`, …): 44 in the SDK this repository installs. */
  operations: string[];
  /** The exceptions an operation declares (the base `CodePipelineServiceException` left out). */
  errorsOf(operation: string): ReadonlySet<string>;
}

export function loadCodePipelineModel(): CodePipelineModel {
  const commands = join(dirname(require.resolve('@aws-sdk/client-codepipeline/package.json')), 'dist-types/commands');
  const errors = new Map<string, Set<string>>();
  for (const file of readdirSync(commands)) {
    const match = /^([A-Za-z]+)Command\.d\.ts$/.exec(file);
    if (!match) continue;
    const text = readFileSync(join(commands, file), 'utf8');
    const thrown = [...text.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]!).filter((name) => name !== 'CodePipelineServiceException');
    errors.set(match[1]!, new Set(thrown));
  }
  return {
    operations: [...errors.keys()].sort(),
    errorsOf: (operation) => errors.get(operation) ?? new Set(),
  };
}

/** The errors every operation may answer besides its own (the runtime's table, `gateway/src/aws/codepipeline-model.ts`). */
export { AWS_COMMON_ERRORS } from '../aws/codepipeline-model';
