import type { EventStore } from '@sluice/eventing';
import { activeFreezes, freezesDecider, freezesStreamId, type FreezeEvent, type FreezesState } from '../../domain';
import type { RuleEvaluator } from './stage-condition-evaluator';

/** An account's freezes as stored now (one small stream per account, read when a deploy stage is about to be entered). */
export function storedFreezes(store: EventStore): (account: string) => Promise<FreezesState> {
  return async (account) => (await store.readStream(freezesStreamId(account))).reduce((state, event) => freezesDecider.evolve(state, event as unknown as FreezeEvent), freezesDecider.initialState);
}

/**
 * The implicit entry rule of a stage that deploys to environments (`Environments`, comma-separated): it fails while one
 * of them is frozen, naming the freeze, its end and its reason. A rollback is never frozen: it restores what ran before.
 */
export function environmentFreezeRule(freezesOf: (account: string) => Promise<FreezesState>, now: () => Date = () => new Date()): RuleEvaluator {
  return async (rule, request) => {
    const environments = (rule.configuration?.['Environments'] ?? '').split(',').filter((name) => name !== '');
    if (request.rollback) return { passed: true, message: `a rollback is not held by freezes (${environments.join(', ')})` };
    const at = now().toISOString();
    const state = await freezesOf(request.account);
    const frozen = environments.flatMap((environment) => activeFreezes(state, environment, at));
    if (frozen.length === 0) return { passed: true, message: `no freeze on ${environments.join(', ')}` };
    return { passed: false, message: frozen.map((freeze) => `${freeze.environment} is frozen until ${freeze.endsAt} by ${freeze.scheduledBy}: ${freeze.reason} (freeze ${freeze.freezeId})`).join('; ') };
  };
}
