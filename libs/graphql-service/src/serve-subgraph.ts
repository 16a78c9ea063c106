import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

export interface ServedSubgraph {
  /** Base URL; the subgraph answers at `${url}/graphql`. */
  url: string;
  close(): Promise<void>;
}

/** Starts a Nest application holding a subgraph module on `port` (0 picks a free one). */
export async function serveSubgraph(module: DynamicModule, port: number): Promise<ServedSubgraph> {
  // The GraphQL handler reads bodies itself, with an explicit limit (graphql-http-handler.ts).
  const app = await NestFactory.create(module, { bodyParser: false, logger: ['error', 'warn'] });
  try {
    await app.listen(port);
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  return { url: `http://localhost:${address.port}`, close: () => app.close() };
}
