import { capitalise, ensurePeriod } from './text.js';

/**
 * Recognise a user stating a new fact or a correction. Returns the fact as a self-contained
 * sentence, or null. Questions are never learnings.
 */
const PATTERNS: RegExp[] = [
  /^\s*(?:update|correction|fyi|note|heads[- ]up|news)\s*[:\-–—]\s*(.+)$/is,
  /^\s*actually[,:]?\s+(.+)$/is,
  /\b(?:please\s+)?remember\s+(?:that\s+)?(.+)$/is,
  /^\s*from now on[,:]?\s+(.+)$/is,
];

const CHANGE = /\b(?:is|are)\s+now\b|\b(?:has|have|was|were)\s+(?:been\s+)?(?:changed|increased|decreased|raised|lowered|moved|renamed|updated|replaced)\b/i;

export function detectLearning(message: string): string | null {
  const text = message.trim();
  if (!text || text.endsWith('?')) return null;
  for (const p of PATTERNS) {
    const m = p.exec(text);
    if (m) return asFact(m[1]!);
  }
  if (CHANGE.test(text)) return asFact(text);
  return null;
}

function asFact(s: string): string {
  const cleaned = s.trim().replace(/^that\s+/i, '').replace(/\s+/g, ' ');
  return ensurePeriod(capitalise(cleaned));
}
