export { eventStoreContract, type ContractOptions, type ContractStore } from './event-store.contract';
