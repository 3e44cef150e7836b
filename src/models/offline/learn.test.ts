import { describe, expect, it } from 'vitest';
import { detectLearning, detectLearnings } from './learn.js';
import { decideMemory } from './memory.js';

const decide = (fact: string, existing: string, question?: string) =>
  JSON.parse(decideMemory(`${question ? `Conversation before the new fact:\nUser: ${question}\n` : ''}New fact: ${fact}\nExisting facts (JSON lines):\n${JSON.stringify({ id: 'c1', text: existing })}`)) as { event: string; id?: string; text?: string; conflicts?: string[] };

describe('offline model: recognising facts', () => {
  it('recognises markers with or without a colon, change verbs in any tense, first person and short corrections', () => {
    const said = [
      'FYI the staging database runs PostgreSQL 16 now',
      'For the record, passwords expire after 180 days.',
      'heads up the cafeteria closes at 15:00 now',
      'Note that meal expenses are capped at 55 EUR per day.',
      "No, that's wrong, the VPN gateway is gw.corp.example.",
      'The daily stand-up has been moved to 10:00.',
      'The late payment fee changes to 3.5% next quarter.',
      'Marta left; the new head of finance is Daniel Osei.',
      'We upgraded the search cluster to Elasticsearch 8.15.',
      'The team offsite will move to Porto.',
      "no, that's wrong, it's 250 now",
    ];
    for (const s of said) expect(detectLearning(s), s).not.toBeNull();
    expect(detectLearning('FYI the staging database runs PostgreSQL 16 now')).toBe('The staging database runs PostgreSQL 16 now.');
  });

  it('never takes a question, small talk or a request for a fact', () => {
    for (const s of ['What is the rate limit?', 'Is the canteen open on Saturdays', 'hello', 'Please close account ACC-9', 'Move the meeting to Friday']) {
      expect(detectLearning(s), s).toBeNull();
    }
  });
});

describe('offline model: memory decisions', () => {
  it('decides UPDATE for a changed value of any type, ignoring labels and filler', () => {
    expect(decide('The analytics cluster runs in eu-west-1 now.', 'The analytics cluster runs in us-east-1.')).toMatchObject({ event: 'UPDATE', text: 'The analytics cluster runs in eu-west-1.' });
    expect(decide('The design lead is Tomás Ortega.', 'The design lead is Priya Raman.')).toMatchObject({ event: 'UPDATE', text: 'The design lead is Tomás Ortega.' });
    expect(decide('The metrics dashboard lives at dash.ops.example now.', 'The metrics dashboard lives at grafana.internal.example.')).toMatchObject({ event: 'UPDATE' });
    expect(decide('The Team plan costs $24 per seat per month now.', 'Pricing: The Team plan costs $20 per seat per month.')).toMatchObject({ event: 'UPDATE', text: 'The Team plan costs $24 per seat per month.' });
    expect(decide('Billing questions are now handled by the revenue operations team.', 'Billing questions are handled by the finance desk.')).toMatchObject({ event: 'UPDATE' });
    expect(decide('The company no longer pays for a gym membership.', 'The company pays for a gym membership.')).toMatchObject({ event: 'UPDATE' });
  });

  it('decides NOOP for a restatement and ADD for another subject or another relation', () => {
    expect(decide('Priority 1 incidents get a response within 15 minutes.', 'SLA: Priority 1 incidents get a response within 15 minutes.')).toMatchObject({ event: 'NOOP', id: 'c1' });
    expect(decide('The inventory service rate limit is 80 req/s.', '# Limits\nThe orders service rate limit is 50 req/s.')).toMatchObject({ event: 'ADD' });
    expect(decide('The campus garden has a herb bed near the entrance.', 'The campus garden is open to staff.')).toMatchObject({ event: 'ADD' });
  });

  it('resolves a short correction from the question it answers, keeping the unit', () => {
    expect(decide("It's 250.", 'The internal API rate limit is 100 req/s.', 'What is the rate limit of the internal API?')).toEqual({ event: 'UPDATE', id: 'c1', text: 'The internal API rate limit is 250 req/s.', reason: 'same subject, new value' });
  });

  it('names a related fact it disagrees with but does not clearly replace', () => {
    expect(decide('Database backups finish by 04:00 in Frankfurt.', 'Backups of the billing database start at 02:00.')).toMatchObject({ event: 'ADD', conflicts: ['c1'] });
  });
});

