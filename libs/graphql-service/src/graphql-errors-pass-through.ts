import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';

/**
 * Hands every error a resolver throws back to GraphQL as it is, where `formatGraphQLError` answers it: a caller's
 * mistake (not found, bad input, denied, conflict) becomes its 4xx-like code without a line in the server's log, and
 * only an unexpected error is logged, once, with its stack and an id. Without it Nest's own handler logs each of
 * them, the caller's mistakes included, as a red ERROR with a stack trace (issue 22).
 */
@Catch()
export class GraphQLErrorsPassThrough implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    // graphql-js throws an Error a resolver returns; subgraphs serve nothing but GraphQL through Nest.
    if (host.getType<string>() === 'graphql') return exception;
    throw exception;
  }
}
