/** Small text utilities for the offline model: keywords, light stemming, sentences, numbers. */
import { ML_STOP } from './lexicon-multilingual.js';

const STOP = new Set(
  ('a an the is are was were be been being am do does did of in on at to for from by with about as into ' +
    'and or but if then than so that this these those it its it\'s our your my their his her we you i me us ' +
    'what which who whom whose when where why how can could should would will shall may might must ' +
    'please tell know there here have has had not no yes any some all just also very now currently ' +
    'update actually remember note fyi correction').split(/\s+/).concat(ML_STOP),
);

/** Irregular verb forms that name a state ("frozen", "held", "sent"): their base form, so they meet the noun or verb. */
const IRREGULAR: Record<string, string> = {
  frozen: 'freeze', froze: 'freeze', held: 'hold', written: 'write', wrote: 'write', sent: 'send', paid: 'pay', kept: 'keep',
  ran: 'run', began: 'begin', begun: 'begin', chosen: 'choose', chose: 'choose', built: 'build', sold: 'sell', bought: 'buy',
  told: 'tell', taught: 'teach', met: 'meet', shown: 'show', given: 'give', gave: 'give', driven: 'drive', spent: 'spend',
  lent: 'lend', led: 'lead', won: 'win', hidden: 'hide', broken: 'break', spoken: 'speak', stolen: 'steal', forbidden: 'forbid',
};

/**
 * Common workplace abbreviations and the word they stand for, so "prod database" meets "production
 * database" and "new mgr" meets "store manager". Only unambiguous ones: "min" is taken as minimum on
 * both sides, so it still never meets "minutes" (as before).
 */
const ABBREVIATIONS: Record<string, string> = {
  mgr: 'manager', mgrs: 'managers', mgmt: 'management', dept: 'department', depts: 'departments', env: 'environment', envs: 'environments',
  prod: 'production', dev: 'development', max: 'maximum', min: 'minimum', qty: 'quantity', info: 'information', config: 'configuration',
  repo: 'repository', repos: 'repositories', acct: 'account', accts: 'accounts', admin: 'administrator', admins: 'administrators',
  hrs: 'hours', mins: 'minutes', secs: 'seconds', yr: 'year', yrs: 'years', wk: 'week', wks: 'weeks', qtr: 'quarter', amt: 'amount',
  svc: 'service', svcs: 'services', db: 'database', dbs: 'databases', app: 'application', apps: 'applications', bldg: 'building',
  msg: 'message', msgs: 'messages', pwd: 'password', addr: 'address', intl: 'international', eng: 'engineering', ops: 'operations',
  infra: 'infrastructure', avg: 'average', govt: 'government', asst: 'assistant', cust: 'customer', custs: 'customers', ppl: 'people',
};

/** Crude suffix stripping so "limits" matches "limit" and "increased" matches "increase". */
export function stem(word: string): string {
  let w = word.toLowerCase();
  w = ABBREVIATIONS[w] ?? w;
  const irregular = IRREGULAR[w];
  if (irregular) return irregular;
  if (w.length > 4 && w.endsWith('ies')) w = w.slice(0, -3) + 'y';
  else if (w.length > 4 && w.endsWith('es') && /(ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  // Noun and verb of one root meet: "retention"/"retained" → "retain", "rotation"/"rotated"/"rotate" → "rotat".
  else if (w.length > 7 && w.endsWith('ention')) w = `${w.slice(0, -6)}ain`;
  else if (w.length > 6 && w.endsWith('ation')) w = w.slice(0, -3);
  else if (w.length > 5 && /[^aeiou]ate$/.test(w)) w = w.slice(0, -1);
  // The agent noun meets its verb: "visitor"/"visiting" → "visit", "director"/"directs" → "direct",
  // "operator"/"operated" → "operat".
  else if (w.length > 5 && /(?:it|at|ct)or$/.test(w)) w = w.slice(0, -2);
  // "reimbursement"/"reimbursed", "requirement"/"required": the noun in -ment meets its verb.
  else if (w.length > 8 && w.endsWith('ment')) w = w.slice(0, -4);
  // A silent final e goes, as it does before -ed/-ing: "close"/"closed", "lease"/"leased".
  if (w.length > 4 && /[^aeiou]e$/.test(w)) w = w.slice(0, -1);
  return w;
}

export function words(text: string): string[] {
  // Letters of any script: "plafonnés", "Passwörter", "mercoledì" are one word each.
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}/._%$-]*[\p{L}\p{N}%]|[\p{L}\p{N}]/gu) ?? [];
}

/** Content words, stemmed, without stop words. */
export function keywords(text: string): Set<string> {
  // "IT", "US", "HR" in capitals are acronyms, not the pronoun or preposition — unless the whole text shouts.
  const letters = text.replace(/[^\p{L}]/gu, '');
  const shouting = letters.length > 0 && letters.replace(/[^\p{Lu}]/gu, '').length > letters.length / 2;
  const acronyms = shouting ? new Set<string>() : new Set((text.match(/\b[A-Z]{2,}\b/g) ?? []).map((w) => w.toLowerCase()));
  return new Set(words(text).filter((w) => !STOP.has(w) || acronyms.has(w)).map(stem));
}

export function numbers(text: string): string[] {
  return (text.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) => n.replace(/,/g, ''));
}

export function isNumeric(k: string): boolean {
  return /^\$?\d/.test(k);
}

export function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

/**
 * Split prose into sentences; markdown headings and list items count as their own lines. A title's
 * dot ("Dr. Ana Ruiz", "Prof. Novak") ends no sentence.
 */
export function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.replace(/^\s*(#+|[-*]|\d+\.)\s+/, '').split(/(?<=[.!?])(?<!\b(?:Dr|Prof|Mr|Mrs|Ms|Mx|St|Sr|Jr|Rev|Capt|Col|Gen|Lt|Sgt)\.)\s+(?=[\p{Lu}0-9"'(¿¡])/u))
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && /[\p{L}\p{N}]/u.test(s));
}

export function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

export function ensurePeriod(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
