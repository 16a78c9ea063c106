// For other packages' tests and benches: the contract every artifact store passes, and a local S3.
export * from '../contract';
export * from './list-files';
export * from './start-s3rver';
