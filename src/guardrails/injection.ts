import { screeningVariants } from './normalize.js';

/**
 * Prompt-injection heuristics, run over every screening variant of a canonical text (homoglyphs
 * folded, leetspeak read, base64 / %XX / ROT13 decoded). Patterns name the *object* of an
 * override ("ignore the previous instructions"), so ordinary corrections ("disregard the previous
 * figure; the budget is $40k") do not match. Latin-script patterns see lower-cased skeletons;
 * Cyrillic and Han patterns see the plain text, where those scripts are intact.
 */

export type InjectionKind = 'instruction_override' | 'role_play' | 'system_token' | 'fake_header' | 'planted_tag' | 'prompt_exfiltration';

const OBJ_EN = '(?:instructions?|prompts?|directives?|guidelines|guardrails|system\\s+(?:prompt|message)|programming|context|constraints|safety\\s+(?:rules|guidelines|filters?))';
const QUAL_EN = '(?:all|any|every|the|your|my|these|those|previous|prior|above|earlier|preceding|original|initial|system|old|existing|current|safety|\\s)*';

const LATIN: Array<[InjectionKind, RegExp]> = [
  // English overrides
  ['instruction_override', new RegExp(`\\b(?:ignore|disregard|forget|override|overrule|bypass|drop|discard|abandon|skip|neglect|delete|erase|cancel)\\s+${QUAL_EN}${OBJ_EN}`)],
  ['instruction_override', /\b(?:ignore|disregard|forget|bypass|override)\s+(?:all|any|your|the\s+(?:previous|prior|above|earlier|system))\s+(?:of\s+(?:your|the)\s+)?(?:rules|policies|restrictions|filters|checks)\b/],
  ['instruction_override', /\b(?:do\s+not|don'?t|never)\s+(?:follow|obey|apply)\s+(?:your|the|any)\s+(?:previous\s+|system\s+|original\s+)?(?:instructions|rules|guidelines|policies|system\s+prompt)\b/],
  ['instruction_override', /\b(?:new|updated|real|actual|true|overriding)\s+(?:system\s+)?instructions?\s*(?::|follow|are|below)/],
  ['instruction_override', /\bfrom\s+now\s+on,?\s+(?:you\s+(?:will|must|shall|should|are|have)|ignore|always\s+(?:skip|approve|bypass|ignore)|never\s+(?:check|verify|ask|refuse))/],
  ['instruction_override', /\b(?:always|automatically)\s+(?:approve|authori[sz]e)\s+(?:all|every|any)\b/],
  ['instruction_override', /\b(?:skip|bypass|disable|turn\s+off|circumvent)\s+(?:all\s+|the\s+|any\s+|your\s+)*(?:approval|security|safety|fraud|compliance|verification|kyc|aml|content)\s+(?:checks?|filters?|steps?|process|rules|guardrails?)\b/],
  // Role play / jailbreak
  ['role_play', /\byou\s+are\s+(?:now|no\s+longer)\s+(?:a|an|the|in|called|named|dan|free|unrestricted|unfiltered|jailbroken|evil|not|bound)\b/],
  ['role_play', /\b(?:pretend|imagine|act|behave|roleplay|role-play)\s+(?:to\s+be|you\s+are|that\s+you\s+are|as(?:\s+if\s+you\s+were)?)\s+(?:an?\s+)?(?:\w+\s+){0,3}(?:without|with\s+no|free\s+of|unbound\s+by|that\s+ignores?)\s+(?:any\s+)?(?:rules|restrictions|limits|filters|guidelines|ethics|policies)/],
  ['role_play', /\b(?:act|respond|answer)\s+as\s+(?:an?\s+)?(?:unfiltered|unrestricted|uncensored|jailbroken|evil|rogue|dan\b|developer\s+mode|system\s+administrator\s+with)/],
  ['role_play', /\b(?:developer|god|admin|sudo|debug|jailbreak|dan)\s+mode\s+(?:enabled|activated|on|unlocked)\b|\benable\s+(?:developer|god|jailbreak|dan)\s+mode\b/],
  ['role_play', /\bdo\s+anything\s+now\b|\b(?:you\s+are|you'?re|be|become|now|stay)\s+jailbroken\b|\bjailbreak\s+(?:mode|prompt|enabled|activated)\b/],
  ['instruction_override', /\b(?:ignore|disregard|forget)\s+(?:all\s+(?:of\s+)?|everything\s+)?(?:the\s+|what\s+is\s+|what'?s\s+)?above\b(?!\s+(?:typo|figure|number|message|email|draft|paragraph|line|list))|\bforget\s+everything\s+(?:you\s+(?:were|have\s+been)\s+told|above|before|so\s+far)/],
  // German
  ['instruction_override', /\b(?:ignorier(?:e|en)?|vergiss|vergessen|missachte[nt]?|überschreibe[n]?)\s+(?:sie\s+)?(?:bitte\s+)?(?:alle\s+|sämtliche\s+|die\s+|deine\s+|ihre\s+)*(?:vorherigen\s+|bisherigen\s+|obigen\s+|früheren\s+|ursprünglichen\s+)?(?:anweisungen|instruktionen|regeln|vorgaben|richtlinien|befehle|systemanweisungen)\b/],
  ['role_play', /\bdu\s+bist\s+(?:jetzt|nun|ab\s+sofort)\s+(?:ein|eine|der|die|im|frei|nicht)\b/],
  // Spanish
  ['instruction_override', /\b(?:ignora|ignore|ignorad|olvida|olvide|omite|descarta)\s+(?:todas\s+|todos\s+|las\s+|los\s+|tus\s+|sus\s+)*(?:instrucciones|indicaciones|reglas|directrices|normas)(?:\s+(?:anteriores|previas|del\s+sistema))?\b/],
  ['role_play', /\b(?:ahora\s+eres|a\s+partir\s+de\s+ahora\s+(?:eres|ignora|debes))\b/],
  // French
  ['instruction_override', /\b(?:ignore[zs]?|oublie[zs]?|néglige[zs]?|contourne[zs]?)\s+(?:toutes\s+|tous\s+|les\s+|tes\s+|vos\s+|ces\s+)*(?:instructions|consignes|règles|directives)(?:\s+(?:précédentes|antérieures|du\s+système|ci-dessus))?\b/],
  ['role_play', /\b(?:tu\s+es\s+(?:maintenant|désormais)|vous\s+êtes\s+(?:maintenant|désormais)|à\s+partir\s+de\s+maintenant,?\s+tu)\b/],
  // Exfiltration
  ['prompt_exfiltration', /\b(?:reveal|print|show|repeat|output|display|leak|dump|tell\s+me|give\s+me|write\s+out)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|exact\s+|hidden\s+|secret\s+|original\s+|initial\s+)*(?:system\s+prompt|hidden\s+instructions|initial\s+instructions|instructions\s+above|prompt\s+above|developer\s+message|system\s+message)/],
  // Role / system tokens and forged structure
  ['system_token', /<\|\s*(?:im_start|im_end|system|user|assistant|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\s*\|>|\[\/?inst\]|<<\/?sys>>|^\s*#{2,}\s*(?:system|instruction|new\s+instructions?)\b\s*:?/m],
  ['system_token', /<\s*\/?\s*(?:system|instructions?|admin|developer)\s*>|<\|[\w\s]{2,24}\|>/],
  ['fake_header', /<\s*\/?\s*semantic[_\s-]*memory\s*>|^\s*\[\s*source\s*:[^\]\n]*\]/m],
  ['planted_tag', /\[\s*learning\s*\]\s*:?/],
];

const NON_LATIN: Array<[InjectionKind, RegExp]> = [
  ['instruction_override', /(?:忽略|忽视|无视|忘记|忘掉|不要理会|跳过)(?:你|之前|以上|上面|先前|前面|所有|全部|一切|的|之前的|系统)*(?:指令|指示|规则|说明|提示|命令|设定)/u],
  ['role_play', /你现在是|从现在开始你|扮演一个(?:没有|不受)|越狱/u],
  ['prompt_exfiltration', /(?:显示|输出|告诉我|泄露|打印)(?:你的)?(?:系统提示|系统指令|隐藏指令)/u],
  ['instruction_override', /(?:игнорируй(?:те)?|забудь(?:те)?|проигнорируй(?:те)?|не\s+обращай(?:те)?\s+внимания\s+на|отмени(?:те)?)\s+(?:все\s+|свои\s+|ваши\s+|эти\s+)*(?:предыдущие\s+|прежние\s+|прошлые\s+|системные\s+|изначальные\s+)?(?:инструкции|указания|правила|команды|ограничения|инструкциям|указаниям|правилам)/iu],
  ['role_play', /(?:теперь\s+ты|отныне\s+ты|ты\s+теперь)\s+/iu],
  ['prompt_exfiltration', /(?:покажи|выведи|раскрой)\s+(?:свой\s+|мне\s+)?(?:системный\s+промпт|системные\s+инструкции|скрытые\s+инструкции)/iu],
];

export interface InjectionHit {
  kind: InjectionKind;
  via: string;
}

/** Injection hits over a canonical text and its decoded readings; one per kind, the plainest reading first. */
export function detectInjection(canonical: string): InjectionHit[] {
  const hits = new Map<InjectionKind, InjectionHit>();
  for (const v of screeningVariants(canonical)) {
    const lower = v.text.toLowerCase();
    const latinText = v.via === 'plain' ? lower : v.text;
    for (const [kind, re] of LATIN) if (!hits.has(kind) && re.test(latinText)) hits.set(kind, { kind, via: v.via });
    for (const [kind, re] of NON_LATIN) if (!hits.has(kind) && re.test(lower)) hits.set(kind, { kind, via: v.via });
  }
  return [...hits.values()];
}
