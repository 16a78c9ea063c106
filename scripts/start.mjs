// `npm start`: installs what is missing, then runs the platform (embedded mode by default).
import { ensureWebBuild } from './build-web.mjs';
import { runPlatform } from './run-platform.mjs';

runPlatform({
  entry: 'platform/src/embedded/main.ts',
  command: 'npm start',
  // The demo pipeline's repository and the built-in Git source action both run the git CLI.
  gitUse: 'the demo repository and Git source actions use it',
  // The gateway serves the dashboard from web/dist (SLUICE_WEB_DIR overrides): build it when missing or stale.
  beforeRun: () => {
    if (!process.env.SLUICE_WEB_DIR) ensureWebBuild();
  },
});
