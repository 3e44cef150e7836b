import { sentenceCase } from './facts.js';
import { ML_HEDGE } from './lexicon-multilingual.js';
import { ML_SELF } from './personal-multilingual.js';
import { sentences } from './text.js';

/**
 * A speaker describing a lasting attribute of themself — where they are based, what they use or
 * prefer, who their manager is, how to reach them, their plan or tier — is what a model told to
 * remember users' preferences marks for memory, with no "remember" and no change word ("I'm based
 * in Lisbon.", "My preferred language is Portuguese.", "Best way to reach me is Slack."). The
 * runtime then decides it is about the user (a personal fact, never shared). A rule-based
 * stand-in: it reads the shape of first-person statements, not their meaning, and leaves out what
 * is a request, a passing state or a guess ("I need…", "I'm looking for…", "I think my…").
 */

/** Openers that add nothing: "btw, my…", "just so you know, I…". */
const LEAD = /^(?:(?:also|and|btw|by the way|fyi|oh|ok|okay|so|just so you know|for (?:your )?info(?:rmation)?)[,:;]?\s+)*/i;

/** Possessions that are the topic of a request or an apology, not an attribute: "my question is…", "my bad". */
const NOT_ATTRIBUTE = 'question|questions|bad|apologies|apology|pleasure|guess|problem|problems|issue|issues|concern|concerns|point|request|mistake|fault|worry|hope|plan is to|goal is to|idea';

/** "my <up to four words> is/are <something>": my time zone is CET, my manager's name is Oluwaseun. */
const MY_X_IS = new RegExp(`^my\\s+(?!(?:${NOT_ATTRIBUTE})\\b)[\\p{L}\\p{N}'’/-]+(?:\\s+[\\p{L}\\p{N}'’/-]+){0,3}?\\s+(?:is|are|'s|’s)\\s+(?!(?:not|no longer|missing|broken|late|wrong|stuck|gone|down|locked|still)\\b)\\S`, 'iu');

/** "I'm in the Asia/Tokyo time zone", "I work on Pacific time zone hours": the speaker's clock. */
const I_TIME_ZONE = /^(?:i'm|i’m|i am|i live|i work|i'm usually|i am usually)\b[^.?!]*\btime ?zone\b/i;

/** "They/them pronouns for me, please.": pronouns, stated without a verb. */
const PRONOUNS = /^(?!.*\b(?:what|which|how)\b)(?:(?:my\s+pronouns\s+are|pronouns:?)\s+)?(?:he|she|they|xe|ze|ey|fae)\s?\/\s?(?:him|her|them|hir|zir|em|faer)\b(?:\s+(?:pronouns|please|for me|,))*[\s,.!]*(?:please|for me|thanks)?[.!]?$/i;

