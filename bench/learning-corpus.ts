/**
 * Synthetic knowledge base for bench/learning.ts: seeded, so every run searches the same text.
 * Prose is generated from a grammar over Zipf-distributed vocabularies (a few hundred common
 * English nouns, verbs and adjectives at the head, thousands of invented words standing in for
 * the long tail of a real vocabulary and for product and team names), so term frequencies look
 * like a real corpus: the commonest content words in a fifth of the chunks, most words in few,
 * and a typical question's terms in 10–40 % of the chunks. It reads like jargon; BM25 only sees
 * the statistics. Documents
 * carry numeric facts ("The retention period of the Varnok ledger is 30 days.") that learnings
 * later update, and questions are asked the way users ask them.
 */

import { rng, type Rng } from '../test/support/rng.js';

export { rng, type Rng };

const NOUNS = `account action agent alert analysis api application approval archive audit backup balance batch
  billing boundary branch budget buffer bug build bundle cache calendar campaign capacity catalog certificate
  change channel charge checkout client cluster code column command comment commit company component config
  connection consumer contract controller cost credential customer dashboard data database deadline default
  delivery dependency deployment design device directory discount disk document domain draft driver endpoint
  engine environment error event exception export feature feedback field file filter firewall flag folder form
  format function gateway goal group guide handler header host incident index input instance integration
  interface inventory invoice issue item job key label language latency layer lead ledger library license
  limit link list load lock log machine manager mapping market member memory message method metric migration
  model module monitor network node note notification object offer office order owner package page partner
  password patch payment payload peer permission pipeline plan platform policy pool port portal price priority
  process product profile program project prompt protocol provider proxy query queue quota rate record
  region registry release replica report repository request resource response result retry review revision
  role rollback route rule runtime schedule schema scope script secret section segment server service session
  setting shard signal snapshot source space specification stack stage state status step storage store stream
  subscription supplier support switch system table target task team template tenant test thread ticket token
  tool topic trace traffic transaction transfer trigger type update upgrade upload usage user value vendor
  version view volume warehouse webhook window worker workflow workload zone`.split(/\s+/);

const VERBS = `accept access add adjust allow apply approve archive assign block build cache call cancel capture
  check clean collect commit compare compute configure connect contain control convert copy create define
  delete deliver deploy detect disable drop enable encrypt enforce ensure expire export fetch filter finish
  flag forward generate grant handle hold import include index inspect install limit list load lock log
  manage map measure merge migrate monitor move notify open own parse pause process publish pull push query
  read receive record reduce refresh reject release remove rename render replace report request require reset
  resolve restore retry return review rotate route run save scale scan schedule send serve share sign skip
  sort split start stop store stream submit support sync track transfer trigger update upload validate verify
  watch write`.split(/\s+/);

const ADJECTIVES = `active annual automatic available backup basic central critical current custom daily dedicated
  default detailed direct dynamic encrypted enterprise external failed final fixed full global hourly idle
  incoming initial internal invalid large latest legacy local main manual maximum minimum mobile monthly
  nightly offline online open optional outgoing partial pending primary private public quarterly read-only
  recent regional remote required secondary secure shared short slow small stale standard static strict
  temporary trusted unknown upstream urgent valid weekly`.split(/\s+/);

const GLUE = ['in', 'for', 'with', 'from', 'to', 'on', 'after', 'before', 'during', 'through', 'by', 'across', 'under', 'within'];

/** Attributes a fact can state, each with the units its value comes in. */
const ATTRIBUTES: Array<[string, string[]]> = [
  ['rate limit', ['req/s', 'requests per minute']], ['retention period', ['days', 'weeks', 'months']],
  ['timeout', ['seconds', 'milliseconds', 'minutes']], ['storage quota', ['GB', 'TB']], ['maximum batch size', ['records', 'items']],
  ['replica count', ['replicas', 'nodes']], ['monthly budget', ['USD', 'EUR']], ['approval threshold', ['USD', 'EUR']],
  ['release cadence', ['days', 'weeks']], ['on-call rotation', ['days', 'weeks']], ['connection pool size', ['connections']],
  ['refund window', ['days']], ['support response time', ['hours', 'minutes']], ['backup interval', ['hours', 'minutes']],
  ['password rotation period', ['days']], ['maximum upload size', ['MB', 'GB']], ['cache TTL', ['seconds', 'minutes']],
];
const SYSTEMS = ['service', 'API', 'ledger', 'pipeline', 'cluster', 'gateway', 'portal', 'warehouse', 'queue', 'platform', 'team', 'project'];

export interface Fact {
  subject: string; // e.g. "Varnok ledger"
  attribute: string;
  value: number;
  unit: string;
}

export function factSentence(f: Fact): string {
  return `The ${f.attribute} of the ${f.subject} is ${f.value} ${f.unit}.`;
}

