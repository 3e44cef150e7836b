/**
 * The kinds of thing a person says about themself, and how a question asks for each: "What
 * pronouns should you use for me?" asks for what "I go by they/them" states, though the two share
 * no word; "Who do I report to?" for "My manager is Fatima Khan". A model reads that meaning; the
 * offline stand-in keeps a small lexicon per kind, in English and the languages it reads (de, fr,
 * es, pt, it, nl). Words of a kind, never words of a particular statement.
 */

export interface AttributeKind {
  name: string;
  /** A question asking for this kind of attribute of the speaker. */
  asks: RegExp;
  /** A statement that gives one. */
  states: { test(sentence: string): boolean };
  /** One value at a time (a new one replaces the old): where you live, your manager — not your allergies. */
  single: boolean;
}

const TZ = String.raw`(?<![\p{L}])(?:UTC|GMT|CET|CEST|EET|EEST|WET|WEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|HST|IST|BST|JST|KST|AEST|AEDT|ACST|AWST|NZST|BRT|ART|SGT|HKT|MSK)(?:\s?[+-]\s?\d{1,2}(?::?\d\d)?)?(?![\p{L}])`;
const LANGS = 'english|german|french|spanish|portuguese|italian|dutch|polish|japanese|chinese|mandarin|cantonese|arabic|hindi|russian|turkish|swedish|danish|norwegian|finnish|greek|korean|ukrainian|czech|hungarian|romanian|hebrew|deutsch|englisch|französisch|spanisch|anglais|allemand|français|espagnol|inglés|alemán|francés|español|inglês|alemão|francês|espanhol|português|inglese|tedesco|francese|spagnolo|italiano|engels|duits|frans|spaans|nederlands';
const ROLE_NOUN = String.raw`manager|engineer|developer|analyst|director|head|lead|officer|assistant|nurse|teacher|designer|accountant|consultant|administrator|admin|coordinator|specialist|architect|intern|ceo|cto|cfo|coo|founder|owner|scientist|doctor|lawyer|clerk|agent|representative|editor|writer|student|researcher|technician|supervisor|president|vp|partner|associate|secretary|receptionist|buyer|planner|controller|recruiter|pharmacist|physician|surgeon|paralegal|librarian|journalist|chef|driver|pilot|electrician|mechanic|salesperson|marketer|tester|programmer|producer|principal|professor|lecturer|tutor|ingenieur\p{L}*|entwickler\p{L}*|leiter\p{L}*|lehrer\p{L}*|krankenschwester|arzt|ärztin|infirmi\p{L}+|ingénieur\p{L}*|développeu\p{L}+|directeur|directrice|enseignant\p{L}*|médecin|enfermer[oa]|ingenier[oa]|desarrollador\p{L}*|director[a]?|profesor[a]?|médic[oa]|enfermeir[oa]|engenheir[oa]|professor[a]?|gerente|infermier[ea]|ingegnere|sviluppat\p{L}+|insegnante|medico|verpleegkundige|leraar|lerares|ontwikkelaar|arts`;

/**
 * \b is ASCII-only, even with the u flag: "über", "déménagé", "restrição" would never meet it. A
 * word boundary of any script instead.
 */
const B = String.raw`(?:(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_])|(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_]))`;
export const re = (s: string, flags = 'iu') => new RegExp(s.replaceAll(String.raw`\b`, B), flags);

/** Either pattern: one case-insensitive, one where case matters (a capital is a name). */
const either = (a: RegExp, b: RegExp) => ({ test: (x: string) => a.test(x) || b.test(x) });

/** "I'm Priya", "I'm in Berlin": a capitalised word after "I'm" — a name or a place, not a state. */
const NAMED_AFTER_I_AM = String.raw`^(?:[Ii]'m|[Ii]’m|[Ii] am)\s+(?:(?:currently|now|still|mostly|usually|originally|also|actually)\s+)?`;

