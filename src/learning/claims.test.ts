import { describe, expect, it } from 'vitest';
import { honestAnswer, isQuestion } from './claims.js';

describe('isQuestion: the user asked (or asked for something) rather than stated', () => {
  it('takes questions and requests as asking', () => {
    for (const m of [
      'What is the refund window?',
      'how long is the build cache kept',
      'Look up order A-7 please',
      'Please check the status of ticket 4411',
      'Translate good morning into Spanish',
      'show me the open approvals',
      'Kindly send the invoice again',
      'Tell me the VPN gateway',
      'Check the status of my ticket',
      'Please refund order A-1001',
      'Explain the approval flow',
    ])
      expect(isQuestion(m), m).toBe(true);
  });

  it('takes statements, including ones opened by a marker verb, as stating', () => {
    for (const m of [
      'The VPN gateway moved to gw2.acme.example.',
      'Update: the refund threshold is $2,000.',
      'Please note the office moved to Lisbon.',
      'Note that standup is at 10:15 now.',
      'Remember that invoices are due on the 10th.',
      'Checkout closes at 6pm on Fridays.',
      'Check-in opens at 3pm.',
      'Help desk hours are 9 to 5.',
      'List price is $40 now.',
      'Refund requests over $1,000 need approval.',
      'Open enrollment ends on Friday.',
      'Search results are cached for 5 minutes.',
      'Draft invoices are deleted after 30 days.',
      'Please use the new portal from Monday.',
    ])
      expect(isQuestion(m), m).toBe(false);
  });
});

describe('honestAnswer', () => {
  it('keeps "if you tell me" after a request: nothing was told, so the invitation is true', () => {
    const said = "I don't have information about that yet. If you tell me, I'll remember it.";
    expect(honestAnswer(said, { stored: false, statement: !isQuestion('Look up order A-7 please') })).toBe(said);
  });

  it('drops a promise to remember and the invitation after a statement nothing was stored from', () => {
    const said = "I don't have information about that yet. If you tell me, I'll remember it.";
    expect(honestAnswer(said, { stored: false, statement: true })).toBe("I haven't stored that as a fact.");
    expect(honestAnswer('Thanks! I will remember that.', { stored: true, statement: true })).toBe('Thanks!');
  });
});