describe('what the speaker says about their own words', () => {
  it('drops a self-correction phrase from the fact', () => {
    expect(detectLearnings('My mistake — the warehouse sale starts on 6 March.', () => false)).toEqual(['The warehouse sale starts on 6 March.']);
    expect(detectLearnings('Scratch that: the town hall is in room 9.', () => false)).toEqual(['The town hall is in room 9.']);
    expect(detectLearnings('Sorry, I got that wrong: the sale starts on 26 November.', () => false)).toEqual(['The sale starts on 26 November.']);
  });

  it('keeps a remark or a need from becoming a fact', () => {
    for (const m of ['My bad, wrong tab.', 'I need to change my password.', 'We need to raise this with finance.', 'Oops, sorry.']) {
      expect(detectLearnings(m, () => false)).toEqual([]);
    }
    // A marker with one value still answers the question just asked.
    expect(detectLearnings('Actually, 250.', () => false)).toEqual(['250.']);
  });
});

describe('a range corrected by a range', () => {
  it('moves both ends, whatever verb the correction uses', async () => {
    const { rangeSwap } = await import('./values.js');
    expect(rangeSwap('Phone support is available 9am to 5pm.', 'Phone support hours changed to 8am to 8pm.')).toBe('Phone support is available 8am to 8pm.');
    expect(rangeSwap('The lab is staffed Monday to Thursday.', 'The lab is staffed Tuesday through Saturday now.')).toBe('The lab is staffed Tuesday through Saturday.');
    expect(rangeSwap('Phone support is available 9am to 5pm.', 'Phone support is available 9am to 5pm.')).toBeNull();
    // One range each, of one kind: a time range is not replaced by a day range or a lone value.
    expect(rangeSwap('Phone support is available 9am to 5pm.', 'Phone support is available Monday to Friday.')).toBeNull();
    expect(rangeSwap('Phone support is available 9am to 5pm.', 'Phone support closes at 6pm.')).toBeNull();
  });
});

describe('one end of a range moves', () => {
  it('replaces the end the fact names, or nothing when it names none', async () => {
    const { rangeEnd } = await import('./values.js');
    const { tokens } = await import('./facts.js');
    const v = (raw: string) => tokens(raw).filter((t) => t.value);
    expect(rangeEnd('Phone support is available 9am to 5pm.', 'Phone support closes at 6pm now.', v('6pm'))).toBe('Phone support is available 9am to 6pm.');
    expect(rangeEnd('Phone support is available 9am to 5pm.', 'Phone support now opens at 8am.', v('8am'))).toBe('Phone support is available 8am to 5pm.');
    expect(rangeEnd('Phone support is available 9am to 5pm.', 'Phone support is at 7pm now.', v('7pm'))).toBe('');
    expect(rangeEnd('Phone support is available on weekdays.', 'Phone support closes at 6pm now.', v('6pm'))).toBeNull();
  });
});

describe('a plain statement of a new fact, with no marker', () => {
  it('is learned when it states a value of a named thing', () => {
    const said = [
      'The greenhouse irrigation runs at 04:00 every morning.',
      'The backup server is in rack B7.',
      'Payroll runs on the 25th of every month.',
      'A day pass for the visitor car park costs 12 EUR.',
      'The CCTV footage is kept for 30 days.',
    ];
    for (const s of said) expect(detectLearnings(s, () => false), s).toEqual([s]);
  });

  it('is not learned for the speaker, a plan, a remark, a restatement or another language', () => {
    const notFacts = [
      "Our team's stack is Python and Postgres.",
      'Our team meets the auditors on Friday.',
      'Best to reach me by phone after 5pm.',
      'The supplier will send a corrected invoice 5521 by Friday.',
      'The printer on floor 3 is jammed again.',
      'The gym lockers are still emptied every Friday.',
      'The ticket for this delivery problem is TCK-9088.',
      'The parcel for desk 7 is the blue one.',
      'The meeting went well.',
      'The demo was great.',
      'The weather is lovely today.',
      'The VPN is slow this morning.',
      'Nosso time usa o Trello.',
      'Ich suche die Rechnung vom März.',
      'De kantine is om 8 uur open.',
    ];
    for (const s of notFacts) expect(detectLearnings(s, () => false), s).toEqual([]);
  });

  it('restating a fact already known is a NOOP for the memory decision', () => {
    expect(decide('The gym lockers are emptied every Friday.', 'The gym lockers are emptied every Friday.').event).toBe('NOOP');
  });
});
