export { prepareAppend, type PreparedAppend, type PreparedEvent } from './prepare-append';
export { assertJsonData, toJsonText } from './json-data';
export { validateExpectedRevision } from './expected-revision';
