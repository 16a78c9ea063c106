// The root tsconfig resolves modules the node10 way, which ignores package.json `exports`.
declare module 'graphql-ws/use/ws' {
  export { useServer, type Extra } from 'graphql-ws/dist/use/ws.cjs';
}
