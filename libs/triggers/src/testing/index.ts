// Test helpers for the triggers' tests and other packages' (`@sluice/triggers/testing`), kept out of the runtime entry point.
export * from './triggerable-pipeline';