/** "We're a team of 12 using Notion", "we're a small agency in Porto": the speaker's organisation. */
const WE_ARE_ORG = /^we(?:'re|’re| are)\s+(?:a|an)\s+(?:[\p{L}\p{N}-]+\s+){0,4}?(?:team|company|firm|startup|shop|agency|business|practice|group|family|household|clinic|studio|school|charity|nonprofit|non-profit)\b/iu;

/** "My name's Arjun", "my manager's Hannah": the contracted copula. */
const MY_X_S = /^my\s+(?:[\p{L}\p{N}-]+\s+){0,2}[\p{L}\p{N}-]+['’]s\s+(?!(?:not|no longer|missing|broken|late|wrong|stuck|gone|down|locked|still|been|being|getting|going|out|off|over|due|overdue)\b)\S/iu;

/** "the best way to reach me is…", "you can reach me on…": how to contact the speaker. */
export const REACH_ME = /^(?:the\s+)?(?:best|easiest|quickest|fastest|preferred)\s+way\s+to\s+(?:reach|contact|get hold of|call|message)\s+me\s+is\b|^you can (?:reach|contact|call|email|text|message) me\s+(?:at|on|via|by)\b/i;

/** "I'm a/an/the …", "I'm based in …", "I'm on the Gold tier", "I'm allergic to …": who or where the speaker is. */
const I_AM = /^(?:i'm|i’m|i am)\s+(?:(?:currently|now|still|mostly|usually|originally|also|actually)\s+)?(?:a|an|the|based|located|from|on the|part of|in charge of|responsible for|head of|allergic|intolerant|lactose|gluten|vegetarian|vegan|pescatarian|coeliac|celiac|diabetic|dyslexic|left-handed|right-handed|colou?r-?blind|deaf|blind|hard of hearing|married|retired|self-employed|fluent|native)\b/i;

/**
 * "I'm in Berlin", "I'm on Pacific time", "I'm Priya": a place, a clock or a name — capitalised, or
 * a time zone — right after "I'm". A lower-case word there is a passing state ("I'm in a meeting").
 */
const I_AM_NAMED = /^(?:[Ii]'m|[Ii]’m|[Ii] am)\s+(?:(?:currently|now|still|mostly|usually|originally|also|actually)\s+)?(?:(?:in|at|near|out of|over in)\s+\p{Lu}|on\s+(?:(?:\p{Lu}[\p{L}]*\s+){1,3}[Tt]ime\b|(?:the\s+)?(?:UTC|GMT|CET|CEST|EET|WET|EST|EDT|CST|CDT|MST|MDT|PST|PDT|IST|BST|JST|AEST|AEDT|BRT|SGT|HKT)\b|[\p{L}]+ time\b)|\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+)?\s*(?:$|[,.!;]|\s+(?:and|but|from|here)\b))/u;

/** "I live / work / use / prefer / bank with / go by / report to …": a habit or standing arrangement. */
const I_DO = /^i\s+(?:(?:usually|mostly|always|normally|mainly|now|currently)\s+)?(?:live|work|use|prefer|bank|speak|own|drive|commute|report to|go by|manage|lead|teach|study|head|run|chair|oversee|handle|look after|coordinate|(?:have|'ve got|have got)\s+(?:a|an|one|two|three|four|five|six|\d+|no)\s+(?:kids?|children|child|sons?|daughters?|brothers?|sisters?|siblings?|dogs?|cats?|pets?|cars?|grandchildren)|rely on|need (?:large|captions|subtitles|a screen reader)|only (?:use|work|speak|drink|eat)|(?:don't|do not|can't|cannot|can not|never) (?:eat|drink|drive|use|work|have|read|hear|see)|moved to|relocated to|have moved to|(?:like|want) (?:my|your) (?:answers|replies|responses|messages|emails|summaries)|(?:like|want) (?:answers|replies|responses) )\b/i;

/** "I switched to a Mac", "I've moved to Lisbon": the speaker's own new device, place, tool. */
const I_SWITCHED = /^i(?:'ve|’ve| have)?\s+(?:just\s+|recently\s+)?(?:switched|changed|migrated|upgraded|downgraded)\s+(?:over\s+)?to\s/i;

/** "I've moved to Lisbon", "I've relocated to Valencia": the speaker's new place, in the perfect. */
const I_HAVE_MOVED = /^(?:i've|i’ve|i have)\s+(?:just\s+|recently\s+)?(?:moved|relocated)\s+(?:to|out to|over to)\s|^(?:i've|i’ve|i have|i)\s+(?:just\s+|recently\s+)?(?:joined|started (?:at|with|working (?:at|for)))\s+(?!(?:a|an|the|this|that|my|your|our)\s+(?:call|meeting|chat|queue|line|webinar|session)\b)\S/i;

/**
 * How the speaker wants to be addressed, reached or answered, as a standing instruction: "Call me
 * Sam", "Please address me as Dr. Okafor", "Reach me on Teams", "Keep your replies short", "Always
 * answer in French". A one-off request has an object of its own ("call me back", "send me the file").
 */
const ADDRESS_ME = /^(?:please\s+)?(?:(?:you can|you may|feel free to|just|always)\s+)?(?:call|address|refer to|know)\s+me\s+(?:as\s+)?(?!back\b|later\b|tomorrow\b|now\b|when\b|if\b|at\s+\d)\S/i;
const REACH_IMPERATIVE = /^(?:please\s+)?(?:(?:just|always|only)\s+)?(?:reach|contact|message|ping|text|email|e-mail|call|phone)\s+me\s+(?:on|at|via|by|through|over)\s+(?!\d{1,2}(?::\d\d)?\s*(?:am|pm)\b)\S/i;
const REPLY_STYLE = /^(?:please\s+)?(?:(?:always|just)\s+)?(?:(?:i['’]d like|i want|i prefer)\s+(?:you|lore)\s+to\s+(?:always\s+)?(?:answer|reply|respond|write|talk|keep|use|speak|address|call)|(?:keep|make|write|give me|send me)\s+(?:your\s+|the\s+)?(?:answers|replies|responses|messages|summaries)|(?:answer|reply|respond|write|talk)\s+(?:to me\s+)?(?:in\s+(?:\p{Lu}\p{L}+|bullet points|bullets|short|plain|simple)|with\s+bullet|briefly|formally|informally|casually))\b/iu;

/**
 * The speaker's organisation and how it works — "Our company uses SAP", "Our firm runs payroll on
 * Workday", "My team uses Jira", "We use HubSpot": about the asker's own circumstances (another
 * customer uses other tools), not the tenant's world.
 */
const ORG = 'company|firm|employer|organi[sz]ation|org|business|startup|agency|practice|team|department|dept|group|school|shop|household|family|clinic|studio|lab|office';
const OUR_TOOLS = new RegExp(
  `^(?:(?:our|my)\\s+(?:whole\\s+|entire\\s+|own\\s+)?(?:${ORG})|we(?:\\s+(?:all|mostly|mainly|only))?)\\s+(?:(?:use|uses|is using|are using|runs?|is running|works? with|banks? with|relies? on|pays? (?:with|through|via)|(?:has |have )?(?:switched|moved|migrated|changed) (?:over )?to|(?:is|are) (?:based|located|headquartered|on)\\s)|(?:is|are)\\s+(?:in|at)\\s+\\p{Lu}|sits?\\s+in\\s+\\p{Lu})`,
  'iu',
);

/** "We upgraded to the Pro plan", "we moved to the Gold tier": the speaker's account changed. */
const OUR_ACCOUNT_HAVE = /^(?:we|i)(?:'ve| have)?\s+(?:(?:have|got|use|pay for|subscribe to|bought|purchased|signed up for|are on|am on)\s+)(?:the|a|an|our|my)\s+[\p{L}\p{N} +-]{1,30}?\s+(?:plan|tier|package|subscription|licen[cs]e|edition|membership)\b/iu;
const OUR_ACCOUNT_CHANGE = /^(?:we|i)(?:'ve|’ve| have)?\s+(?:just\s+)?(?:upgraded|downgraded|switched|moved|changed|renewed)\s+(?:to|onto)\s+(?:the|a|an)\s+[\p{L}\p{N} +-]{1,30}?\s+(?:plan|tier|package|subscription|licen[cs]e|edition)\b/iu;

/**
 * The speaker's own account, in the first person plural a customer uses for their company: "we're
 * on the premium plan", "our account manager is Priya". About the asker, not the tenant's world:
 * another customer has another plan and another account manager.
 */
export const OUR_ACCOUNT =
  /^(?:we(?:'re|’re| are) (?:on|with) (?:the|a|an) [\p{L}\p{N} -]{1,30}? (?:plan|tier|package|subscription|contract|licen[cs]e)\b|our (?:account(?: manager| number| id| owner| rep(?:resentative)?)?|plan|tier|subscription|contract|licen[cs]e|customer (?:number|id)|billing (?:address|contact|email)|renewal date)\s+(?:is|are|'s|’s|was|renews|ends|expires)\b)/iu;

/**
 * "We decided to pay in three instalments", "we chose the annual billing": an arrangement the
 * speaker made in their conversation — theirs to recall in a later session ("what did we decide
 * last week?"), never another customer's knowledge.
 */
export const DECIDED = /^(?:(?:so|ok|okay|right|then|also|and)[,:]?\s+)*(?:we|i)(?:'ve|’ve| have)?\s+(?:just\s+|finally\s+|already\s+|both\s+|all\s+)?(?:decided|agreed|settled on|chose|opted|went with|concluded|arranged)\b/i;

/** A guess, a wish or a hypothetical is not a fact about anyone. */
const HEDGE = /\b(?:i think|i guess|i believe|i suppose|maybe|perhaps|probably|possibly|might|not sure|unsure|if|whether|would like|wish|hope)\b/i;

/**
 * What the speaker is after right now, not a fact about them or the world: "I'm looking for the
 * invoice from March", "I need the form", "I'd like to speak to someone". Never remembered.
 */
const REQUEST = /^(?:(?:hi|hello|hey|so|ok|okay|also|and)[,!]?\s+)*(?:(?:i'm|i’m|i am|i was)\s+(?:(?:just|still|currently)\s+)?(?:looking for|trying to|hoping to|hoping for|wondering|searching for|about to|waiting for|interested in)|i\s+(?:(?:just|still|really)\s+)?(?:need|want|would like|wanted|am looking|was wondering|can't find|cannot find)|i['’]d (?:like|love))\b(?!\s+(?:you|lore)\s+to\b)/i;

export function isRequest(sentence: string): boolean {
  return REQUEST.test(sentence.trim());
}

/** Passing states and requests in the first person, even inside a matching shape: "I'm a bit confused". */
const PASSING = /^(?:i'm|i’m|i am)\s+(?:a (?:bit|little)|an? (?:idiot|fool))\b/i;

const QUESTION_START = /^(?:who|what|when|where|which|why|how|is|are|do|does|did|can|could|should|would|will|am)\b/i;

function isAttribute(sentence: string): boolean {
  const s = sentence.replace(LEAD, '').trim();
  if (!s || s.endsWith('?') || QUESTION_START.test(s) || HEDGE.test(s) || ML_HEDGE.test(s) || PASSING.test(s)) return false;
  return MY_X_IS.test(s) || REACH_ME.test(s) || I_AM.test(s) || I_AM_NAMED.test(s) || I_DO.test(s) || I_HAVE_MOVED.test(s) || OUR_ACCOUNT.test(s) || OUR_ACCOUNT_CHANGE.test(s) || OUR_ACCOUNT_HAVE.test(s) || PRONOUNS.test(s) || WE_ARE_ORG.test(s) || I_TIME_ZONE.test(s) || I_SWITCHED.test(s) || MY_X_S.test(s) || DECIDED.test(s) || OUR_TOOLS.test(s) || ADDRESS_ME.test(s) || REACH_IMPERATIVE.test(s) || REPLY_STYLE.test(s) || ML_SELF.test(s.replace(/^\p{Lu}/u, (c) => c.toLowerCase()));
}

/** Is this sentence the speaker stating a lasting attribute of themself (or their own organisation)? */
export function isSpeakerAttribute(sentence: string): boolean {
  return isAttribute(sentence);
}

/** "Please address me as Dr. Okafor." is one sentence: a title's period does not end it. */
function joinTitles(parts: string[]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    const prev = out.at(-1);
    if (prev !== undefined && /\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|St|Sr|Jr|Rev)\.$/.test(prev)) out[out.length - 1] = `${prev} ${p}`;
    else out.push(p);
  }
  return out;
}

/**
 * The first-person attribute statements of a message, joined, or null when it has none (or asks
 * something anywhere). At most 400 characters: a long message is a story, not an attribute.
 */
export function detectPersonalFact(message: string): string | null {
  const text = message.trim();
  if (!text || text.length > 400 || text.includes('?')) return null;
  const kept = joinTitles(sentences(text))
    .filter(isAttribute)
    .map((s) => sentenceCase(s.replace(LEAD, '')));
  return kept.length ? kept.join(' ') : null;
}
