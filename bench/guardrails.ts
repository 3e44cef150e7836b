/**
 * Guardrail micro-benchmark: the built-in guardrail alone (normalisation, injection, PII) over a
 * varied text set — chat questions, assistant answers of several lengths, attacks in every
 * disguise, PII statements and their look-alikes, German / Spanish / French / Russian / Chinese —
 * at the stages a turn uses (`input`: everything; `output`: PII and topics only) and `learning`.
 * Prints CPU per screening by text family and a digest of every verdict (action, findings, text),
 * so two versions of the detectors can be compared for identical results as well as for speed.
 *
 *   npx tsx bench/guardrails.ts [--rounds 30]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createBuiltinGuardrail } from '../src/guardrails/builtin.js';
import { BASE_ATTACKS, BENIGN_MESSAGES, disguisedAttacks, PARAPHRASE_ATTACKS, PARAPHRASE_BENIGN, ROUND4_ATTACKS, ROUND4_BENIGN, UNSEEN_ATTACKS, UNSEEN_BENIGN } from '../src/guardrails/corpus/injection.js';
import { PII_BENIGN, PII_CASES } from '../src/guardrails/corpus/pii.js';
import type { GuardStage } from '../src/guardrails/port.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' } } });
const rounds = Math.max(1, Math.min(Number(values.rounds), 1000));

const QUESTIONS = ['What is the rate limit of our internal API?', 'How does authentication work for the internal API?', 'What is 17*23?', 'hello there'];

const MULTILINGUAL = [
  'Wie hoch ist das Freigabelimit für Bestellungen über 5.000 EUR? Bitte mit Quelle.',
  'Können Sie mir die Reisekostenrichtlinie für Dienstreisen nach Österreich zusammenfassen?',
  '¿Cuál es el plazo para presentar los gastos de viaje del mes de marzo?',
  'Necesito el número de pedido 88412 para la devolución, ¿dónde lo encuentro?',
  "Quelle est la procédure pour réinitialiser l'accès au portail fournisseur ?",
  'Pouvez-vous résumer la politique de télétravail en trois points ?',
  'Какой лимит на согласование платежей для отдела закупок?',
  'Пожалуйста, кратко опишите процесс адаптации новых сотрудников.',
  '我们内部 API 的速率限制是多少？请给出文档来源。',
  '请总结一下新员工入职指南的主要内容。',
  'こんにちは、経費精算の締め切りはいつですか？',
  'Προσωρινά δεν μπορώ να συνδεθώ στο σύστημα, τι να κάνω;',
];

/** What bench/turns.ts screens: the offline model's answers and the calculator's tool result. */
const TURN_OUTPUTS = ['The internal API rate limit is 100 req/s. (source: docs/internal-api.md)', '17*23 = 391', "Hello! Ask me anything, or tell me something new and I'll remember it."];
const TOOL_RESULT = '{"expression":"17*23","result":391}';

const ANSWER_SHORT = 'The internal API rate limit is 100 req/s [1].';
const ANSWER_MEDIUM =
  'Authentication for the internal API uses OAuth 2.0 client credentials [1]. Your service asks the token endpoint for an access token with its client id and secret, then sends it as a bearer token on every call. Tokens expire after one hour; refresh them a minute early so calls never fail on expiry. If you see 401 responses, check the clock skew of the host and the scopes granted to the client.';
const ANSWER_LONG = [
  '## Expense policy — summary',
  '',
  'Here is what the policy says, section by section:',
  '',
  '1. **Travel.** Book economy for flights under 6 hours; business class needs approval from a director. Hotels up to 180 EUR per night in capitals, 140 EUR elsewhere (section 2.1, updated 2024-03-01).',
  '2. **Meals.** Per diem of 45 EUR in Germany, 60 USD in the United States; receipts are required above 25 EUR.',
  '3. **Approvals.** Purchase orders above 5,000 EUR need a second signature; the finance team reviews them within 3 business days. Reference: policy FIN-204, version 7.2.',
  '4. **Reimbursement.** Submit claims within 30 days through the expense tool; payments go out on the 15th and the last working day of the month.',
  '',
  '```ts',
  'const limit = await api.get("/v1/limits", { headers: { Authorization: `Bearer ${token}` } });',
  'console.log(limit.requestsPerSecond); // 100',
  '```',
  '',
  'Order 1234-5678-9012 was shipped on 12 March 2024 and the tracking number is 1Z999AA10123456784. For questions, contact the finance help desk through the portal (room 4.12, building B) or open a ticket; case numbers look like CASE-2024-004512.',
  '',
  'Sources: [1] docs/expense-policy.md, [2] docs/internal-api.md.',
].join('\n');
const TOOL_RESULT_LONG = JSON.stringify({
  results: [1, 2, 3, 4, 5].map((i) => ({ source: `docs/policy-${i}.md`, score: 1 / i, text: `Section ${i}.2: purchase orders above ${i * 1000} EUR need a second signature; the finance team reviews them within ${i + 2} business days (updated 2024-0${i}-15).` })),
  total: 5,
  took_ms: 3.2,
});
const ANSWER_HUGE = Array.from({ length: 6 }, () => ANSWER_LONG).join('\n\n');

