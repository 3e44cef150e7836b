import { decodeTagCharacters, disguiseSigns } from './disguise.js';
import { detectInjection } from './injection.js';
import { canonicalText } from './normalize.js';
import { applyRedaction, findPii, SECRET_KINDS } from './pii.js';
import { strongest, type Finding, type GuardAction, type GuardStage, type Guardrail, type ScreenRequest, type ScreenResult } from './port.js';
import { detectSensitiveChange } from './sensitive.js';

/** A topic the assistant refuses. Phrases match whole words, case-insensitively, after normalisation. */
export interface DeniedTopic {
  name: string;
  phrases: string[];
  /** The refusal shown to the user; a default naming the topic otherwise. */
  message?: string;
}

export interface BuiltinGuardOptions {
  deniedTopics?: DeniedTopic[];
  /** `block` refuses a user message that carries PII instead of redacting it. */
  piiMode?: 'redact' | 'block';
  /** Tenant setting: may a user keep PII in their own personal memory (learning stage, personalOptOut)? */
  personalOptOut?: boolean;
}

/** What an injection asks for at each stage; undefined = not screened there. */
const ON_INJECTION: Partial<Record<GuardStage, GuardAction>> = { input: 'block', learning: 'block', tool_result: 'block', knowledge: 'hold' };

export function refusalFor(topic: Pick<DeniedTopic, 'name' | 'message'>): string {
  return topic.message ?? `Sorry — I can't help with ${topic.name.replace(/[_-]+/g, ' ')}. That topic is outside what this assistant may discuss.`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createBuiltinGuardrail(opts: BuiltinGuardOptions = {}): Guardrail & { topicOf(findings: Finding[]): DeniedTopic | undefined } {
  const topics = (opts.deniedTopics ?? []).map((t) => ({
    topic: t,
    re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${t.phrases.map((p) => escapeRe(p.normalize('NFKC').toLowerCase()).replace(/\s+/g, '\\s+')).join('|')})(?![\\p{L}\\p{N}])`, 'u'),
  }));

  return {
    name: 'builtin',
    topicOf: (findings) => {
      const f = findings.find((x) => x.category === 'denied_topic');
      return f ? topics.find((t) => t.topic.name === f.kind)?.topic : undefined;
    },
    async screen(req: ScreenRequest): Promise<ScreenResult> {
      const text = canonicalText(req.text);
      const findings: Finding[] = [];
      const lower = text.toLowerCase();

      if (req.stage !== 'tool_result' && req.stage !== 'knowledge') {
        for (const { topic, re } of topics) if (re.test(lower)) findings.push({ kind: topic.name, category: 'denied_topic', action: 'block', source: 'builtin' });
      }
      const onInjection = ON_INJECTION[req.stage];
      if (onInjection) {
        for (const hit of detectInjection(text)) findings.push({ kind: hit.kind, category: 'injection', action: onInjection, source: 'builtin', ...(hit.via !== 'plain' ? { via: hit.via } : {}) });
        // Tag characters are invisible but a model reads them: what they spell is screened too.
        const hidden = decodeTagCharacters(req.text);
        if (hidden) for (const hit of detectInjection(canonicalText(hidden))) findings.push({ kind: hit.kind, category: 'injection', action: onInjection, source: 'builtin', via: 'tag_characters' });
      }
      // A user's statement (input) or a learning that changes approvals, bank details or links, or
      // that was disguised: usable by its author, reviewed before the tenant gets it. At the input
      // stage this holds the turn's learnings whatever words the model then writes them in.
      const statement = req.stage === 'learning' || (req.stage === 'input' && !/[?？؟]\s*$/.test(text));
      if (statement && (req.stage === 'learning' || req.stage === 'input')) {
        if (detectSensitiveChange(lower)) findings.push({ kind: 'sensitive_change', category: 'sensitive_change', action: 'hold', source: 'builtin' });
        for (const sign of disguiseSigns(req.text)) findings.push({ kind: sign, category: 'disguise', action: 'hold', source: 'builtin' });
      }

      const pii = findPii(text);
      // Personal memory the user opted out of redacting, where the tenant allows it: kept, not shared.
      const keepPii = req.stage === 'learning' && req.personalOptOut === true && opts.personalOptOut === true;
      for (const s of pii) {
        const secret = SECRET_KINDS.has(s.kind);
        const action: GuardAction = secret ? 'redact' : keepPii ? 'hold' : req.stage === 'input' && opts.piiMode === 'block' ? 'block' : 'redact';
        findings.push({ kind: s.kind, category: secret ? 'secret' : 'pii', action, source: 'builtin', start: s.start, end: s.end });
      }
      const toRedact = pii.filter((s) => SECRET_KINDS.has(s.kind) || !keepPii);
      const action = strongest(findings.map((f) => f.action));
      const denied = topics.find((t) => findings.some((f) => f.category === 'denied_topic' && f.kind === t.topic.name));
      return { action, text: toRedact.length ? applyRedaction(text, toRedact) : text, findings, ...(denied ? { message: refusalFor(denied.topic) } : {}) };
    },
  };
}
