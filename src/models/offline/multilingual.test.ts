import { describe, expect, it } from 'vitest';
import { detectLearnings } from './learn.js';
import { decideMemory } from './memory.js';
import { content, stripMarkers, tokens } from './facts.js';
import { keywords } from './text.js';

const decide = (fact: string, existing: string) =>
  JSON.parse(decideMemory(`New fact: ${fact}\nExisting facts (JSON lines):\n${JSON.stringify({ id: 'c1', text: existing })}`)) as { event: string; text?: string };

describe('offline model: corrections in other European languages', () => {
  it('learns a correction with a marker, a time cue or a change verb, without the marker', () => {
    const cases: Array<[string, string]> = [
      ['Korrektur: Die Kantine schließt um 15:30 Uhr.', 'Die Kantine schließt um 15:30 Uhr.'],
      ['Mise à jour : le bureau ouvre à 7:30.', 'Le bureau ouvre à 7:30.'],
      ['Actualización: la cafetería abre a las 7:30.', 'La cafetería abre a las 7:30.'],
      ['Atualização: o escritório fecha às 19:00.', 'O escritório fecha às 19:00.'],
      ['In realtà, la mensa chiude alle 15:00.', 'La mensa chiude alle 15:00.'],
      ['La reunión semanal es ahora los jueves.', 'La reunión semanal es ahora los jueves.'],
      ['De kantine sluit nu om 15:00.', 'De kantine sluit nu om 15:00.'],
      ['Das Teammeeting wurde auf Donnerstag verschoben.', 'Das Teammeeting wurde auf Donnerstag verschoben.'],
    ];
    for (const [said, fact] of cases) expect(detectLearnings(said), said).toEqual([fact]);
  });

  it('never learns a hedge, a guess or a question without its mark', () => {
    for (const said of [
      'Ich glaube, der Drucker steht vielleicht jetzt im dritten Stock.',
      'Je pense que peut-être la salle du conseil s\'appelle maintenant Vercors.',
      'Quizás el aparcamiento cierra ahora a las 23:00.',
      'Misschien is het teamoverleg nu op dinsdag, ik weet het niet zeker.',
      'Wann öffnet die Kantine jetzt',
      'Quando apre adesso la mensa',
      '¿Cuándo es la reunión ahora',
    ]) expect(detectLearnings(said), said).toEqual([]);
  });

  it('keeps a plain word that only looks like a marker ("Non è più …", "Info desk …")', () => {
    expect(stripMarkers('Non è più aperto.').text).toBe('Non è più aperto.');
    expect(stripMarkers('Non, la mensa chiude alle 15:00.').text).toBe('la mensa chiude alle 15:00.');
  });

  it('tokenizes letters of any script and splits elided articles', () => {
    expect(tokens('Passwörter laufen ab').map((t) => t.raw)).toEqual(['Passwörter', 'laufen', 'ab']);
    const t = tokens("l'équipe d'ora");
    expect(t.map((x) => x.raw)).toEqual(['équipe', 'ora']);
    expect(t[0]!.start).toBe(2);
    expect(content(tokens('la sala riunioni B il mercoledì')).map((x) => [x.raw, x.value])).toEqual([['sala', false], ['riunioni', false], ['B', true], ['mercoledì', true]]);
    expect([...keywords('Quel est le plafond des repas plafonnés ?')]).toEqual(['plafond', 'repa', 'plafonné']);
    // An all-caps token is not a function word of another language: "9:00 EST".
    expect(tokens('9:00 EST').map((x) => x.stop)).toEqual([false, false]);
    expect(tokens('Visitors go to building E').at(-1)).toMatchObject({ raw: 'E', stop: false, value: true });
  });

  it('leaves English sentences that share a word with those lists alone', () => {
    expect(detectLearnings('The quarterly review falls on Friday now.')).toEqual(['The quarterly review falls on Friday now.']);
    expect(detectLearnings('Chi Nguyen leads the support team now.')).toEqual(['Chi Nguyen leads the support team now.']);
    expect(detectLearnings('We anticipate strong demand.')).toEqual([]);
  });

  it('decides UPDATE when a value differs for the same subject, and replaces it in the sentence', () => {
    expect(decide('Die Kantine schließt um 15:30 Uhr.', 'Die Kantine schließt um 14:00 Uhr.')).toMatchObject({ event: 'UPDATE', text: 'Die Kantine schließt um 15:30 Uhr.' });
    expect(decide('Les repas sont maintenant plafonnés à 55 EUR par jour.', 'Les repas sont plafonnés à 40 EUR par jour.')).toMatchObject({ event: 'UPDATE', text: 'Les repas sont plafonnés à 55 EUR par jour.' });
    expect(decide("D'ora in poi la newsletter interna esce il mercoledì.", 'La newsletter interna esce il lunedì.')).toMatchObject({ event: 'UPDATE', text: 'La newsletter interna esce il mercoledì.' });
    expect(decide('Het teamoverleg is verplaatst naar woensdag.', 'Het teamoverleg is op maandag.')).toMatchObject({ event: 'UPDATE' });
    expect(decide('La cafetería abre a las 8:00.', 'La cafetería abre a las 8:00.').event).toBe('NOOP');
  });
});