export function factQuestion(f: Pick<Fact, 'attribute' | 'subject'>, r: Rng): string {
  const forms = [
    `What is the ${f.attribute} of the ${f.subject}?`,
    `What's the current ${f.attribute} for the ${f.subject}?`,
    `Can you tell me the ${f.attribute} of our ${f.subject}?`,
    `How long or how much is the ${f.attribute} on the ${f.subject}?`,
  ];
  return forms[Math.floor(r() * forms.length)]!;
}

export class Corpus {
  private readonly r: Rng;
  private readonly names: string[];
  private readonly samplers: Record<'noun' | 'adj' | 'verb' | 'name', (r: Rng) => string>;
  private nameCursor = 0;

  constructor(seed: number) {
    this.r = rng(seed);
    const made = new Set<string>([...NOUNS, ...VERBS, ...ADJECTIVES]);
    const onsets = ['b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'cr', 'dr', 'gr', 'pl', 'st', 'tr', 'th', 'sh', 'ch', 'qu', 'h', 'j', 'w', 'y'];
    const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou', 'y'];
    const codas = ['', '', 'n', 'r', 's', 'l', 'x', 'm', 'nd', 'rk', 'st', 'th'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(this.r() * xs.length)]!;
    const invent = (n: number, minSyl: number, suffix = ''): string[] => {
      const out: string[] = [];
      while (out.length < n) {
        const syllables = minSyl + Math.floor(this.r() * 2);
        let w = '';
        for (let i = 0; i < syllables; i++) w += pick(onsets) + pick(vowels) + (i === syllables - 1 ? pick(codas) : '');
        w += suffix;
        if (made.has(w)) continue;
        made.add(w);
        out.push(w);
      }
      return out;
    };
    // Real words rank first, invented ones (jargon, product terms) fill the long tail.
    this.samplers = {
      noun: zipfSampler([...shuffle(NOUNS, this.r), ...invent(12_000, 2)]),
      adj: zipfSampler([...shuffle(ADJECTIVES, this.r), ...invent(3_000, 2, 'al')]),
      verb: zipfSampler([...shuffle(VERBS, this.r), ...invent(2_000, 2, 'ate')]),
      name: zipfSampler(shuffle(invent(60_000, 2), this.r).map((w) => w[0]!.toUpperCase() + w.slice(1))),
    };
    this.names = shuffle(invent(40_000, 3).map((w) => w[0]!.toUpperCase() + w.slice(1)), this.r);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  private zipf(kind: 'noun' | 'adj' | 'verb' | 'name'): string {
    // Some nouns are proper names ("the Varnok"), at the names' own long-tailed frequencies.
    if (kind === 'noun' && this.r() < 0.1) return this.samplers.name(this.r);
    return this.samplers[kind](this.r);
  }

  private np(): string {
    const adj = this.r() < 0.4 ? `${this.zipf('adj')} ` : '';
    const name = this.r() < 0.15 ? `${this.zipf('name')} ` : '';
    return `the ${adj}${name}${this.zipf('noun')}`;
  }

  sentence(): string {
    const verb = thirdPerson(this.zipf('verb'));
    const modal = this.pick(['must', 'should', 'has to', 'needs to', 'may', 'is expected to']);
    const people = this.pick(['team', 'group', 'owners', 'admins', 'operators', 'on-call engineers', 'maintainers']);
    const link = this.pick(['so that', 'because', 'while', 'unless', 'whereas', 'until']);
    const n = 1 + Math.floor(this.r() * 500);
    const forms = [
      () => `${cap(this.np())} ${verb} ${this.np()} ${this.pick(GLUE)} ${this.np()}.`,
      () => `When ${this.np()} ${thirdPerson(this.zipf('verb'))} ${this.np()}, ${this.np()} ${verb} ${this.np()}.`,
      () => `Each ${this.zipf('noun')} ${this.pick(GLUE)} ${this.np()} ${modal} ${this.zipf('verb')} ${this.np()} before ${this.np()} is ${this.zipf('adj')}.`,
      () => `${cap(this.np())} ${verb} ${n} ${plural(this.zipf('noun'))} ${this.pick(['per', 'every', 'a'])} ${this.pick(['hour', 'day', 'week', 'request', 'user', 'minute', 'batch'])}.`,
      () => `If ${this.np()} is ${this.zipf('adj')}, the ${this.zipf('noun')} ${people} ${this.zipf('verb')} ${this.np()} and ${this.zipf('verb')} ${this.np()}.`,
      () => `${cap(this.np())} ${verb} ${this.np()} ${link} ${this.np()} can ${this.zipf('verb')} ${this.np()} ${this.pick(GLUE)} ${this.np()}.`,
      () => `To ${this.zipf('verb')} ${this.np()}, ${this.zipf('verb')} ${this.np()} ${this.pick(GLUE)} ${this.np()} ${this.pick(['first', 'beforehand', 'manually', 'again', 'explicitly', 'in advance'])}.`,
      () => `${cap(this.np())} is ${this.zipf('verb')}d by ${this.np()} ${this.pick(GLUE)} ${this.np()}.`,
      () => `${this.pick(['Note that', 'In practice,', 'By default,', 'Usually,', 'In most setups,', 'Since the last release,'])} ${this.np()} ${verb} ${this.np()} only ${this.pick(GLUE)} ${this.np()}.`,
      () => `${cap(this.np())}, ${this.np()} and ${this.np()} ${this.zipf('verb')} ${this.np()}.`,
    ];
    return this.pick(forms)();
  }

  /** A subject no earlier fact used, e.g. "Varnok ledger". */
  freshSubject(): string {
    const name = this.names[this.nameCursor++ % this.names.length]!;
    return `${name} ${this.pick(SYSTEMS)}`;
  }

  fact(subject = this.freshSubject()): Fact {
    const [attribute, units] = this.pick(ATTRIBUTES);
    return { subject, attribute, value: 1 + Math.floor(this.r() * 999), unit: this.pick(units) };
  }

  /** A new value for an existing fact. */
  changed(f: Fact): Fact {
    let value = f.value;
    while (value === f.value) value = 1 + Math.floor(this.r() * 999);
    return { ...f, value };
  }

  /**
   * A Markdown document of log-normal length (median ~450 words, 60–4000), paragraphs of 3–8
   * sentences, holding 0–3 facts.
   */
  document(): { text: string; facts: Fact[] } {
    const words = Math.min(4000, Math.max(60, Math.round(Math.exp(Math.log(450) + 0.8 * gaussian(this.r)))));
    const facts: Fact[] = [];
    const nFacts = Math.floor(this.r() * 4);
    const parts: string[] = [`# ${cap(this.zipf('adj'))} ${this.zipf('name')} ${this.zipf('noun')}`];
    let count = 0;
    let para: string[] = [];
    let paraLen = 3 + Math.floor(this.r() * 6);
    while (count < words) {
      let s: string;
      if (facts.length < nFacts && this.r() < 0.08) {
        const f = this.fact();
        facts.push(f);
        s = factSentence(f);
      } else s = this.sentence();
      para.push(s);
      count += s.split(' ').length;
      if (para.length >= paraLen) {
        parts.push(para.join(' '));
        para = [];
        paraLen = 3 + Math.floor(this.r() * 6);
      }
    }
    if (para.length) parts.push(para.join(' '));
    return { text: parts.join('\n\n'), facts };
  }

  /** A question a user might type, not tied to a stored fact. */
  question(): string {
    const forms = [
      () => `How does ${this.np()} ${this.zipf('verb')} ${this.np()}?`,
      () => `Which ${this.zipf('noun')} should I use to ${this.zipf('verb')} ${this.np()}?`,
      () => `Why does ${this.np()} ${this.zipf('verb')} ${this.np()} ${this.pick(GLUE)} ${this.np()}?`,
      () => `What happens when ${this.np()} is ${this.zipf('adj')}?`,
      () => `Who owns ${this.np()} for the ${this.zipf('name')} ${this.zipf('noun')}?`,
      () => `Can I ${this.zipf('verb')} ${this.np()} without ${this.zipf('adj')} ${this.zipf('noun')} access?`,
    ];
    return this.pick(forms)();
  }

  /** The generator itself, for callers that draw their own choices from the same stream. */
  readonly random: Rng = () => this.r();
}

function shuffle<T>(xs: readonly T[], r: Rng): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Zipf–Mandelbrot, p(rank) ∝ 1 / (rank + 30): content words of real text follow Zipf from well
 * below the function words' ranks, so even the most common one is in a minority of chunks.
 */
function zipfSampler(words: readonly string[]): (r: Rng) => string {
  const cumulative = new Float64Array(words.length);
  let sum = 0;
  for (let i = 0; i < words.length; i++) cumulative[i] = sum += 1 / (i + 1 + 30);
  return (r) => {
    const x = r() * sum;
    let lo = 0;
    let hi = words.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
}

function thirdPerson(v: string): string {
  if (/(s|sh|ch|x|z)$/.test(v)) return `${v}es`;
  if (/[^aeiou]y$/.test(v)) return `${v.slice(0, -1)}ies`;
  return `${v}s`;
}

function plural(n: string): string {
  if (/(s|sh|ch|x|z)$/.test(n)) return `${n}es`;
  if (/[^aeiou]y$/.test(n)) return `${n.slice(0, -1)}ies`;
  return `${n}s`;
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

function gaussian(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
