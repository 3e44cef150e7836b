import { describe, expect, it } from 'vitest';
import { detectLearning } from './learn.js';
import { decideMemory } from './memory.js';
import { applyReplacement, namedReplacement } from './replace.js';

const decide = (fact: string, ...existing: string[]) =>
  JSON.parse(decideMemory(`New fact: ${fact}\nExisting facts (JSON lines):\n${existing.map((text, i) => JSON.stringify({ id: `c${i + 1}`, text })).join('\n')}`)) as { event: string; id?: string; text?: string };

// Examples of their own, none taken from an eval corpus.
describe('offline model: corrections that name the value they replace', () => {
  it('finds the old and the new value in renames, replacements, from-to, contrasts and drops', () => {
    expect(namedReplacement('billing-svc was renamed to invoicing-svc.')).toEqual({ old: 'billing-svc', new: 'invoicing-svc' });
    expect(namedReplacement('#help-it is now called #it-desk.')).toEqual({ old: '#help-it', new: '#it-desk' });
    expect(namedReplacement('Ops replaced Nagios with Prometheus.')).toEqual({ old: 'Nagios', new: 'Prometheus' });
    expect(namedReplacement('We moved the nightly job from 02:00 to 04:30.')).toEqual({ old: '02:00', new: '04:30' });
    expect(namedReplacement('The notice period is 8 weeks, not 6.')).toEqual({ old: '6', new: '8' });
    // Two times before the contrast: which one replaces 12:00 is unknowable, so no swap is guessed.
    expect(namedReplacement('Lunch is served from 11:30 to 13:00, not 12:00.')).toBeNull();
    expect(namedReplacement('The window is 9 to 5 on weekdays, not 8.')).toBeNull();
    expect(namedReplacement('Retros happen on Wednesdays instead of Fridays.')).toEqual({ old: 'Fridays', new: 'Wednesdays' });
    expect(namedReplacement('Jenkins got swapped out for Buildkite in March.')).toEqual({ old: 'Jenkins', new: 'Buildkite' });
    expect(namedReplacement('We traded Zoom for Meet last year.')).toEqual({ old: 'Zoom', new: 'Meet' });
    expect(namedReplacement('They dropped Python 3.8; the minimum is Python 3.10 now.')).toEqual({ old: 'Python 3.8', new: '3.10' });
  });

  it('does not take a description for a name, nor "a new one" for a value', () => {
    expect(namedReplacement('The support channel was renamed to #help.')).toBeNull();
    expect(namedReplacement('The SMTP relay got replaced with relay2.example.')).toBeNull();
    expect(namedReplacement('We replaced the printer with a new one.')).toBeNull();
    expect(namedReplacement('The canteen is open from 9am to 3pm.')).toBeNull();
  });

  it('swaps the value in the existing sentence, keeping a name before a version', () => {
    expect(applyReplacement('Services run on Python 3.8 and later.', { old: 'Python 3.8', new: '3.10' })).toBe('Services run on Python 3.10 and later.');
    expect(applyReplacement('The notice period is 6 weeks.', { old: '6', new: '8' })).toBe('The notice period is 8 weeks.');
    expect(applyReplacement('Billing runs in billing-svc-eu.', { old: 'billing-svc', new: 'x' })).toBeNull();
  });

  it('decides UPDATE on the sentence that holds the old value, with the new value in place', () => {
    expect(decide('billing-svc was renamed to invoicing-svc.', 'Payments are processed by billing-svc.', 'The cafeteria opens at 8.')).toMatchObject({ event: 'UPDATE', id: 'c1', text: 'Payments are processed by invoicing-svc.' });
    expect(decide('The notice period is 8 weeks, not 6.', 'The notice period for staff is 6 weeks.')).toMatchObject({ event: 'UPDATE', text: 'The notice period for staff is 8 weeks.' });
    expect(decide('We dropped Python 3.8 — the minimum is Python 3.10 as of this sprint.', 'Our services support Python 3.8 and later.')).toMatchObject({ event: 'UPDATE', text: 'Our services support Python 3.10 and later.' });
    // A plain old value ("6") also needs a subject word in common.
    expect(decide('The notice period is 8 weeks, not 6.', 'The team has 6 members.').event).toBe('ADD');
    // A range corrected with a contrast: the new range is the fact, the contrast only names the old value.
    expect(decide('Lunch is served from 11:30 to 13:00, not 12:00.', 'Lunch is served from 12:00 to 13:30.')).toMatchObject({ event: 'UPDATE', text: 'Lunch is served from 11:30 to 13:00.' });
  });

  it('updates the same relation though worded differently, given a change cue and a subject word in common', () => {
    expect(decide('The pharmacy now stays open until 9pm.', 'The pharmacy is reachable until 7pm.')).toMatchObject({ event: 'UPDATE', text: 'The pharmacy is reachable until 9pm.' });
    expect(decide('Invoices now come from accounts@initech.example.', 'Invoices are sent from billing@initech.example.')).toMatchObject({ event: 'UPDATE', text: 'Invoices are sent from accounts@initech.example.' });
    expect(decide('Server patching is on Tuesdays from now on.', 'Servers are patched on Sundays.')).toMatchObject({ event: 'UPDATE', text: 'Servers are patched on Tuesdays.' });
    expect(decide('The hotline now answers till 10pm.', 'The hotline answers calls until 6pm.')).toMatchObject({ event: 'UPDATE', text: 'The hotline answers calls until 10pm.' });
    // A value is only ever replaced by a value: the clause without one is not spliced in.
    expect(decide('Hotline hours were extended: it now answers till 10pm.', 'The hotline is open until 6pm.').text).not.toBe('The hotline is hours.');
    expect(namedReplacement('Chrome 100 support was dropped; the minimum is now Chrome 110.')).toEqual({ old: 'Chrome 100', new: '110' });
    expect(namedReplacement("Ruby 2.7 isn't supported anymore, the gem needs Ruby 3.2.")).toEqual({ old: 'Ruby 2.7', new: '3.2' });
    // Without a change cue two wordings may be two facts.
    expect(decide('The pharmacy stays open until 9pm on Saturdays.', 'The pharmacy is reachable by phone until 7pm.').event).not.toBe('UPDATE');
  });

  it('takes "going forward" and its kin as a sign that a statement is a new state', () => {
    expect(detectLearning('code freeze starts on the 20th going forward')).toBe('Code freeze starts on the 20th going forward.');
    expect(detectLearning('Moving forward the weekly sync is on Wednesdays.')).not.toBeNull();
    expect(detectLearning('Until further notice the lab is closed on Fridays.')).not.toBeNull();
    expect(detectLearning('going forward, what should I do?')).toBeNull();
  });

  it('reads a leading noun that is also a verb as a subject, and "X, not Y" as a correction', () => {
    expect(detectLearning('Release freeze is on Wednesdays from now on.')).not.toBeNull();
    expect(detectLearning('Order confirmations now come from accounts@initech.example.')).not.toBeNull();
    expect(detectLearning('The notice period is 8 weeks, not 6.')).not.toBeNull();
    for (const s of ['Release the hotfix to production', 'Order two new monitors for the team', 'Send the report to finance']) expect(detectLearning(s), s).toBeNull();
  });
});
