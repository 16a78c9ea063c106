import type { FoldedEvent } from '../../projections/stream-states';
import { EXECUTION_STREAM_PREFIX } from '@sluice/contracts';

/** The executions whose next step an event may change: its own, its job's, or those a lanes event names. */
export function executionsTouchedBy(folded: FoldedEvent): string[] {
  switch (folded.aggregate) {
    case 'execution':
      return [folded.streamId.slice(EXECUTION_STREAM_PREFIX.length)];
    case 'job':
      return folded.state.status === 'NotCreated' ? [] : [folded.state.spec.executionId];
    case 'lanes':
      return 'executionId' in folded.event.data ? [folded.event.data.executionId] : [];
  }
}
