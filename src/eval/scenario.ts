import { z } from 'zod';

/** The scenario file format for `lore eval` (YAML or JSON). */

const expectation = z
  .object({
    status: z.enum(['COMPLETED', 'FAILED', 'AWAITING_APPROVAL']).optional(),
    intent: z.string().optional(),
    /** Tool names that must have been called, in this order (other calls may be interleaved). */
    tools: z.array(z.string()).optional(),
    /** Tool calls that must have succeeded, by name. */
    tools_succeeded: z.array(z.string()).optional(),
    answer_contains: z.array(z.string()).optional(),
    /** A regular expression (case-insensitive) the answer must match. */
    answer_matches: z.string().optional(),
    /** Number of learnings written, or substrings each written learning list must contain. */
    learnings: z.union([z.number().int().min(0), z.array(z.string())]).optional(),
    learning_events: z.array(z.enum(['ADD', 'UPDATE', 'NOOP', 'REJECTED'])).optional(),
    /** Strings that must not appear in the answer. `[LEARNING]` is always forbidden. */
    forbidden: z.array(z.string()).optional(),
    error_code: z.string().optional(),
    pending_approvals: z.number().int().min(0).optional(),
  })
  .strict();

const turnStep = z
  .object({
    session: z.string().min(1),
    user: z.string().min(1).optional(),
    message: z.string().min(1),
    expect: expectation.optional(),
  })
  .strict();

const approvalStep = z
  .object({
    /** Decide the most recent pending approval. */
    approval: z.enum(['approve', 'reject']),
    reason: z.string().optional(),
    expect: expectation.optional(),
  })
  .strict();

/**
 * Forget what is remembered about a user, as `DELETE /me/memory` (`all`) or `DELETE /me/memory/:id`
 * does: any other text names the user's facts to forget by a part of their text. Fails when
 * nothing was there to forget.
 */
const forgetStep = z
  .object({
    forget: z.string().min(1),
    user: z.string().min(1).optional(),
  })
  .strict();

/**
 * A governance corpus, looped: each message taught by its own user, then the probe asked by the
 * teacher and by another user (src/eval/governance.ts). Rates are fractions 0..1 of the items.
 */
const corpusStep = z
  .object({
    corpus: z.array(z.object({ message: z.string().min(1), probe: z.string().min(1), planted: z.string().min(1) }).strict()).min(1),
    expect: z
      .object({
        served_to_other_max: z.number().min(0).max(1).optional(),
        served_to_other_min: z.number().min(0).max(1).optional(),
        served_to_teacher_min: z.number().min(0).max(1).optional(),
        blocked_max: z.number().min(0).max(1).optional(),
        /** "I'll remember that." for a learning that was not shared. Always checked: must be 0. */
      })
      .strict(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** A class tag: `lore eval` prints the pass rate per class. */
    class: z.string().min(1).optional(),
    /**
     * The pass rate this scenario's class must reach, judged on its own instead of the run's
     * --min-pass-rate (a held-out set measured, not tuned on, may sit under 100 %).
     */
    min_pass_rate: z.number().min(0).max(1).optional(),
    /** Config overrides by dotted path, e.g. {"budgets.sessionTokens": 2000}. */
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    documents: z.array(z.object({ source: z.string().min(1), text: z.string().min(1) }).strict()).optional(),
    /** Run as with JWT auth on (users are not curators; learning.mode defaults to review). */
    auth: z.boolean().optional(),
    /** Example tools to register next to the built-ins. */
    tools: z.array(z.enum(['issue_refund'])).optional(),
    steps: z.array(z.union([turnStep, approvalStep, corpusStep, forgetStep])).min(1),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type Expectation = z.infer<typeof expectation>;
export type ScenarioStep = Scenario['steps'][number];

/**
 * A file of many scenarios sharing a class (and optionally its threshold): the class and threshold
 * are copied onto each scenario that does not set its own.
 */
export const scenarioGroupSchema = z
  .object({
    class: z.string().min(1).optional(),
    min_pass_rate: z.number().min(0).max(1).optional(),
    scenarios: z.array(scenarioSchema).min(1),
  })
  .strict();
