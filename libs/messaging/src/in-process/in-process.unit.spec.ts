import { busContract } from '../contract/bus.contract';
import { InProcessBus } from './in-process-bus';

busContract('in-process', async () => new InProcessBus());
