import { describe, expect, it } from 'vitest';
import { classifyAbout } from './long-term.js';
import { detectPersonalFact } from './personal.js';

describe('first-person attribute statements', () => {
  it.each([
    ['My time zone is CET.', 'My time zone is CET.'],
    ['btw, my manager’s name is Ana Ruiz', 'My manager’s name is Ana Ruiz.'],
    ["I'm based in Porto.", "I'm based in Porto."],
    ['I am on the Silver plan.', 'I am on the Silver plan.'],
    ['I bank with Monzo and I live in Leeds.', 'I bank with Monzo and I live in Leeds.'],
    ['The best way to reach me is Signal.', 'The best way to reach me is Signal.'],
    ["Just so you know, I don't eat pork.", "I don't eat pork."],
  ])('keeps %j', (message, fact) => {
    expect(detectPersonalFact(message)).toBe(fact);
  });

  it('keeps only the attribute sentences of a longer message', () => {
    expect(detectPersonalFact('Thanks for the help. My desk number is 4.12. See you.')).toBe('My desk number is 4.12.');
  });

  it.each([
    'My question is about invoices.',
    'My laptop is broken.',
    'I need to reset my password.',
    "I'm looking for the holiday policy.",
    "I'm not sure my plan is right.",
    'I think my manager is Sam.',
    'Maybe my tier is Gold.',
    'If my plan were premium, I would get support.',
    'What is my time zone',
    'Is my tier Gold?',
    "My tier is Gold, isn't it?",
    "I'm a bit lost here.",
    'The office is in Leeds.',
  ])('leaves %j alone', (message) => {
    expect(detectPersonalFact(message)).toBeNull();
  });

  it('reads "how to reach me" as about the speaker, not the world', () => {
    expect(JSON.parse(classifyAbout('statement: Best way to reach me is Slack.')).about).toBe('user');
    expect(JSON.parse(classifyAbout('statement: The support line is open until 6pm.')).about).toBe('world');
  });
});

describe("the speaker's own account, in the plural", () => {
  it.each([
    ["We're on the premium plan and our account manager is Priya.", "We're on the premium plan and our account manager is Priya."],
    ['Our account number is 88-1204.', 'Our account number is 88-1204.'],
    ['We are on the Team Plus plan.', 'We are on the Team Plus plan.'],
  ])('keeps %j, about the user', (message, fact) => {
    expect(detectPersonalFact(message)).toBe(fact);
    expect(JSON.parse(classifyAbout(`statement: ${fact}`)).about).toBe('user');
  });

  it("keeps the speaker's own organisation's tools; leaves a place's hours and a change to the world alone", () => {
    expect(detectPersonalFact('Our company uses SAP for accounting.')).toBe('Our company uses SAP for accounting.');
    expect(JSON.parse(classifyAbout('statement: Our company uses SAP for accounting.')).about).toBe('user');
    expect(detectPersonalFact('Our office closes at 6pm.')).toBeNull();
    expect(JSON.parse(classifyAbout('statement: We moved the standup to 10am.')).about).toBe('world');
  });
});
