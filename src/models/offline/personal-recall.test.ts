import { describe, expect, it } from 'vitest';
import type { ContextFact } from './context.js';
import { classifyAbout } from './long-term.js';
import { detectPersonalFact } from './personal.js';
import { decidePersonal } from './personal-decision.js';
import { recallAboutUser } from './recall.js';
import { renderUserMemory } from '../../memory/memory-context.js';

/** The source label the user's memory block really carries (memory-context.ts renders it). */
const MEMORY_SOURCE = /\[Source: ([^|]+?) \|/.exec(renderUserMemory({ facts: [{ id: 'f', tenantId: 't', userId: 'u', text: 'x', createdAt: 0, updatedAt: 0, expiresAt: 1 }], past: [] }))![1]!;
const PAST_SOURCE = /\[Source: ([^|]+?) \|/.exec(renderUserMemory({ facts: [], past: [{ tenantId: 't', sessionId: 's', userId: 'u', text: 'x', coveredThrough: 0, coveredTurns: 1, createdAt: 0, updatedAt: 0, expiresAt: 1 }] }))![1]!;

const mine = (sentence: string, rank = 0): ContextFact => ({ sentence, source: MEMORY_SOURCE, rank, learned: false, superseded: false });
const past = (sentence: string, rank = 1): ContextFact => ({ sentence, source: PAST_SOURCE, rank, learned: false, superseded: false });
const answer = (q: string, facts: ContextFact[], picked: ContextFact | null = null) => {
  const r = recallAboutUser(q, facts, picked);
  return r === null ? null : 'text' in r ? r.text : r.sentence;
};

describe('statements about the speaker, in six languages and several shapes', () => {
  it.each([
    'I go by they/them.',
    "I'm in Berlin most of the year.",
    "I'm on Pacific time.",
    'Call me Sam, not Samuel.',
    'Please address me as Dr. Okafor.',
    'Reach me on Teams, not email.',
    'Please keep your replies short and in bullet points.',
    'My team uses Jira for tickets.',
    'We upgraded to the Pro plan yesterday.',
    "I can't eat gluten.",
    "I've relocated to Valencia.",
    'Ich heiße Jonas.',
    'Je travaille chez Renault.',
    'Vivo en Madrid.',
    'Meu fuso horário é BRT.',
    'Lavoro come infermiera.',
    'Mijn team zit in Utrecht.',
    "J'ai déménagé à Lille.",
    'Mi sono trasferita a Torino.',
    "I've joined Globex since then.",
    "I'm in the Asia/Tokyo time zone.",
    'I switched to a Mac last week.',
  ])('keeps %j, about the user', (message) => {
    expect(detectPersonalFact(message)).not.toBeNull();
    expect(JSON.parse(classifyAbout(`statement: ${message}`)).about).toBe('user');
  });

  it.each(["I'm in a meeting.", 'Call me back later.', 'Ich bin müde.', 'Estoy en una reunión.', 'Soy nuevo aquí.', 'Je pense que mon équipe est à Lyon.', 'Ik ben in een vergadering.', 'Je suis en réunion.', 'I joined the call late.'])('leaves the passing state or guess %j alone', (message) => {
    expect(detectPersonalFact(message)).toBeNull();
  });

  it('keeps a decision made in the conversation with the user, not the tenant', () => {
    expect(JSON.parse(classifyAbout('statement: We decided to pay the Acme invoice in three instalments.')).about).toBe('user');
    expect(JSON.parse(classifyAbout('statement: The refund window is 30 days.')).about).toBe('world');
  });
});

describe('questions about the asker, answered by meaning', () => {
  it('answers by the kind asked, though no word is shared', () => {
    const facts = [mine('I go by they/them.'), mine('My manager is Fatima Khan.'), mine("I'm on Pacific time."), mine('The best way to contact me is WhatsApp.')];
    expect(answer('Which pronouns should you use for me?', facts)).toBe('I go by they/them.');
    expect(answer('Who do I report to?', facts)).toBe('My manager is Fatima Khan.');
    expect(answer("What's my time zone?", facts)).toBe("I'm on Pacific time.");
    expect(answer('How should you reach me?', facts)).toBe('The best way to contact me is WhatsApp.');
    expect(answer('Which pronouns should you use for me?', [])).toBeNull();
    expect(answer('What programming language do I work in?', [mine("I'm a Python developer."), mine('I live in Oslo.')])).toBe("I'm a Python developer.");
    expect(answer('Comment dois-tu me contacter ?', [mine('Je préfère être contacté par e-mail.')])).toBe('Je préfère être contacté par e-mail.');
  });

  it("prefers the user's corrected memory over an old session's summary", () => {
    expect(answer('Where do I live?', [mine('I moved to Lisbon last month.'), past('I live in Berlin.')], past('I live in Berlin.'))).toBe('I moved to Lisbon last month.');
  });

  it('leaves a question carrying more than the kind to the general answer', () => {
    const doc: ContextFact = { sentence: 'Refunds on the Gold plan take 5 days.', source: 'docs/refunds.md', rank: 0, learned: false, superseded: false };
    expect(answer('What is the refund policy for my plan?', [mine("I'm on the Gold plan."), doc], doc)).toBeNull();
  });

  it('lists what it knows about the user, in the second person', () => {
    expect(answer('What do you know about me?', [mine("I'm based in Pune."), mine('My team is finance.')])).toBe("Here is what you've told me about yourself: You're based in Pune. Your team is finance. (source: what the user told you about themself)");
  });

  it("finds last week's decision in the session that was about the topic", () => {
    const facts = [past('Quick question about the office move.', 1), past('We agreed the movers come on March 3.', 1), past('We decided to pay by card.', 2)];
    expect(answer('What did we agree on regarding the office move?', facts)).toMatch(/^You agreed the movers come on March 3\./);
  });
});

describe('past sessions', () => {
  it('tells back the past session most about the topic, and finds a decision asked as "did we decide"', () => {
    const facts = [past('Invoice 5521 questions.', 1), past('The supplier will send a corrected invoice 5521 by Friday.', 1), past('The courier for parcel 3 is DHL.', 2)];
    expect(answer('What happened with invoice 5521 last week?', facts)).toBe("Invoice 5521 questions. The supplier will send a corrected invoice 5521 by Friday. (source: summary of the user's session of 1970-01-01)");
    const trip = [past("Let's discuss the conference trip.", 1), past('We decided I fly to Berlin on Monday morning.', 1)];
    expect(answer('Did we decide anything about the conference trip?', trip)).toMatch(/^You decided you fly to Berlin on Monday morning\./);
    expect(answer('What happened with my refund last week?', facts)).toBeNull();
  });
});

describe('the memory decision for a fact about the speaker', () => {
  const decide = (fact: string, existing: string[]) =>
    JSON.parse(decidePersonal(`New fact: ${fact}\nExisting facts (JSON lines):\n${existing.map((text, i) => JSON.stringify({ id: `c${i + 1}`, text })).join('\n')}`) ?? 'null') as { event: string; id?: string } | null;

  it('replaces the same one-at-a-time attribute of the same person', () => {
    expect(decide('I moved to Lisbon last month.', ['I prefer email.', 'I live in Berlin.'])).toMatchObject({ event: 'UPDATE', id: 'c2' });
    expect(decide('We upgraded to the Pro plan.', ["I'm on the Basic plan."])).toMatchObject({ event: 'UPDATE', id: 'c1' });
    expect(decide('My new manager is Ines Duarte.', ['My manager is Tom Becker.'])).toMatchObject({ event: 'UPDATE', id: 'c1' });
    expect(decide('I report to Omar Haddad now.', ['My manager is Priya Nair.'])).toMatchObject({ event: 'UPDATE', id: 'c1' });
    expect(decide("J'ai déménagé à Lille.", ['Je vis à Lyon.'])).toMatchObject({ event: 'UPDATE', id: 'c1' });
    expect(decide("I'm the office manager.", ['My manager is Tom Becker.'])).toBeNull();
    // A switch replaces even a many-valued kind.
    expect(decide('I switched to a Mac last week.', ['I use Windows.'])).toMatchObject({ event: 'UPDATE', id: 'c1' });
  });

  it('leaves different holders, many-valued kinds and world facts to the general decision', () => {
    expect(decide('My team is in Lisbon.', ['I live in Berlin.'])).toBeNull();
    expect(decide("I'm allergic to peanuts.", ["I'm vegetarian."])).toBeNull();
    expect(decide('The VPN gateway is gw2.', ['The VPN gateway is gw1.'])).toBeNull();
  });
});
