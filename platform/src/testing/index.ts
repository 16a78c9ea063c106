// Test helpers the platform offers other packages' tests (the CLI's), kept out of its runtime entry point.
export * from './platform-process';
// The dashboard's browser set-up, for the getting-started test that follows the page in Chromium.
export { CHROMIUM, collectPageErrors, ensureDashboardBuilt, waitForCard } from './dashboard-harness';
export * from './sluice-process';
