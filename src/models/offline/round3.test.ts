import { describe, expect, it } from 'vitest';
import { detectLearning, detectLearnings } from './learn.js';
import { contradicts, decideMemory } from './memory.js';

const decide = (fact: string, existing: string, question?: string) =>
  JSON.parse(decideMemory(`${question ? `Conversation before the new fact:\nUser: ${question}\n` : ''}New fact: ${fact}\nExisting facts (JSON lines):\n${JSON.stringify({ id: 'c1', text: existing })}`)) as { event: string; id?: string; text?: string };

describe('offline model, round 3: what is not a fact', () => {
  it('never learns a hedge, hearsay, a hypothetical, a proposal or a question without its mark', () => {
    for (const s of [
      'I think maybe parental leave is 20 weeks now, not sure.',
      "I don't think the coursework deadline changed, but I'm not sure.",
      "Vans are probably serviced every 15,000 km now, I'd have to check.",
      'I heard staff parking might cost 80 USD a month next year, not confirmed yet.',
      'If the partner API limit were raised to 50 requests per second, the batch job would finish in time.',
      'Suppose the corporate card limit went up to 8,000 USD per month; the team could book the conference.',
      'We should move the platform team stand-up to 10:30.',
      'The campus library might close at midnight during exams next year.',
      'The canteen may close earlier from March.',
      'was the support phone line changed to close at 22:00',
      'does anyone know whether the pharmacy help line number changed',
      'Someone told me the support on-call rotation is weekly now.',
      'Not 100% sure, but the support on-call rotation is weekly now.',
    ]) {
      expect(detectLearning(s, () => true), s).toBeNull();
    }
  });

  it('keeps "May" the month apart from "may" the modal, and "if" inside a rule', () => {
    expect(detectLearning('The audit moved to May.')).toBe('The audit moved to May.');
    expect(detectLearning('Actually, meeting rooms are released if nobody checks in within 10 minutes.')).not.toBeNull();
  });
});

describe('offline model, round 3: plain statements and message shapes', () => {
  const daily = ['The support on-call rotation is daily.', 'Pages go to the primary first.'];

  it('takes a plain statement as a correction only when it gives another value for a fact in view', () => {
    // With nothing in view it is a plain new fact (learn.ts plainNewFact); a remark without a value is not.
    expect(detectLearning('The support on-call rotation is weekly.')).toBe('The support on-call rotation is weekly.');
    expect(detectLearning('The support on-call rotation is exhausting.')).toBeNull();
    expect(detectLearning('The support on-call rotation is weekly.', (f) => contradicts(f, daily))).toBe('The support on-call rotation is weekly.');
    // A restatement, an instance of a rule, another attribute, a status: not corrections.
    expect(contradicts('The support on-call rotation is daily.', daily)).toBe(false);
    expect(contradicts('Order 1234 ships on Friday.', ['Orders ship on Wednesdays from the main warehouse.'])).toBe(false);
    expect(contradicts('The printer on floor 3 is broken.', ['The printer on floor 3 is a Canon.'])).toBe(false);
    expect(contradicts('The internal audit is held in May.', ['# Audit', 'The internal audit is held in March.'])).toBe(true);
    // Statements about the speaker belong to the user's own memory.
    expect(detectLearning('My rotation is weekly.', (f) => contradicts(f, daily))).toBeNull();
  });

  it('reads a question answered in the same message as one fact, resolved against the question', () => {
    const fact = detectLearning("who owns the billing system now? it's Dana Whitfield");
    expect(fact).toBe("Who owns the billing system now? It's Dana Whitfield.");
    expect(decide(fact!, 'The billing system is owned by the payments team.')).toMatchObject({ event: 'UPDATE', text: 'The billing system is owned by Dana Whitfield.' });
    expect(decide('Where are carrier manifests uploaded now? To sftp-eu.partners.example.', 'Carrier manifests are uploaded to sftp.partners.example.')).toMatchObject({
      event: 'UPDATE',
      text: 'Carrier manifests are uploaded to sftp-eu.partners.example.',
    });
    expect(decide('Does the lab open at 7:00? It opens at 6:30 now.', 'The lab opens at 7:00.')).toMatchObject({ event: 'UPDATE', text: 'The lab opens at 6:30.' });
    expect(detectLearning('Is it still 30 days? Asking for a customer.')).toBeNull();
  });

  it('gives one learning per independent sentence, and keeps a sentence that leans on the one before with it', () => {
    expect(detectLearnings('FYI the Berlin office opens at 7:30 now. Also, the Berlin office kitchen moved to floor 4.')).toEqual([
      'The Berlin office opens at 7:30 now.',
      'The Berlin office kitchen moved to floor 4.',
    ]);
    expect(detectLearnings('The night shuttle is back. It runs until 22:00 now.')).toEqual(['The night shuttle is back. It runs until 22:00 now.']);
  });

  it('reads a leading verb-like noun followed by a noun or a plural as a subject, not a request', () => {
    for (const s of ['Refund approvals go through the store lead now.', "Schedule changes for ward nurses need 14 days' notice going forward.", 'Send day for the staff newsletter is Wednesday now.']) {
      expect(detectLearning(s), s).not.toBeNull();
    }
    for (const s of ['Send the report to finance now', 'Schedule a meeting with the store lead', 'Order two new monitors for the team']) expect(detectLearning(s), s).toBeNull();
  });
});

describe('offline model, round 3: memory decisions', () => {
  it('meets abbreviations with their words and keeps units and quantifiers with a new value', () => {
    expect(decide('New mgr at Store 12 is Omar Reyes.', '# Store 12\nThe store manager at Store 12 is Ines Park.')).toMatchObject({ event: 'UPDATE', text: 'The store manager at Store 12 is Omar Reyes.' });
    expect(decide('prod database host moved to db7.internal.example', 'The production database host is db1.internal.example.')).toMatchObject({ event: 'UPDATE', text: 'The production database host is db7.internal.example.' });
    expect(decide('Servers are patched every two weeks now.', 'Servers are patched monthly.')).toMatchObject({ event: 'UPDATE', text: 'Servers are patched every two weeks.' });
    expect(decide('Employer pension contribution is now six per cent.', 'The employer pension contribution is 5%.')).toMatchObject({ event: 'UPDATE', text: 'The employer pension contribution is six per cent.' });
  });

  it('sees an implied count, a capitalised identifier, and another attribute of the same subject', () => {
    expect(decide('The coffee machine is descaled every week now.', 'The coffee machine is descaled every 2 weeks.')).toMatchObject({ event: 'UPDATE', text: 'The coffee machine is descaled every week.' });
    expect(decide('The project key for the mobile app was renamed to APP.', 'The project key for the mobile app is MOB.')).toMatchObject({ event: 'UPDATE', text: 'The project key for the mobile app is APP.' });
    expect(decide('The Berlin office kitchen moved to floor 4.', 'The Berlin office opens at 7:30.').event).not.toBe('UPDATE');
  });

  it('never stores the value a fact denies', () => {
    expect(decide("The support on-call rotation isn't weekly.", 'The support on-call rotation is daily.').text).not.toBe('The support on-call rotation is weekly.');
    expect(detectLearning("The support on-call rotation isn't weekly.", (f) => contradicts(f, ['The support on-call rotation is daily.']))).toBeNull();
    expect(decide('The library no longer closes at 8pm; it closes at 10pm.', 'The library closes at 8pm.')).toMatchObject({ event: 'UPDATE' });
  });
});
