// For other packages' tests: the broker jest's globalSetup started, and bus timings fit for tests.
export { testKafkaBrokers, testKafkaBusOptions } from '../kafka/test-kafka';
