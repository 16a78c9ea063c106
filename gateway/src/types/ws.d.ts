// `ws` ships no types and @types/ws is not installed: the little of it the gateway and its tests use.
declare module 'ws' {
  import type { Server } from 'node:http';

  export default class WebSocket {
    constructor(url: string, protocols?: string | string[]);
    close(code?: number, reason?: string): void;
  }

  export class WebSocketServer {
    constructor(options: { server: Server; path?: string });
    readonly clients: Set<WebSocket>;
    close(callback?: (error?: Error) => void): void;
  }
}

// The root tsconfig resolves modules the node10 way, which ignores package.json `exports`.
declare module 'graphql-ws/use/ws' {
  export { useServer, type Extra } from 'graphql-ws/dist/use/ws.cjs';
}
