import type { FoldedEvent } from '../../projections/stream-states';
import { EXECUTION_STREAM_PREFIX } from '@sluice/contracts';

/** The executions whose next step an event may change: its own, its job's, its invoker's, or those a lanes event names. */
export function executionsTouchedBy(folded: FoldedEvent): string[] {
  switch (folded.aggregate) {
    case 'execution': {
      // An invoked execution's progress may end the invoke that waits for it.
      const invoker = folded.state.status === 'NotStarted' ? undefined : folded.state.run.inputs.invokedBy?.at(-1);
      return [folded.streamId.slice(EXECUTION_STREAM_PREFIX.length), ...(invoker ? [invoker.executionId] : [])];
    }
    case 'job':
      return folded.state.status === 'NotCreated' ? [] : [folded.state.spec.executionId];
    case 'lanes':
      return 'executionId' in folded.event.data ? [folded.event.data.executionId] : [];
  }
}