const families: Array<{ name: string; texts: string[]; stages: GuardStage[] }> = [
  { name: 'bench/turns.ts questions (input)', texts: QUESTIONS, stages: ['input'] },
  { name: 'bench/turns.ts answers (output)', texts: TURN_OUTPUTS, stages: ['output'] },
  { name: 'bench/turns.ts tool result (tool_result)', texts: [TOOL_RESULT], stages: ['tool_result'] },
  { name: 'answers short/medium/long (turn output)', texts: [ANSWER_SHORT, ANSWER_MEDIUM, ANSWER_LONG], stages: ['output'] },
  { name: 'answer 7 KB (output)', texts: [ANSWER_HUGE], stages: ['output'] },
  { name: 'document 7 KB (knowledge)', texts: [ANSWER_HUGE], stages: ['knowledge'] },
  { name: 'tool result JSON 1 KB (tool_result)', texts: [TOOL_RESULT_LONG], stages: ['tool_result'] },
  { name: 'benign messages (input)', texts: [...BENIGN_MESSAGES, ...PARAPHRASE_BENIGN, ...ROUND4_BENIGN, ...UNSEEN_BENIGN], stages: ['input'] },
  { name: 'multilingual (input, output)', texts: MULTILINGUAL, stages: ['input', 'output'] },
  { name: 'attacks plain (input)', texts: [...BASE_ATTACKS, ...PARAPHRASE_ATTACKS, ...ROUND4_ATTACKS, ...UNSEEN_ATTACKS], stages: ['input'] },
  { name: 'attacks disguised (input)', texts: disguisedAttacks().map((d) => d.text), stages: ['input'] },
  { name: 'PII statements (input, learning)', texts: PII_CASES.map((c) => c.text), stages: ['input', 'learning'] },
  { name: 'PII look-alikes (input, output)', texts: PII_BENIGN, stages: ['input', 'output'] },
];

const guard = createBuiltinGuardrail({ deniedTopics: [{ name: 'medical_advice', phrases: ['diagnose', 'prescription dosage'] }] });

const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

// Verdicts first (also the warm-up): their digest must not move when the detectors get faster.
const digest = createHash('sha256');
let screenings = 0;
for (const f of families) {
  for (const stage of f.stages) {
    for (const text of f.texts) {
      const r = await guard.screen({ text, stage, tenantId: 't1' });
      digest.update(JSON.stringify([stage, text, r]));
      screenings++;
    }
  }
}
for (let w = 0; w < 3; w++) for (const f of families) for (const stage of f.stages) for (const text of f.texts) await guard.screen({ text, stage, tenantId: 't1' });

// Three timed passes over all families; each family keeps its fastest (the least disturbed by
// other processes on a shared machine).
const best = new Map<string, number>();
for (let pass = 0; pass < 3; pass++) {
  for (const f of families) {
    let cpu = 0;
    let n = 0;
    // Small families repeat more, so each is timed over at least ~100 screenings per round.
    const reps = rounds * Math.max(1, Math.ceil(100 / (f.stages.length * f.texts.length)));
    for (let r = 0; r < reps; r++) {
      const t0 = cpuNow();
      for (const stage of f.stages) for (const text of f.texts) await guard.screen({ text, stage, tenantId: 't1' });
      cpu += cpuNow() - t0;
      n += f.stages.length * f.texts.length;
    }
    best.set(f.name, Math.min(best.get(f.name) ?? Infinity, cpu / n));
  }
}
const rows = families.map((f) => [f.name, f.stages.length * f.texts.length, best.get(f.name)!] as const);
const totalCpu = rows.reduce((sum, [, n, us]) => sum + n * us, 0);

console.log(`guardrails micro-bench: ${screenings} screenings per round, ${rounds} rounds, fastest of 3 passes`);
console.log('| family | screenings | µs CPU per screening |');
console.log('|---|---|---|');
for (const [name, n, us] of rows) console.log(`| ${name} | ${n} | ${us.toFixed(1)} |`);
console.log(`| **all** (mean per screening over the set) | ${screenings} | ${(totalCpu / screenings).toFixed(1)} |`);
console.log(`verdict digest: ${digest.digest('hex').slice(0, 16)}`);
