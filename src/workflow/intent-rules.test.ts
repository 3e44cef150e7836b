import { describe, expect, it } from 'vitest';
import { ruleIntent } from './intent-rules.js';
import type { Intent } from './types.js';

// A varied corpus, written before the rules: several phrasings, cases, punctuation and languages
// per class. `undefined` marks messages the rules must NOT decide (the model gets them).
const corpus: Array<[string, Intent | undefined]> = [
  // questions
  ['What is our refund policy?', 'question'],
  ['how do I reset my password', 'question'],
  ['Where is the Berlin office located?', 'question'],
  ['Who approved the Q3 budget?', 'question'],
  ['when does the trial end', 'question'],
  ['Which plan includes SSO?', 'question'],
  ['Why was my card declined?', 'question'],
  ['Is the API rate limited?', 'question'],
  ['Does the starter plan support webhooks?', 'question'],
  ['Can I pay by invoice?', 'question'],
  ['the SLA for enterprise customers?', 'question'],
  ['  WHAT   is the capital of France?  ', 'question'],
  ['Quelle est la politique de remboursement ?', 'question'],
  ['¿Cuál es el horario de soporte?', 'question'],
  ['Wie viele Nutzer erlaubt der Basic-Plan?', 'question'],
  ['Dove si trova il magazzino?', 'question'],
  ['Onde fica o escritório?', 'question'],
  ['退款政策是什么？', 'question'],
  ['ما هي سياسة الاسترداد؟', 'question'],
  ['Should I upgrade before the migration?', 'question'],
  ['Were there any outages last week?', 'question'],
  ['Has the invoice been paid?', 'question'],
  // tasks
  ['Refund order 1234', 'task'],
  ['please send the invoice to Dana', 'task'],
  ['Create a ticket for the login bug', 'task'],
  ['Schedule a call with ACME tomorrow at 3pm', 'task'],
  ['Cancel my subscription.', 'task'],
  ['Can you book a meeting room for Friday?', 'task'],
  ['Could you please update the shipping address', 'task'],
  ['Kindly issue a credit note for INV-9', 'task'],
  ['Delete the draft report', 'task'],
  ['Generate a summary of yesterday\'s tickets', 'task'],
  ['Reset the API key for tenant acme', 'task'],
  ['Envoie le rapport à Marie', 'task'],
  ['Cancela mi pedido 55', 'task'],
  ['Erstelle ein Ticket für den Fehler', 'task'],
  ['Add Bob to the billing group', 'task'],
  ['Transfer 50 EUR to savings', 'task'],
  ['Update: the rate limit was raised to 500 req/s last month.', undefined],
  ['Correction: the office moved to Porto', undefined],
  // feedback
  ['thumbs up', 'feedback'],
  ['Thumbs down, that was wrong', 'feedback'],
  ['That was helpful, thanks', 'feedback'],
  ['Great answer!', 'feedback'],
  ['wrong answer', 'feedback'],
  ['This is incorrect', 'feedback'],
  ['Your answer was not helpful at all', 'feedback'],
  ['👍', 'feedback'],
  ['👎', 'feedback'],
  ['that didn\'t help', 'feedback'],
  // clarification
  ['I meant the enterprise plan, not the starter one', 'clarification'],
  ['Sorry, I meant March', 'clarification'],
  ['To clarify: the order from last week', 'clarification'],
  ['No, I meant the other account', 'clarification'],
  ['What do you mean by tier?', 'clarification'],
  ['Let me rephrase that', 'clarification'],
  ['Je voulais dire le compte pro', 'clarification'],
  // chitchat
  ['hello', 'chitchat'],
  ['Hi!', 'chitchat'],
  ['hey there', undefined],
  ['Good morning', 'chitchat'],
  ['thanks', 'chitchat'],
  ['Thank you so much!', 'chitchat'],
  ['How are you?', 'chitchat'],
  ['Bonjour', 'chitchat'],
  ['¡Hola!', 'chitchat'],
  ['Danke schön', 'chitchat'],
  ['merci beaucoup', 'chitchat'],
  ['こんにちは', 'chitchat'],
  ['bye', 'chitchat'],
  // ambiguous: no clear signal, left to the model
  ['My name is Priya and I manage the Lisbon team', undefined],
  ['Our fiscal year starts in April', undefined],
  ['the printer on floor 3', undefined],
  ['hmm', undefined],
  ['Der Drucker im dritten Stock', undefined],
];

describe('ruleIntent (routing without a model call)', () => {
  it('the corpus is large and covers every class', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    for (const c of ['question', 'task', 'feedback', 'clarification', 'chitchat', undefined]) expect(corpus.some(([, want]) => want === c)).toBe(true);
  });

  it.each(corpus)('%j → %s', (message, want) => {
    expect(ruleIntent(message)).toBe(want);
  });

  it('an empty or whitespace message is left undecided', () => {
    expect(ruleIntent('   ')).toBeUndefined();
  });
});
