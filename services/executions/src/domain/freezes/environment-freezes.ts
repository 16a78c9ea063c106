import { assertNever, ValidationError, type Condition, type StageDeclaration, type ValidationIssue } from '@sluice/domain';

/**
 * Freeze periods (issue 21): an account's environments may be frozen for a period, with a reason; while a freeze is
 * on, no stage that deploys to that environment is entered (its implicit entry rule fails, naming the freeze). One
 * stream per account: a freeze is a fact of the account, whichever pipelines deploy there.
 */
export const FREEZES_STREAM_PREFIX = 'environment-freezes-';
export const freezesStreamId = (account: string): string => `${FREEZES_STREAM_PREFIX}${account}`;

export type FreezeEvent =
  | { type: 'EnvironmentFreezeScheduled'; data: { freezeId: string; environment: string; startsAt: string; endsAt: string; reason: string; scheduledBy: string; at: string } }
  | { type: 'EnvironmentFreezeLifted'; data: { freezeId: string; liftedBy: string; at: string } };

export interface EnvironmentFreeze {
  freezeId: string;
  environment: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  scheduledBy: string;
  scheduledAt: string;
  liftedBy: string | null;
  liftedAt: string | null;
}

export type FreezesState = readonly EnvironmentFreeze[];

export interface FreezeCommandMetadata {
  now: string;
  account: string;
  actor: string;
  correlationId: string;
}

export type FreezeCommand =
  | { type: 'ScheduleEnvironmentFreeze'; freezeId: string; environment: string; startsAt: string | null; endsAt: string; reason: string; metadata: FreezeCommandMetadata }
  | { type: 'LiftEnvironmentFreeze'; freezeId: string; metadata: FreezeCommandMetadata };

const ENVIRONMENT = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_REASON = 500;

function instant(value: string, path: string, issues: ValidationIssue[]): string | undefined {
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    issues.push({ path, code: 'invalid_instant', message: `${path.slice(2)} must be an ISO-8601 instant such as 2026-12-24T00:00:00Z, got ${JSON.stringify(value)}.` });
    return undefined;
  }
  return new Date(parsed).toISOString();
}

export const freezesDecider = {
  initialState: [] as FreezesState,
  evolve(state: FreezesState, event: FreezeEvent): FreezesState {
    switch (event.type) {
      case 'EnvironmentFreezeScheduled': {
        const { freezeId, environment, startsAt, endsAt, reason, scheduledBy, at } = event.data;
        return [...state, { freezeId, environment, startsAt, endsAt, reason, scheduledBy, scheduledAt: at, liftedBy: null, liftedAt: null }];
      }
      case 'EnvironmentFreezeLifted':
        return state.map((freeze) => (freeze.freezeId === event.data.freezeId ? { ...freeze, liftedBy: event.data.liftedBy, liftedAt: event.data.at } : freeze));
      default:
        return assertNever(event);
    }
  },
  decide(command: FreezeCommand, state: FreezesState): FreezeEvent[] {
    const { now, actor } = command.metadata;
    switch (command.type) {
      case 'ScheduleEnvironmentFreeze': {
        const issues: ValidationIssue[] = [];
        if (!ENVIRONMENT.test(command.environment)) issues.push({ path: '$.environment', code: 'invalid_characters', message: 'The environment is 1-64 letters, digits, ".", "_" and "-".' });
        const startsAt = command.startsAt === null ? now : instant(command.startsAt, '$.startsAt', issues);
        const endsAt = instant(command.endsAt, '$.endsAt', issues);
        const reason = command.reason.trim();
        if (reason === '' || reason.length > MAX_REASON) issues.push({ path: '$.reason', code: 'invalid_length', message: `Say why the environment is frozen (1-${MAX_REASON} characters): it is shown to whoever the freeze stops.` });
        if (startsAt !== undefined && endsAt !== undefined && endsAt <= startsAt) issues.push({ path: '$.endsAt', code: 'empty_period', message: `endsAt (${endsAt}) must be after startsAt (${startsAt}).` });
        if (endsAt !== undefined && endsAt <= now) issues.push({ path: '$.endsAt', code: 'in_the_past', message: `endsAt (${endsAt}) has passed: a freeze that is over stops nothing.` });
        if (issues.length > 0) throw new ValidationError(issues, 'The freeze is not valid');
        return [{ type: 'EnvironmentFreezeScheduled', data: { freezeId: command.freezeId, environment: command.environment, startsAt: startsAt!, endsAt: endsAt!, reason, scheduledBy: actor, at: now } }];
      }
      case 'LiftEnvironmentFreeze': {
        const freeze = state.find((candidate) => candidate.freezeId === command.freezeId);
        if (!freeze) throw new ValidationError([{ path: '$.freezeId', code: 'unknown_freeze', message: `No freeze ${JSON.stringify(command.freezeId)} in this account (listEnvironmentFreezes lists them).` }], 'No such freeze');
        if (freeze.liftedAt !== null) return [];
        return [{ type: 'EnvironmentFreezeLifted', data: { freezeId: command.freezeId, liftedBy: actor, at: now } }];
      }
      default:
        return assertNever(command);
    }
  },
};

/** The freezes on `environment` at `at`: scheduled over that instant and not lifted by then. */
export function activeFreezes(state: FreezesState, environment: string, at: string): EnvironmentFreeze[] {
  return state.filter((freeze) => freeze.environment === environment && freeze.startsAt <= at && at < freeze.endsAt && (freeze.liftedAt === null || freeze.liftedAt > at));
}

export const ENVIRONMENT_FREEZE_RULE = { category: 'Rule' as const, owner: 'Sluice' as const, provider: 'EnvironmentFreeze', version: '1' };

/**
 * The entry condition every stage that deploys to an environment has without declaring it: its rule passes unless one
 * of those environments is frozen. It comes after the declared ones, so their result still applies when they have one.
 */
export function environmentFreezeCondition(stage: StageDeclaration): Condition | undefined {
  const environments = [...new Set(stage.actions.flatMap((action) => (action.environment !== undefined ? [action.environment] : [])))];
  if (environments.length === 0) return undefined;
  return { result: 'FAIL', rules: [{ name: 'EnvironmentFreeze', ruleTypeId: ENVIRONMENT_FREEZE_RULE, configuration: { Environments: environments.join(',') } }] };
}
