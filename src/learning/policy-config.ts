import type { LoreConfig } from '../config.js';
import type { LearningPolicy } from './policy.js';

/** Auth is off when no key is configured: then every caller is the one local user. */
export function authEnabled(config: Pick<LoreConfig, 'auth'>): boolean {
  return !!(config.auth.jwksUrl || config.auth.hs256Secret);
}

/**
 * The effective learning policy. Without auth the local user is the curator and mode defaults to
 * auto (today's single-user behaviour, so `lore demo` and the 3-step proof run unchanged); with
 * auth, learnings are personal until a curator, corroboration or an explicit `auto` shares them.
 */
export function learningPolicyFrom(config: Pick<LoreConfig, 'auth' | 'learning'>): LearningPolicy {
  const auth = authEnabled(config);
  const l = config.learning;
  return {
    mode: l.mode ?? (auth ? 'review' : 'auto'),
    ...(Object.keys(l.tenantModes).length ? { tenantModes: l.tenantModes } : {}),
    localCurator: !auth,
    sensitivity: { categories: l.sensitiveSubjects, extraPatterns: l.sensitivePatterns },
    corroborationUsers: l.corroborationUsers,
    maxPerUserPerHour: l.maxPerUserPerHour,
    thumbsDownToReview: l.thumbsDownToReview,
  };
}
