import type { Intent } from './types.js';

/**
 * Routing without a model round trip. Each rule fires only on a clear signal; anything else is
 * `undefined` (ambiguous), and the caller may then ask the model. The signals are structural
 * (a question mark in any script, an imperative first word, a short greeting or verdict) with
 * small word lists in a few languages, so a message in another language degrades to "ask the
 * model", never to a wrong route.
 */
const GREETING =
  /^(hi|hello|hey|hiya|yo|howdy|good (morning|afternoon|evening|night)|thanks?( you)?( so much| a lot)?|thx|ty|cheers|bye|goodbye|see you|how are you( doing)?|how's it going|bonjour|salut|merci( beaucoup)?|hola|gracias|buenos d[ií]as|ciao|grazie|hallo|guten (morgen|tag|abend)|danke( sch[öo]n)?|ol[áa]|obrigad[oa]|hej|tack|привет|спасибо|こんにちは|ありがとう|你好|谢谢|안녕하세요)$/u;
const FEEDBACK =
  /^(👍|👎|\+1|-1)$|\b(thumbs (up|down)|(great|good|bad|wrong|perfect|useless|helpful|unhelpful|terrible|excellent) (answer|response|reply|job)|(that|this|it|your answer) (was|is|wasn't|isn't) (wrong|right|correct|incorrect|helpful|unhelpful|useless|not helpful|not right)|not helpful|didn'?t help|did not help)\b/u;
const CLARIFY =
  /^(what do you mean|can you clarify|could you clarify|i meant|i mean|to clarify|sorry,? i meant|no,? i meant|what i meant|let me rephrase|je voulais dire|quise decir|ich meinte)\b/u;
// First word of an imperative request. "please" / "can you" / "could you" / "kindly" may precede.
const TASK_VERBS =
  'issue|create|make|send|book|cancel|refund|delete|remove|schedule|update|set|add|transfer|pay|order|run|deploy|open|close|reset|change|submit|file|generate|write|draft|email|call|notify|invite|assign|archive|restore|upload|download|install|restart|enable|disable|approve|reject|move|rename|crée|créer|envoie|envoyer|annule|réserve|supprime|crea|envía|cancela|reserva|borra|erstelle|sende|storniere|lösche|buche';
// The verb must be followed by its object: "Update: the limit is now 500" is a labelled statement.
const TASK = new RegExp(`^(please\\s+|kindly\\s+|(can|could|would|will) you( please)?\\s+|pls\\s+)?(${TASK_VERBS})\\s+[^\\s:]`, 'u');
const WH =
  /^(who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|can|could|should|would|will|has|have|qui|que|quoi|quand|où|pourquoi|comment|quel|quelle|est-ce|qué|quién|cuándo|dónde|por qué|cómo|cuál|cuánto|wer|was|wann|wo|warum|wie|welche|chi|cosa|quando|dove|perché|come|quem|onde|quanto)\b/u;
const QUESTION_MARK = /[?？¿؟]/u;

export function ruleIntent(message: string): Intent | undefined {
  const m = message.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!m) return undefined;
  const bare = m.replace(/[\s!.,…~🙂😊]+$/u, '').replace(/^[\s¡¿]+/u, '');
  if (bare.length <= 40 && GREETING.test(bare.replace(/[?？]+$/u, '').trimEnd())) return 'chitchat';
  if (m.length <= 200 && FEEDBACK.test(m)) return 'feedback';
  if (CLARIFY.test(bare)) return 'clarification';
  if (TASK.test(bare)) return 'task';
  // A request phrased as a question ("can you send...") was caught above as a task.
  if (QUESTION_MARK.test(m) || WH.test(bare)) return 'question';
  return undefined;
}
