// Test helpers for projections' tests (`@sluice/eventing/testing`), kept out of the runtime entry point.
export * from './rebuild-skipping';
export * from './embedded-store-for-file';
