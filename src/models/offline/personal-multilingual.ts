/**
 * A speaker's lasting attributes in German, French, Spanish, Portuguese, Italian and Dutch — the
 * languages the offline model reads (lexicon-multilingual.ts): their name, where they live or work,
 * what they do, what they use or prefer ("Ich heiße Jonas.", "Je travaille chez Renault.", "Vivo en
 * Madrid.", "Meu fuso horário é BRT.", "Lavoro come infermiera.", "Mijn team zit in Utrecht.").
 * Spanish, Portuguese and Italian drop the pronoun, so the verb's first-person form is the cue.
 * Passing states ("ich bin müde", "estoy en una reunión") are left out: "to be" counts only before
 * an article, a place preposition, a capitalised name or a noun of standing (a diet, a need).
 */

const STANDING = 'vegetari\\p{L}*|vegan\\p{L}*|allergi\\p{L}*|allergique|alérgic[oa]|intollerante|intolerante|celiac[oa]|zöliakie|blind[ea]?|cieg[oa]|sord[oa]|taub|doof|diabetic[oa]|diabétique|diabetiker\\p{L}*|linkshänder\\p{L}*|zurda?o?';

const SELF = [
  // German
  `ich\\s+(?:heiße|heisse|wohne|lebe|arbeite|nutze|benutze|verwende|bevorzuge|spreche|komme aus|leite|betreue|berichte an|esse kein)`,
  `ich\\s+bin\\s+(?:ein|eine|der|die|in\\s+\\p{Lu}|aus|bei|für|zuständig|verantwortlich|\\p{Lu}|${STANDING})`,
  `(?:mein|meine)\\s+[\\p{L}-]+(?:\\s+[\\p{L}-]+){0,2}?\\s+(?:ist|sind|heißt|heisst|sitzt|arbeitet|nutzt|verwendet)\\s`,
  `(?:unser|unsere)\\s+(?:firma|unternehmen|team|abteilung|büro)\\s+(?:nutzt|verwendet|arbeitet mit|sitzt in|ist in)\\s`,
  `ich\\s+(?:bin|ziehe)\\s+(?:nach\\s+\\p{Lu}|umgezogen)`,
  // French
  `j[’']ai\\s+(?:déménagé|emménagé|rejoint)\\s`,
  `je\\s+(?:m'appelle|m’appelle|vis|travaille|préfère|parle|dirige|gère|mange pas|ne mange|réside)`,
  `j[’'](?:habite|utilise|aime (?:les réponses|recevoir))`,
  `je\\s+suis\\s+(?:un|une|le|la|l[’']|basée?|installée?|à\\s+\\p{Lu}|chez|responsable|chef|\\p{Lu}|${STANDING})`,
  `(?:mon|ma|mes)\\s+[\\p{L}’'-]+(?:\\s+[\\p{L}’'-]+){0,2}?\\s+(?:est|sont|s'appelle|s’appelle|se trouve|utilise)\\s`,
  `(?:notre)\\s+(?:entreprise|société|équipe|boîte|cabinet|service)\\s+(?:utilise|travaille avec|est à|est basée)\\s`,
  `on\\s+m[’']appelle\\s`,
  // Spanish
  `(?:yo\\s+)?(?:me llamo|vivo|resido|trabajo|prefiero|hablo|uso|utilizo|dirijo)\\s|(?:yo\\s+)?soy\\s+(?:un|una|el|la|de|\\p{Lu}|responsable|jef[ea]|${STANDING})`,
  `(?:mi|mis)\\s+[\\p{L}-]+(?:\\s+[\\p{L}-]+){0,2}?\\s+(?:es|son|está|están|se llama|usa)\\s`,
  `(?:nuestra|nuestro)\\s+(?:empresa|equipo|compañía|oficina|departamento)\\s+(?:usa|utiliza|trabaja con|está en)\\s`,
  `me\\s+(?:he\\s+)?(?:mudé|mudado|trasladado|trasladé)\\s`,
  // Portuguese
  `(?:eu\\s+)?(?:me\\s+mudei|mudei-me|mudei)\\s`,
  `(?:eu\\s+)?(?:me chamo|chamo-me|moro|vivo|trabalho|prefiro|falo|uso|utilizo)\\s|(?:eu\\s+)?sou\\s+(?:um|uma|o|a|de|\\p{Lu}|responsável|chefe|${STANDING})`,
  `(?:o\\s+|a\\s+)?(?:meu|minha|meus|minhas)\\s+[\\p{L}-]+(?:\\s+[\\p{L}-]+){0,2}?\\s+(?:é|são|fica|ficam|se chama|usa)\\s`,
  `(?:a\\s+|o\\s+)?(?:nossa|nosso)\\s+(?:empresa|equipe|equipa|escritório|departamento)\\s+(?:usa|utiliza|trabalha com|fica em)\\s`,
  // Italian
  `(?:io\\s+)?(?:mi chiamo|abito|vivo|lavoro|preferisco|parlo|uso|utilizzo|dirigo)\\s`,
  `(?:io\\s+)?sono\\s+(?:un|una|uno|il|la|l[’']|di|a\\s+\\p{Lu}|in\\s+\\p{Lu}|\\p{Lu}|responsabile|${STANDING})`,
  `(?:il\\s+|la\\s+|i\\s+|le\\s+)?(?:mio|mia|miei|mie)\\s+[\\p{L}-]+(?:\\s+[\\p{L}-]+){0,2}?\\s+(?:è|sono|si chiama|usa)\\s`,
  `(?:la\\s+|il\\s+)?(?:nostra|nostro)\\s+(?:azienda|squadra|team|ufficio|società)\\s+(?:usa|utilizza|lavora con|è a)\\s`,
  `mi\\s+sono\\s+trasferit[oa]\\s`,
  // Dutch
  `ik\\s+ben\\s+verhuisd\\s|ik\\s+woon\\s+nu\\s+in\\s`,
  `ik\\s+(?:heet|woon|werk|gebruik|spreek|prefereer|leid|eet geen)`,
  `ik\\s+ben\\s+(?:een|de|het|in\\s+\\p{Lu}|uit|bij|verantwoordelijk|\\p{Lu}|${STANDING})`,
  `mijn\\s+[\\p{L}-]+(?:\\s+[\\p{L}-]+){0,2}?\\s+(?:is|zijn|zit|zitten|heet|gebruikt)\\s`,
  `(?:ons|onze)\\s+(?:bedrijf|team|afdeling|kantoor)\\s+(?:gebruikt|werkt met|zit in)\\s`,
];

/**
 * The start of a sentence in which the speaker states a lasting attribute of themself. Case matters
 * (a capitalised word after "to be" is a name): test it on the sentence with its first letter lowered.
 */
export const ML_SELF = new RegExp(`^(?:${SELF.join('|')})`, 'u');
