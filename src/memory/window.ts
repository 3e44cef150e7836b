import { estimateTokens } from '../util/tokens.js';
import type { Turn } from './session-store.js';

/**
 * The session window: the newest turns within both the turn count and the token budget. The
 * context builder and the summariser both use this one function, so "what fell out of the window"
 * means the same to both. Turns written in the same millisecond (a user turn and its answer) stay
 * on the same side, so the summary's coverage mark — a createdAt — never splits an exchange.
 */
export interface WindowLimits {
  maxTurns: number;
  /** 0 = no token bound. */
  maxTokens: number;
}

export const turnText = (t: Pick<Turn, 'content'>): string => t.content.flatMap((b) => ('text' in b ? [b.text] : [])).join('');

/** Split turns (oldest first) into those outside the window and the window itself. */
export function splitWindow<T extends Pick<Turn, 'content' | 'createdAt'>>(turns: T[], limits: WindowLimits): { outside: T[]; window: T[] } {
  let start = Math.max(0, turns.length - Math.max(0, limits.maxTurns));
  if (limits.maxTokens > 0) {
    let total = turns.slice(start).reduce((n, t) => n + estimateTokens(turnText(t)), 0);
    while (start < turns.length && total > limits.maxTokens) total -= estimateTokens(turnText(turns[start++]!));
  }
  while (start > 0 && start < turns.length && turns[start]!.createdAt === turns[start - 1]!.createdAt) start++;
  return { outside: turns.slice(0, start), window: turns.slice(start) };
}
