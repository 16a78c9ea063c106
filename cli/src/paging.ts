// The list verbs read a GraphQL connection a page at a time, as the AWS CLI lists: --max-results is the page size,
// --next-token where the page starts, and the answer's nextToken, while there is a next page, is followed by the CLI
// unless --no-paginate (`paginated` of the verb).
import type { Input, Parameter } from './verb';

/** --max-results and --next-token, the members every list verb ends with. */
export const pagingParameters = (maxResults = 'Page size; every page is fetched unless --no-paginate.'): Parameter[] => [
  { name: 'maxResults', type: 'integer', description: maxResults },
  { name: 'nextToken', type: 'string', description: 'The nextToken of an earlier page.' },
];

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** The connection's `first` and `after` for the page the input asks for (100 rows unless --max-results). */
export const pageVariables = (input: Input) => ({ first: input['maxResults'] ?? 100, after: input['nextToken'] ?? null });

/** `nextToken` for the answer while there is a next page. */
export const nextTokenOf = (pageInfo: PageInfo): { nextToken?: string } => (pageInfo.hasNextPage && pageInfo.endCursor ? { nextToken: pageInfo.endCursor } : {});
