/**
 * Word lists for everyday corrections in the main European languages besides English (German,
 * French, Spanish, Portuguese, Italian, Dutch): leading markers, time cues, change verbs, hedges,
 * question words, function words, weekdays and months. General vocabulary of each language, read by
 * the same rules as the English lists in learn.ts and facts.ts; nothing here knows any scenario.
 *
 * JavaScript's `\b` only knows ASCII letters, so patterns here use Unicode letter look-arounds
 * ("désormais", "für", "lunedì" are whole words).
 */

/** A whole-word alternation, case-insensitive, Unicode-aware. */
function words(alternation: string, flags = 'iu'): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation})(?![\\p{L}\\p{N}])`, flags);
}

/** Leading markers of a correction or a new fact (the regex fragments join facts.ts MARKER). */
export const ML_MARKERS: string[] = [
  // German
  // Words that are also a plain sentence start ("Non è più …", "Info desk …") count only before a punctuation mark.
  '(?:nein|nee|non|info|hinweis|achtung|attention|rappel|nota|aviso|avviso|ojo|falsch)(?=\\s*[,:;.!–—-])',
  'korrektur', 'berichtigung', 'aktualisierung', 'zur info(?:rmation)?', 'übrigens', 'eigentlich', "das (?:ist|stimmt) (?:falsch|nicht(?: mehr)?)", 'ab sofort', 'ab jetzt', 'ab heute', 'von nun an', 'merk dir(?:,? dass)?',
  // French
  'mise à jour', 'rectification', 'pour info(?:rmation)?', 'à noter(?: que)?', 'en fait', "c'est faux", "ce n'est plus vrai",
  'désormais', 'dorénavant', "à partir de (?:maintenant|aujourd'hui)", 'attention', 'rappel',
  // Spanish
  'actualización', 'corrección', 'en realidad', 'de hecho', 'para que conste', 'eso es incorrecto', 'eso ya no es así',
  'a partir de (?:ahora|hoy)', 'de ahora en adelante', 'desde ahora',
  // Portuguese
  'atualização', 'actualização', 'correção', 'correcção', 'na verdade', 'aliás', 'a partir de agora', 'daqui em diante', 'de agora em diante',
  // Italian
  'aggiornamento', 'correzione', 'in realtà', 'per la cronaca', "d'ora in (?:poi|avanti)", "da (?:ora|adesso|oggi) in poi", 'da oggi',
  // Dutch
  'correctie', 'let op', 'ter info(?:rmatie)?', 'eigenlijk', 'vanaf nu', 'vanaf vandaag', 'voortaan', 'onthoud(?: dat)?',
];

/** A present state marked as new or current ("jetzt", "désormais", "ahora", "agora", "adesso", "nu"). */
export const ML_TIME_CUE = words(
  [
    'jetzt', 'nun', 'ab sofort', 'ab jetzt', 'ab heute', 'neuerdings', 'künftig', 'zukünftig', 'inzwischen', 'mittlerweile', 'nicht mehr', 'stattdessen', 'seit',
    'maintenant', 'désormais', 'dorénavant', 'à présent', 'depuis', 'ne \\S+ plus', "n'\\S+ plus", 'au lieu de', 'à partir d',
    'ahora', 'ya no', 'en adelante', 'en lugar de', 'en vez de', 'desde', 'a partir de',
    'agora', 'já não', 'não \\S+ mais', 'daqui em diante', 'em vez de', 'a partir de',
    'adesso', 'ora', "d'ora in poi", 'da ora', 'ormai', 'non \\S+ più', 'invece', 'da oggi',
    'nu', 'vanaf nu', 'voortaan', 'tegenwoordig', 'niet meer', 'sinds', 'in plaats van', 'met ingang van',
  ].join('|'),
);

/** Change verbs as participles and past or third-person forms (a bare infinitive or imperative is a request). */
export const ML_CHANGE = words(
  [
    // German
    'geändert', 'verändert', 'verschoben', 'verlegt', 'umbenannt', 'ersetzt', 'erhöht', 'angehoben', 'gesenkt', 'reduziert', 'verlängert',
    'verkürzt', 'übernommen', 'gewechselt', 'umgezogen', 'zieht um', 'wechselt', 'heißt jetzt',
    // French
    '(?:chang|modifi|déplac|report|décal|renomm|remplac|augment|baiss|prolong|transfér|nomm|avanc|repouss|déménag)(?:é|ée|és|ées)',
    'réduite?s?', 'raccourcie?s?', 'passe à', 'est passée? à',
    // Spanish
    '(?:cambi|mov|traslad|aplaz|renombr|reemplaz|aument|baj|reduc|ampli|adelant|retras|mud)(?:ado|ada|ados|adas|ó)',
    'sustituid[oa]s?', 'pospuest[oa]s?', 'pasa a', 'pasó a', 'se cambió', 'se movió',
    // Portuguese
    '(?:mud|alter|transfer|adi|renome|aument|reduz|antecip|troc)(?:ado|ada|ados|adas|ou|ido|ida)', 'substituíd[oa]s?', 'passou a', 'passa a',
    // Italian
    // No "-ate": English "anticipate" is not a change.
    '(?:cambi|spost|rinvi|posticip|rinomin|aument|anticip|modific)(?:ato|ata|ati)', 'trasferit[oaie]', 'sostituit[oaie]', 'ridott[oaie]', 'passa a', 'è passat[oa] a',
    // Dutch
    'veranderd', 'gewijzigd', 'verplaatst', 'verschoven', 'hernoemd', 'vervangen', 'verhoogd', 'verlaagd', 'verlengd', 'verkort', 'overgenomen',
    'uitgesteld', 'verhuisd', 'gaat nu',
  ].join('|'),
);

/** Hedges, hearsay and guesses: the speaker does not assert the fact. */
export const ML_HEDGE = words(
  [
    'ich (?:glaube|denke|vermute|schätze|nehme an)', 'vielleicht', 'wahrscheinlich', 'vermutlich', 'möglicherweise', 'eventuell', 'angeblich',
    'nicht sicher', 'ich weiß (?:es )?nicht', 'keine ahnung', 'könnte', 'würde', 'soweit ich weiß', 'man sagt',
    'je (?:pense|crois|suppose|présume)', 'peut-être', 'probablement', 'sans doute', 'il (?:paraît|semble|se peut)', 'on dit',
    'pas sûre?', 'je ne sais pas', 'pourrai(?:t|ent)', 'si jamais', 'apparemment',
    'creo que', 'pienso que', 'supongo', 'quizás?', 'tal vez', 'a lo mejor', 'probablemente', 'posiblemente', 'no estoy segur[oa]',
    'no sé', 'podría', 'dicen que', 'me dijeron', 'al parecer',
    'acho que', 'penso que', 'creio que', 'talvez', 'possivelmente', 'não tenho certeza', 'não sei', 'poderia', 'dizem que', 'parece que',
    'penso che', 'credo che', 'forse', 'probabilmente', 'magari', 'non sono sicur[oa]', 'non so', 'potrebbe', 'dicono che', 'sembra che', 'suppongo',
    'ik (?:denk|geloof|vermoed)', 'misschien', 'waarschijnlijk', 'mogelijk', 'volgens mij', 'ik weet (?:het )?niet', 'niet zeker', 'zou kunnen', 'blijkbaar',
  ].join('|'),
);

/**
 * A question in these languages, with or without its question mark. A capitalised word right after
 * is a name, not a question ("Chi Nguyen leads support now", "Wat Arun …").
 */
const ML_QUESTION_START = new RegExp(
  '^(?:¿|(?:wer|was|wann|wo|wie|warum|weshalb|welche[rsmn]?|wohin|woher|wieso|gibt es|' +
    "qui|que|qu'|quoi|quand|où|comment|pourquoi|quel(?:le)?s?|combien|est-ce|" +
    'qué|quién(?:es)?|cuándo|dónde|cómo|por qué|cuál(?:es)?|cuánt[oa]s?|' +
    'quem|quando|onde|porque|por que|qual|quais|quant[oa]s?|' +
    'chi|che|cosa|dove|perché|quale|quali|' +
    'wat|wanneer|waar|hoe|waarom|welke|hoeveel)(?![\\p{L}\\p{N}]))',
  'iu',
);
// Without the i flag: case-insensitive \p{Lu} would match any letter.
const NAME_AFTER = /^\p{L}+\s+\p{Lu}\p{Ll}/u;

export function mlQuestion(text: string): boolean {
  return ML_QUESTION_START.test(text) && !NAME_AFTER.test(text);
}

/** Articles, pronouns, prepositions, copulas and auxiliaries: never part of a subject or a value. */
export const ML_STOP: string[] = `der die das den dem des ein eine einer einen einem eines ist sind wird werden wurde wurden worden und oder aber im
  am auf um zu zum zur von vom mit für bei nach aus es sie er wir ich uns unser unsere nicht kein keine auch noch schon
  le la les l un une des du de d au aux et ou est sont était étaient été ont à en dans sur pour par avec que qui se s ne pas il elle ils elles nous vous
  je sa ses leur leurs ce cette ces y
  el los las unos unas del al es son era fue está están con para lo su sus se ha han sido
  o os um uma do da dos das no na nos nas em é são foi está ao à às pelo pela com seu sua
  il lo gli un uno di del della dei delle al alla allo nel nella è sono era con per da dal dalla che si suo sua
  het een en zijn waren wordt werd op aan voor met bij naar er ze hij zij wij ik dat dit deze geen ook nog
  wer wann wo wie warum welche welcher welches quand où comment pourquoi quel quelle quels quelles combien
  qué quién cuándo dónde cómo cuál cuánto quem quando onde qual quais quanto chi dove perché quale wanneer waar hoe welke wat hoeveel`.split(/\s+/);

/** Markers, time cues and change words: they never tell two subjects apart and are never the value. */
export const ML_FILLER: string[] = `korrektur aktualisierung hinweis übrigens jetzt nun sofort neu neue neuer neues neuerdings künftig inzwischen mittlerweile
  geändert verschoben verlegt umbenannt ersetzt erhöht gesenkt reduziert verlängert verkürzt übernommen gewechselt umgezogen heißt
  rectification désormais dorénavant maintenant présent depuis nouveau nouvelle changé changée déplacé déplacée reporté décalé renommé remplacé
  actualización corrección ahora adelante nuevo nueva cambiado cambiada trasladado trasladada aplazado renombrado
  atualização correção agora novo nova mudou mudado alterado adiado renomeado
  aggiornamento correzione adesso ora poi nuovo nuova cambiato cambiata spostato spostata rinviato rinominato
  correctie nu vanaf voortaan tegenwoordig nieuw nieuwe veranderd gewijzigd verplaatst verschoven hernoemd vervangen uitgesteld`.split(/\s+/);

/** Weekdays (and their plurals) and months: values though lowercase. */
export const ML_VALUE_WORDS: string[] = `montag dienstag mittwoch donnerstag freitag samstag sonntag montags dienstags mittwochs donnerstags freitags samstags sonntags
  januar februar märz april mai juni juli august september oktober november dezember
  lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril juin juillet août septembre octobre novembre décembre
  lunes martes miércoles jueves viernes sábado sábados domingo domingos enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
  segunda terça quarta quinta sexta segunda-feira terça-feira quarta-feira quinta-feira sexta-feira janeiro fevereiro março maio junho julho setembro outubro novembro dezembro
  lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
  maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart mei augustus`.split(/\s+/);

/** Elided articles and prepositions glued to the next word ("l'équipe", "d'ora", "dell'ufficio"). */
export const ELISION = /^(?:l|d|s|n|j|c|m|t|qu|dell|all|dall|nell|sull|un)'(?=\p{L})/iu;

/** Trailing or inline time cues of these languages, removed from a stored fact like "now" is. */
export const ML_CUE_STRIP = words(
  "ab sofort|ab jetzt|ab heute|von nun an|jetzt|nun|neuerdings|inzwischen|mittlerweile|désormais|dorénavant|à partir de maintenant|maintenant|à présent|" +
    'a partir de ahora|de ahora en adelante|ahora|a partir de agora|daqui em diante|agora|d\'ora in poi|da ora in poi|adesso|ormai|vanaf nu|voortaan|tegenwoordig|nu',
  'giu',
);
