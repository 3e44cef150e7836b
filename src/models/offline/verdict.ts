import { keywords, overlap } from './text.js';

/**
 * Screening tasks: an instruction that lists categories as `- name: description` lines and asks for
 * a JSON `"verdict"` of allow or block. The offline model follows it the way it does its other
 * side tasks — by content-word overlap: a category whose description shares at least two content
 * words with the message is reported. It knows nothing about the product's detectors.
 */
export function isVerdictTask(system: string): boolean {
  return /\bjson\b/i.test(system) && /"verdict"/.test(system) && /\ballow\b/.test(system) && /\bblock\b/.test(system);
}

export function verdict(system: string, user: string): string {
  const message = /<<<([\s\S]*?)>>>/.exec(user)?.[1] ?? user;
  const msg = keywords(message);
  const categories = [...system.matchAll(/^\s*-\s*([a-z][a-z0-9_]*)\s*:\s*(.+)$/gim)].map((m) => ({ name: m[1]!, words: keywords(m[2]!) }));
  const hits = categories.filter((c) => overlap(c.words, msg) >= 2).map((c) => c.name);
  return JSON.stringify({ verdict: hits.length ? 'block' : 'allow', categories: hits, reason: hits.length ? `shares the content of: ${hits.join(', ')}` : 'matches no listed category' });
}
