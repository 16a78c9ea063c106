// importAwsPipeline: an AWS `get-pipeline` output, its Sluice translation and the mapping report.
import { request } from './graphql';

interface ActionTypeReference {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

/** The report's shape as libs/domain/src/aws/mapping-report.ts builds it (ImportReport). */
export interface ImportReport {
  actions: Array<{ path: string; stage: string; action: string; from: ActionTypeReference; to: ActionTypeReference; status: 'mapped' | 'custom' | 'kept'; notes: string[] }>;
  changes: Array<{ path: string; kind: 'dropped' | 'changed' | 'added'; before?: unknown; after?: unknown; reason: string }>;
  warnings: string[];
  requiredCustomActionTypes: Array<{ id: ActionTypeReference }>;
}

export interface ImportedPipeline {
  pipeline: { name: string } & Record<string, unknown>;
  report: ImportReport;
  created: { name: string } | null;
}

export const importAwsPipeline = async (input: unknown, create: boolean): Promise<ImportedPipeline> =>
  (
    await request<{ importAwsPipeline: ImportedPipeline }>(
      'mutation ImportAws($input: JSON!, $create: Boolean) { importAwsPipeline(input: $input, create: $create) { pipeline report created { name } } }',
      { input, create },
    )
  ).importAwsPipeline;

export const typeLabel = (type: ActionTypeReference) => `${type.category}/${type.owner}/${type.provider}/${type.version}`;

/** The pipeline name of what was pasted (a get-pipeline output or its bare `pipeline`), if it has one. */
export function pastedName(input: unknown): string | undefined {
  const object = input as { pipeline?: { name?: unknown }; name?: unknown } | null;
  const name = object?.pipeline?.name ?? object?.name;
  return typeof name === 'string' ? name : undefined;
}
