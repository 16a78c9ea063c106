export * from './validation-issue';
export * from './validation-error';
export * from './json-path';
export * from './issue-collector';
export * from './describe-value';
export * from './string-rules';
export * from './closest-match';
export * from './json-shape';