export const KINDS: AttributeKind[] = [
  {
    name: 'pronouns',
    asks: re(String.raw`\bpronouns?\b|\brefer to me\b|\bgender\b|\bpronom|\bpronomen\b|\bpronombres?\b|\bpronomi\b|\bvoornaamwoord`),
    states: re(String.raw`\b(?:he|she|they|xe|ze|ey|fae)\s?/\s?(?:him|her|them|hir|zir|em|faer)\b|\bpronouns?\b|\b(?:er|sie|il|elle|iel|ella|elle|lui|lei|hij|zij|hen)\s?/\s?(?:ihm|ihn|ihr|elle|il|él|ella|elle|lei|lui|hem|haar|hen)\b`),
    single: true,
  },
  {
    name: 'name',
    asks: re(String.raw`\b(?:my|mein|meinen|mon|mi|meu|il mio|mijn)\s+(?:name|nome|nombre|nom|naam)\b|\bwhat (?:name|should you call me|do you call me|(?:do|should) i go by)\b|\b(?:call|address|refer to) me\b|\b(?:be|am i|i'm|i am) called\b|\bwho am i\b|\bwie hei(?:ß|ss)e ich|\bcomment (?:est-ce que )?je m[’']appelle|\bcomment m[’']appel|\bc[oó]mo me (?:llamo|chamo)|\bcome mi chiamo|\bhoe heet ik|\bwie ben ik\b`),
    states: either(
      re(String.raw`\b(?:call|address|refer to|know) me\b|\bmy name\b|\bi'?m called\b|\bi go by (?!(?:he|she|they|xe|ze)\s?/)|\bhei(?:ß|ss)e\b|\bm[’']appelle\b|\bme llamo\b|\bme chamo\b|\bchamo-me\b|\bmi chiamo\b|\bik heet\b|\bmi nombre\b|\bmeu nome\b|\bil mio nome\b|\bmein name\b|\bmon nom\b|\bmijn naam\b`),
      re(String.raw`${NAMED_AFTER_I_AM}\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?\s*(?:$|[,.!;]|\s+(?:and|but|from|here)\b)`, 'u'),
    ),
    single: true,
  },
  {
    name: 'timezone',
    asks: re(String.raw`\btime ?zone\b|\bzeitzone\b|\bfuseau\b|\bzona horaria\b|\bfuso\b|\btijdzone\b|\bwhat time is it (?:for me|where i am)\b|\bmy (?:local )?time\b`),
    states: re(String.raw`\btime ?zone\b|${TZ}|\b(?:pacific|eastern|central|mountain|atlantic|alaska|hawaii|greenwich|european|india|japan|australian) (?:standard |daylight )?time\b|\bzeitzone\b|\bfuseau\b|\bzona horaria\b|\bfuso\b|\btijdzone\b`),
    single: true,
  },
  {
    name: 'location',
    asks: re(String.raw`\bwhere (?:am i|do i (?:live|work|stay|sit)|have i (?:moved|relocated)|is my (?:home|office|base))\b|\bwhere\b.*\b(?:based|located|living)\b|\b(?:which|what) (?:city|country|town|place|region|office)\b.*\b(?:i|me|my)\b|\bmy (?:location|city|country|address|home town|hometown)\b|\bwo (?:wohne|lebe|bin|sitze) ich\b|\bo[uù] (?:est-ce que )?(?:j[’']habite|je (?:vis|suis))\b|\bd[oó]nde (?:vivo|resido|estoy)\b|\bonde (?:eu )?(?:moro|vivo|estou)\b|\bdove (?:vivo|abito|sono)\b|\bwaar (?:woon|ben|zit) ik\b`),
    states: either(re(String.raw`${NAMED_AFTER_I_AM}(?:in|at|near|out of|over in|from)\s+\p{Lu}|\bfrom\s+\p{Lu}\p{Ll}+`, 'u'), re(String.raw`\b(?:based|located|live|living|lives|moved|relocated|reside|residing|stationed|grew up|born in|come from|hail from)\b|\bwohne\b|\blebe in\b|\bj[’']habite\b|\bje vis\b|\bvivo (?:en|em|a|in)\b|\bresido\b|\bmoro\b|\babito\b|\bik woon\b|\bverhuisd\b|\bumgezogen\b|\bdéménagé\b|\bemménagé\b|\bnach\s+\p{L}|\bmudei\b|\bmudado\b|\btrasladado\b|\btrasferit\w*|\bme mudé\b|\bmudei\b|\bmi sono trasferit`)),
    single: true,
  },
  {
    name: 'contact',
    asks: re(String.raw`\b(?:reach|contact|get hold of|get in touch with|message|ping|notify) me\b|\bcontact (?:me|method|preference|channel)\b|\b(?:be )?(?:contacted|reached)\b|\bhow (?:should|do|can|to) (?:you|i|we)\b.*\b(?:reach|contact|call|notify)\b|\b(?:me|mich|mi|mij)\s+(?:contact\w*|joindre|erreich\w*|kontaktier\w*|contatt\w*|bereik\w*|localiz\w*)\b|\bwie (?:erreich|kontaktier)\w* (?:du|sie|ihr) mich\b|\bcomment me (?:joindre|contacter)\b|\bc[oó]mo (?:me )?(?:contact|localiz)\w*\b|\bcome (?:mi )?(?:contatt|raggiung)\w*\b|\bhoe (?:bereik|contacteer)\w* (?:je|u) mij\b`),
    states: re(String.raw`\b(?:reach|contact|call|text|email|e-mail|message|ping|phone) me\b|\b(?:email|e-mail|phone|sms|text messages?|whatsapp|slack|teams|signal|telegram|wechat|discord|skype|zoom|voicemail|mobile)\b|\berreich\w*\b|\bjoindre\b|\bcontact\w*\b|\bcontatt\w*\b`),
    single: false,
  },
  {
    name: 'role',
    asks: re(String.raw`\bmy (?:role|job|position|title|job title|occupation|profession|line of work|function)\b|\bwhat (?:do i do|is my job|am i (?:at|in) (?:work|the company))\b|\bwhat(?:'s| is) my (?:role|job|position)\b|\bwhat do i work as\b|\bwhat am i\??$|\bwas (?:bin|mache) ich (?:beruflich|von beruf)\b|\bmein(?:e)? (?:rolle|beruf|stelle|position|job)\b|\bmon (?:rôle|poste|métier|travail|job)\b|\bmi (?:puesto|trabajo|rol|cargo|profesión)\b|\bmeu (?:cargo|trabalho|papel|emprego)\b|\bche lavoro\b|\bil mio (?:ruolo|lavoro)\b|\bmijn (?:functie|rol|baan|beroep)\b`),
    states: re(String.raw`^(?:i'm|i’m|i am)\s+(?:(?:currently|now|still|also|actually)\s+)?(?:a|an|the)\s+(?:[\p{L}-]+\s+){0,3}(?:${ROLE_NOUN})\b|\bhead of\b|\bin charge of\b|\bwork (?:as|in)\b|\bmy (?:role|job|title|position)\b|\barbeite als\b|\btrabajo (?:como|de)\b|\btrabalho como\b|\blavoro come\b|\bwerk als\b|\btravaille comme\b|^(?:i'm|i’m|i am)\s+(?:(?:currently|now|still|also|actually)\s+)?(?:a|an)\s+(?!(?:vegetarian|vegan|pescatarian|coeliac|celiac|diabetic|member|customer|user|subscriber|client|beginner|fan)\b)(?:[\p{L}-]+\s+){0,3}[\p{L}-]+(?:er|or|ist|ant|ent|ian|eur|ive|ee|ect)\b|\b(?:i|i've|i have)\s+(?:head|run|chair|manage|lead|oversee|handle)\b`),
    single: true,
  },
  {
    name: 'employer',
    asks: re(String.raw`\bwhere do i work\b|\bwho do i work for\b|\b(?:which|what) (?:company|firm|employer|organi[sz]ation)\b.*\b(?:i|me|my)\b|\bmy (?:employer|company|firm|organi[sz]ation)\b|\bwo arbeite ich\b|\bf[üu]r wen arbeite ich\b|\bo[uù] (?:est-ce que )?je travaille\b|\bpour qui je travaille\b|\bd[oó]nde trabajo\b|\bpara qui[eé]n trabajo\b|\bonde (?:eu )?trabalho\b|\bdove lavoro\b|\bper chi lavoro\b|\bwaar werk ik\b|\bvoor wie werk ik\b`),
    states: re(String.raw`\bwork (?:at|for)\b|\bemployed (?:at|by)\b|\b(?:joined|started (?:at|with|working (?:at|for)))\b|\bmy (?:employer|company)\b|\barbeite (?:bei|für)\b|\btravaille (?:chez|pour)\b|\btrabajo (?:en|para)\b|\blavoro (?:per|presso|da|in)\b|\btrabalho (?:na|no|em|para)\b|\bwerk (?:bij|voor)\b`),
    single: true,
  },
  {
    name: 'manager',
    asks: re(String.raw`\bmy (?:manager|boss|supervisor|line manager|team lead|lead|superior)\b|\bwho do i report to\b|\breport(?:ing)? to\b|\bwho (?:is )?(?:manages|supervises) me\b|\bmein(?:e)? (?:chef|chefin|vorgesetzte\w*|manager\w*)\b|\bmon (?:manager|responsable|chef|supérieur)\b|\bma (?:manager|responsable|cheffe|supérieure)\b|\bmi (?:jef[ea]|responsable|supervisor\w*|gerente)\b|\bmeu (?:chefe|gerente|gestor|supervisor)\b|\bil mio (?:capo|responsabile|manager)\b|\bmijn (?:manager|baas|leidinggevende|chef)\b`),
    states: re(String.raw`\b(?:my|our)\s+(?:[\p{L}-]+\s+)?(?:manager|boss|supervisor|superior|line manager|team lead|lead)\b|\breport(?:s|ing)? (?:directly )?to\b|\bmein(?:e)? (?:chef|chefin|vorgesetzte\w*)\b|\b(?:mon|ma) (?:manager|responsable|chef|cheffe|supérieure?)\b|\bmi (?:jef[ea]|responsable|supervisor\w*)\b|\b(?:o )?meu (?:chefe|gerente|gestor)\b|\b(?:il )?mio (?:capo|responsabile)\b|\bmijn (?:manager|baas|leidinggevende)\b`),
    single: true,
  },
  {
    name: 'team',
    asks: re(String.raw`\b(?:my|which|what) (?:team|squad|department|dept|group|unit)\b|\bmein(?:e)? (?:team|abteilung)\b|\bmon (?:équipe|service|département)\b|\bmi (?:equipo|departamento)\b|\bem que equipe\b|\bminha (?:equipe|equipa)\b|\bla mia squadra\b|\bil mio team\b|\bmijn (?:team|afdeling)\b`),
    states: re(String.raw`\b(?:team|squad|department|dept|group|unit|abteilung|équipe|equipo|departamento|equipe|equipa|squadra|afdeling)\b`),
    single: false,
  },
  {
    name: 'plan',
    asks: re(String.raw`\b(?:plan|tier|subscription|package|licen[cs]e|edition|membership|account (?:type|level))\b|\b(?:tarif|abonnement|abo|forfait|suscripci[oó]n|assinatura|abbonamento|piano)\b`),
    states: re(String.raw`\b(?:plan|tier|subscription|package|licen[cs]e|edition|membership)\b|\b(?:tarif|abonnement|abo|forfait|suscripci[oó]n|assinatura|abbonamento|piano)\b`),
    single: true,
  },
  {
    name: 'language',
    asks: re(String.raw`\blanguages?\b|\bsprache\b|\blangue\b|\bidioma\b|\blingua\b|\btaal\b|\bin (?:what|which) (?:language|tongue)\b`),
    states: re(String.raw`\blanguages?\b|\b(?:${LANGS})\b|\bsprache\b|\blangue\b|\bidioma\b|\blingua\b|\btaal\b`),
    single: true,
  },
  {
    name: 'style',
    asks: re(String.raw`\b(?:antworten|antwort|réponses?|respuestas?|respostas?|risposte?|antwoorden?)\b|\b(?:answers?|replies|reply|responses?|messages?|summaries|emails?)\b.*\b(?:format|formatted|style|tone|length|long|short|written|like|prefer|want|be)\b|\b(?:format|style|tone|length|how long|how short)\b.*\b(?:answers?|replies|responses?|messages?)\b|\bhow (?:should|do) (?:you|i)\b.*\b(?:answer|reply|respond|write)\b|\bhow do i like\b`),
    states: re(String.raw`\b(?:kurze?n?|knappe?n?|ausführliche?n?|courtes?|brèves?|détaillées?|cortas?|breves?|detalladas?|curtas?|detalhadas?|brevi|dettagliate|korte|uitgebreide)\s+(?:antworten|réponses|respuestas|respostas|risposte|antwoorden)\b|\b(?:bullet(?: points?)?|bullets|short|brief|concise|terse|detailed|long|formal|informal|casual|plain|simple|tables?|markdown|tl;?dr|no fluff|fluff|step[- ]by[- ]step|numbered)\b.*\b(?:answers?|replies|responses?|messages?|summaries|them)\b|\b(?:answers?|replies|responses?|messages?|summaries)\b.*\b(?:bullet|short|brief|concise|detailed|formal|informal|casual|plain|simple|fluff)\w*`),
    single: false,
  },
  {
    name: 'diet',
    asks: re(String.raw`\bdiet(?:ary)?\b|\ballerg\w*|\bintoleran\w*|\bfood\b|\beat\b|\bmeals?\b|\bcan(?:'t|not) (?:eat|have)\b|\bern[äa]hrung\b|\bessen\b|\balimenta\w*|\bcomida\b|\bcibo\b|\beten\b`),
    states: re(String.raw`\b(?:vegetarian|vegan|pescatarian|halal|kosher|gluten|lactose|dairy|nuts?|peanuts?|shellfish|allerg\w*|intoleran\w*|coeliac|celiac|diabetic|eat|diet)\b|\bvegetari\w*|\bveg[ae]n\w*|\bzöliakie\b|\bessen?\b|\bmange\b|\bcomo\b`),
    single: false,
  },
  {
    name: 'accessibility',
    asks: re(String.raw`\baccessib\w*|\bdisabilit\w*|\baccommodat\w*|\bspecial needs\b|\bassistive\b|\bbarrierefrei\w*|\baccessibilit\w*|\baccesibilidad\b|\bacessibilidade\b|\btoegankelijk\w*`),
    states: re(String.raw`\bscreen ?reader\b|\b(?:blind|deaf|hard of hearing|colou?r-?blind|dyslexi\w*|wheelchair|low vision|large (?:print|font|text)|captions|subtitles|sign language|hearing aid|magnifier|accessib\w*|adhd|autis\w*)\b`),
    single: false,
  },
  {
    name: 'device',
    asks: re(String.raw`\b(?:device|devices|laptop|computer|phone|mobile|tablet|machine|hardware|operating system|os|browser|setup)\b`),
    states: re(String.raw`\b(?:macbook|mac|imac|iphone|ipad|android|pixel|samsung|galaxy|windows|linux|ubuntu|chromebook|thinkpad|dell|lenovo|hp|surface|laptop|phone|tablet|pc|desktop|browser|chrome|firefox|safari|edge)\b`),
    single: false,
  },
  {
    name: 'skills',
    asks: re(String.raw`\bprogramming languages?\b|\b(?:tech|technology) stack\b|\b(?:code|program|develop|work) in\b.*\b(?:language|stack)\b|\bwhich languages? do i (?:code|program|write)\b|\bmy (?:stack|skills|expertise|specialty|speciality)\b`),
    states: re(String.raw`\b(?:python|java|javascript|typescript|golang|go|rust|c\+\+|c#|ruby|php|kotlin|swift|scala|sql|r|elixir|haskell|dart|react|angular|vue|django|rails|spring|\.net|node(?:\.js)?)\b`),
    single: false,
  },
  {
    // The speaker's (or their organisation's) tools and providers: "Our clinic runs on Epic".
    name: 'tools',
    asks: re(String.raw`\b(?:what|which)\s+(?:[\p{L}-]+\s+){0,2}(?:system|systems|software|tool|tools|platform|app|apps|crm|erp|service|provider|stack|bank|vendor|suite|program)\b|\bwhat do (?:we|i) (?:use|run)\b|\b(?:use|run) for\b|\bwhat (?:does|do) (?:our|my) [\p{L}-]+ (?:use|run)\b`),
    states: re(String.raw`\b(?:use|uses|using|runs? on|running on|runs|works? with|banks? with|relies? on|on)\b|\bnutzt\b|\bverwendet\b|\butilise\b|\busa\b|\butiliza\b|\butilizza\b|\bgebruikt\b`),
    single: false,
  },
  {
    name: 'project',
    asks: re(String.raw`\bprojects?\b|\bworking on\b|\b(?:do|did) i own\b|\bresponsible for\b|\bin charge of\b|\bprojekt\w*|\bprojet\w*|\bproyecto\w*|\bprojeto\w*|\bprogett\w*|\bproject\w*`),
    states: re(String.raw`\bprojects?\b|\bown\b|\bowner\b|\bin charge of\b|\bresponsible for\b|\bworking on\b|\blead(?:ing)?\b|\bprojekt\w*|\bprojet\w*|\bproyecto\w*|\bprojeto\w*|\bprogett\w*`),
    single: false,
  },
];

/** The kinds a question asks for (several may fit: "which team am I on?" — team). */
export function kindsAsked(question: string): AttributeKind[] {
  return KINDS.filter((k) => k.asks.test(question));
}

/** The kinds a statement gives a value of. */
export function kindsStated(sentence: string): AttributeKind[] {
  return KINDS.filter((k) => k.states.test(sentence));
}
