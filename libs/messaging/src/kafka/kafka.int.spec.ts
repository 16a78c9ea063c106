import { busContract } from '../contract/bus.contract';
import { createKafkaBus } from './kafka-bus';
import { testKafkaBrokers, testKafkaBusOptions } from './test-kafka';

busContract('kafka', async () => createKafkaBus(testKafkaBusOptions(testKafkaBrokers(), 'sluice-bus-contract')));
