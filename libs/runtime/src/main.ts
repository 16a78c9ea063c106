// `npm start`: the platform in one process, configured by environment variables.
import { ConfigError, loadRuntimeConfig } from './runtime-config';
import { startPlatform } from './platform';

async function main(): Promise<void> {
  const platform = await startPlatform(loadRuntimeConfig(process.env));
  const shutdown = (signal: string) => {
    console.log(`${signal}: stopping…`);
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
