export { InMemoryCheckpointStore } from './in-memory-checkpoint-store';
