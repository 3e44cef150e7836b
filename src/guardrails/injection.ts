import { screeningVariants } from './normalize.js';
import { anyMatch } from './prefilter.js';

/**
 * Prompt-injection heuristics, run over every screening variant of a canonical text (homoglyphs
 * folded, leetspeak read, base64 / %XX / ROT13 decoded). Patterns name the *object* of an
 * override ("ignore the previous instructions"), so ordinary corrections ("disregard the previous
 * figure; the budget is $40k") do not match. Latin-script patterns see lower-cased skeletons;
 * Cyrillic and Han patterns see the plain text, where those scripts are intact.
 */

export type InjectionKind = 'instruction_override' | 'role_play' | 'system_token' | 'fake_header' | 'planted_tag' | 'prompt_exfiltration';

const OBJ_EN = '(?:instructions?|prompts?|directives?|guidelines|guidance|orders|commands|guardrails|system\\s+(?:prompt|message)|programming|context|constraints|safety\\s+(?:rules|guidelines|filters?))';
const QUAL_EN = '(?:all|any|every|the|your|my|these|those|previous|prior|above|earlier|preceding|original|initial|system|old|existing|current|safety|\\s)*';

const LATIN: Array<[InjectionKind, RegExp]> = [
  // English overrides
  ['instruction_override', new RegExp(`\\b(?:ignore|disregard|forget|override|overrule|bypass|drop|discard|abandon|skip|neglect|delete|erase|cancel)\\s+${QUAL_EN}${OBJ_EN}`)],
  ['instruction_override', /\b(?:ignore|disregard|forget|bypass|override)\s+(?:all|any|your|the\s+(?:previous|prior|above|earlier|system))\s+(?:of\s+(?:your|the)\s+)?(?:rules|policies|restrictions|filters|checks)\b/],
  ['instruction_override', /\b(?:do\s+not|don'?t|never)\s+(?:follow|obey|apply)\s+(?:your|the|any)\s+(?:previous\s+|system\s+|original\s+)?(?:instructions|rules|guidelines|policies|system\s+prompt)\b/],
  ['instruction_override', /\b(?:new|updated|real|actual|true|overriding)\s+(?:system\s+)?(?:instructions?|rules)\s*(?::|follow|are\s+(?:as\s+follows|below)|below)/],
  // Round 4: switching safety off, supersession claims, pre-approval, elevated roles, "your" settings
  ['instruction_override', /\b(?:disable|deactivate|turn\s+off|switch\s+off|remove|lift|drop)\s+(?:all\s+)?(?:your|the|any)\s+(?:own\s+)?(?:safety\s+|security\s+|content\s+)?(?:filters?|restrictions?|guardrails?|safeguards?|limitations?|refusals?|safety\s+rules|safety)\b/],
  ['instruction_override', /\b(?:your|the|all)\s+(?:old\s+|previous\s+|current\s+)?(?:limitations|restrictions|refusals|filters|safeguards|guardrails|safety\s+rules)\s+(?:are|were|have\s+been|has\s+been)\s+(?:now\s+)?(?:removed|disabled|lifted|off|gone|suspended|turned\s+off)/],
  ['instruction_override', /\b(?:refusals?|restrictions?|filters?|safety|limits)\s+(?:are|is)\s+(?:disabled|off|removed|lifted)\b/],
  ['instruction_override', /\b(?:ignore|disregard|forget|never\s*mind|override|bypass|drop)\s+your\s+(?:(?:prior|previous|original|current|initial|default)\s+)?(?:training|setup|configuration|settings|programming|role|persona|limitations|restrictions)\b/],
  ['instruction_override', /\b(?:supersedes?|overrides?|takes\s+precedence\s+over|replaces?|invalidates?)\s+(?:your|the|all|any)\s+(?:system\s+|original\s+|previous\s+)?(?:prompt|instructions|rules|guidelines|directives)\b/],
  ['instruction_override', /\btreat\s+(?:every|all|any|each)\s+(?:of\s+my\s+)?(?:requests?|messages?|orders?|payments?|refunds?|transfers?)\b[^.\n]{0,30}\bas\s+(?:pre-?approved|approved|authori[sz]ed|verified|trusted)\b|\b(?:you|assistant|the\s+assistant)\s+(?:is|are)\s+(?:now\s+)?authori[sz]ed\s+to\s+(?:release|share|disclose|export|send|approve|transfer)\s+(?:all|every|any)\b/],
  ['role_play', /\b(?:act|behave|respond|operate)\s+(?:like|as\s+if|as\s+though)\s+you\s+(?:have|had|are|were)\s+(?:root|admin(?:istrator)?|full|unrestricted|elevated|superuser|god)\b/],
  ['role_play', /\b(?:simulate|enter|switch\s+(?:to|into)|activate|enable)\s+(?:a\s+|an\s+|the\s+)?mode\s+(?:where|in\s+which|with(?:out)?)\b[^.\n]{0,40}\b(?:refusals?|restrictions?|filters?|rules|safety|limits|guardrails)\b/],

  ['instruction_override', /\bfrom\s+now\s+on,?\s+(?:you\s+(?:will|must|shall|should|are|have)|ignore|always\s+(?:skip|approve|bypass|ignore)|never\s+(?:check|verify|ask|refuse))/],
  ['instruction_override', /\b(?:always|automatically)\s+(?:approve|authori[sz]e)\s+(?:all|every|any)\b/],
  ['instruction_override', /\b(?:skip|bypass|disable|turn\s+off|circumvent)\s+(?:all\s+|the\s+|any\s+|your\s+)*(?:approval|security|safety|fraud|compliance|verification|kyc|aml|content)\s+(?:checks?|filters?|steps?|process|rules|guardrails?)\b/],
  // "Forget everything you were told", "your previous directives are void", "safety mode off"
  ['instruction_override', /\b(?:ignore|disregard|forget|set\s+aside|put\s+aside|drop|abandon|discard|throw\s+out|wipe)\s+(?:everything|all(?:\s+of)?\s+(?:that|what|this)|anything|whatever)\s+(?:you\s+(?:were|have\s+been|'ve\s+been|got)\s+(?:told|instructed|given|programmed|taught|asked)|(?:that\s+)?(?:came|comes|was\s+said)\s+(?:above|before)|above|before|previously|earlier|so\s+far|up\s+to\s+now)/],
  ['instruction_override', /\b(?:your|the|all|any)\s+(?:previous|prior|earlier|original|old|initial|system|existing)\s+(?:instructions|directives|rules|guidelines|guidance|orders|prompts?)\s+(?:are|is|have\s+been|has\s+been)\s+(?:now\s+)?(?:void|null|cancell?ed|revoked|obsolete|overridden|lifted|suspended|replaced|invalid|no\s+longer\s+(?:valid|in\s+effect|apply|applicable|active))/],
  ['instruction_override', /\b(?:system|admin|administrator|developer|root|sudo)\s+override\b|\b(?:safety|compliance|content|moderation|filtering|filters?|guardrails?|restrictions?|censorship|ethics)\s+(?:mode\s+)?(?:is\s+)?(?:now\s+)?(?:off|disabled|deactivated|suspended|lifted)\b/],
  // Refusing to comply with the assistant's rules, in any wording of "do not follow"
  ['instruction_override', new RegExp(`\\b(?:pay\\s+no\\s+attention\\s+to|stop\\s+(?:following|obeying|applying)|no\\s+longer\\s+(?:follow|obey|apply)|quit\\s+following|do\\s+not\\s+(?:follow|obey|apply)|don'?t\\s+(?:follow|obey|apply)|disobey|break|violate)\\s+${QUAL_EN}(?:of\\s+)?(?:the\\s+|your\\s+)?(?:rules|policies|restrictions|${OBJ_EN.slice(3, -1)})`)],
  ['instruction_override', /\b(?:your|the|all)\s+(?:safety\s+|content\s+|security\s+)?(?:instructions|rules|guidelines|guidance|restrictions|filters|guardrails|polic(?:y|ies))\s+(?:have|has)\s+been\s+(?:lifted|removed|disabled|suspended|revoked|cancell?ed|switched\s+off|turned\s+off)/],
  ['instruction_override', /\b(?:pretend|imagine|assume|act\s+as\s+if|suppose)\s+(?:that\s+)?(?:the\s+|your\s+|there\s+(?:is|are)\s+no\s+)(?:safety\s+|content\s+|security\s+|approval\s+)?(?:polic(?:y|ies)|rules|guidelines|restrictions|filters|guardrails|checks)\b(?:\s+(?:does\s+not|doesn'?t|do\s+not|don'?t)\s+(?:exist|apply)|\s+(?:is|are)\s+(?:gone|disabled|off|suspended))?/],
  ['instruction_override', /\b(?:answer|respond\s+to|comply\s+with|fulfil+|execute|carry\s+out)\s+(?:every|all|any)\s+(?:requests?|commands?|instructions?|orders?)\s+without\s+(?:checks?|question(?:ing)?|refus(?:al|ing)|restrictions?|filter(?:s|ing)?|hesitation)/],
  ['role_play', /\b(?:if\s+)?you\s+(?:had|have|were\s+(?:free\s+of|without))\s+no\s+(?:restrictions|rules|filters|guidelines|limits|safety\s+rules)\b/],
  ['role_play', /\byou\s+are\s+now\s+["“'][^"”'\n]{2,30}["”']/],
  ['instruction_override', /\byou\s+(?:must|will|shall)\s+(?:now\s+)?(?:comply|obey)\s+(?:with\s+)?(?:the\s+following|these|my|every|all)\b/],
  // Role play / jailbreak
  ['role_play', /\b(?:ai|assistant|model|chatbot|bot|llm|persona|character|version\s+of\s+(?:you|yourself))\b[^.\n]{0,50}\b(?:with\s+no|without(?:\s+any)?|free\s+(?:of|from)|has\s+no|have\s+no|unbound\s+by|not\s+bound\s+by)\s+(?:content\s+polic(?:y|ies)|restrictions|rules|filters|guidelines|ethics|censorship|safety\s+(?:rules|guidelines))\b/],
  ['role_play', /\b(?:who|which|that)\s+(?:has|have)\s+no\s+(?:restrictions|rules|filters|content\s+polic(?:y|ies)|guidelines|ethics|censorship)\b/],
  ['role_play', /\byou\s+are\s+(?:now|no\s+longer)\s+(?:a|an|the|in|called|named|dan|free|unrestricted|unfiltered|jailbroken|evil|not|bound)\b/],
  ['role_play', /\b(?:pretend|imagine|act|behave|roleplay|role-play)\s+(?:to\s+be|you\s+are|that\s+you\s+are|as(?:\s+if\s+you\s+were)?)\s+(?:an?\s+)?(?:\w+\s+){0,3}(?:without|with\s+no|free\s+of|unbound\s+by|that\s+ignores?)\s+(?:any\s+)?(?:rules|restrictions|limits|filters|guidelines|ethics|policies)/],
  ['role_play', /\b(?:act|respond|answer)\s+as\s+(?:an?\s+)?(?:unfiltered|unrestricted|uncensored|jailbroken|evil|rogue|dan\b|developer\s+mode|system\s+administrator\s+with)/],
  ['role_play', /\b(?:developer|god|admin|sudo|debug|jailbreak|dan)\s+mode\s+(?:enabled|activated|on|unlocked)\b|\benable\s+(?:developer|god|jailbreak|dan)\s+mode\b/],
  ['role_play', /\bdo\s+anything\s+now\b|\b(?:you\s+are|you'?re|be|become|now|stay)\s+jailbroken\b|\bjailbreak\s+(?:mode|prompt|enabled|activated)\b/],
  ['instruction_override', /\b(?:ignore|disregard|forget)\s+(?:all\s+(?:of\s+)?|everything\s+)?(?:the\s+|what\s+is\s+|what'?s\s+)?above\b(?!\s+(?:typo|figure|number|message|email|draft|paragraph|line|list))|\bforget\s+everything\s+(?:you\s+(?:were|have\s+been)\s+told|above|before|so\s+far)/],
  // German
  ['instruction_override', /\b(?:deaktiviere|deaktivieren\s+sie|schalte|schalten\s+sie)\s+(?:bitte\s+)?(?:deine|ihre|die|alle)\s+(?:sicherheits\w*|filter\w*|einschränkungen|schutz\w*|regeln)/],
  ['instruction_override', /\b(?:ignorier(?:e|en)?|vergiss|vergessen|missachte[nt]?|überschreibe[n]?)\s+(?:sie\s+)?(?:bitte\s+)?(?:alle\s+|sämtliche\s+|die\s+|deine\s+|ihre\s+)*(?:vorherigen\s+|bisherigen\s+|obigen\s+|früheren\s+|ursprünglichen\s+)?(?:anweisungen|instruktionen|regeln|vorgaben|richtlinien|befehle|systemanweisungen)\b/],
  ['role_play', /\bdu\s+bist\s+(?:jetzt|nun|ab\s+sofort)\s+(?:ein|eine|der|die|im|frei|nicht)\b/],
  ['instruction_override', /\b(?:vergiss|ignoriere|vergessen\s+sie|ignorieren\s+sie)\s+alles\b(?:\s*,)?\s*(?:was|bisherige|vorherige|obige|bisher|davor|zuvor)/],
  // Spanish
  ['instruction_override', /\b(?:desactiva|desactive|desactivad|quita|elimina)\s+(?:tus|sus|los|las|todos\s+(?:tus|los))\s+(?:filtros|restricciones|reglas|límites|protecciones)/],
  ['instruction_override', /\b(?:olvida|olvide|olvidad|ignora|ignore|ignorad)\s+todo\s+(?:lo\s+(?:anterior|previo|que\s+te\s+(?:dijeron|han\s+dicho|dije))|lo\s+dicho)/],
  ['instruction_override', /\b(?:ignora|ignore|ignorad|olvida|olvide|omite|descarta)\s+(?:todas\s+|todos\s+|las\s+|los\s+|tus\s+|sus\s+)*(?:instrucciones|indicaciones|reglas|directrices|normas)(?:\s+(?:anteriores|previas|del\s+sistema))?\b/],
  ['role_play', /\b(?:ahora\s+eres|a\s+partir\s+de\s+ahora\s+(?:eres|ignora|debes))\b/],
  // French
  ['instruction_override', /\b(?:désactive[zs]?|supprime[zs]?|enlève[zs]?)\s+(?:tes|vos|les|tous\s+(?:tes|vos|les))\s+(?:filtres|restrictions|règles|limites|protections|garde-fous)/],
  ['instruction_override', /\b(?:ne\s+(?:tiens|tenez)\s+(?:pas|plus)\s+compte\s+(?:de|des)|ne\s+(?:suis|suivez|respecte[zs]?|respectez)\s+(?:pas|plus))\s+(?:tes|vos|les|ces)\s+(?:instructions|consignes|règles|directives)/],
  ['instruction_override', /\b(?:no\s+(?:sigas|siga|sigáis|obedezcas|cumplas))\s+(?:tus|sus|las)\s+(?:instrucciones|reglas|normas|directrices)|\b(?:befolge|befolgen\s+sie)\s+(?:deine|ihre|die)\s+(?:anweisungen|regeln|richtlinien)\s+nicht|\bhalte?\s+dich\s+nicht\s+(?:mehr\s+)?an\s+(?:deine|die)\s+(?:anweisungen|regeln|richtlinien)/],
  ['instruction_override', /\b(?:oublie[zs]?|ignore[zs]?)\s+tout\s+(?:ce\s+qu['’]?(?:on|il|elle|vous|tu)?|ce\s+qui\s+précède|les\s+instructions|l['’]historique)/],
  ['instruction_override', /\b(?:ignore[zs]?|oublie[zs]?|néglige[zs]?|contourne[zs]?)\s+(?:toutes\s+|tous\s+|les\s+|tes\s+|vos\s+|ces\s+)*(?:instructions|consignes|règles|directives)(?:\s+(?:précédentes|antérieures|du\s+système|ci-dessus))?\b/],
  ['role_play', /\b(?:tu\s+es\s+(?:maintenant|désormais)|vous\s+êtes\s+(?:maintenant|désormais)|à\s+partir\s+de\s+maintenant,?\s+tu)\b/],
  // Exfiltration
  ['prompt_exfiltration', /\b(?:repeat|print|output|show|reveal|quote|recite|dump|echo|display|leak)\b[^.?\n]{0,40}\byour\s+(?:(?:system|initial|original|hidden|full|entire|exact)\s+)?prompt\b|\b(?:repeat|recite|quote|print|dump)\s+(?:back\s+)?your\s+(?:(?:system|initial|original|hidden|full|entire|exact)\s+)?instructions\b/],
  ['prompt_exfiltration', /\b(?:print|repeat|output|show|reveal|quote|copy|display|recite|echo|write\s+out|dump)\s+(?:back\s+)?(?:everything|all(?:\s+(?:the\s+)?text)?|the\s+(?:entire\s+|whole\s+|full\s+)?(?:text|conversation|prompt|context))\s+(?:above|before\s+this|preceding|so\s+far|that\s+came\s+before|you\s+(?:were|have\s+been)\s+given)/],
  ['prompt_exfiltration', /\b(?:what\s+(?:were|are|was|is)\s+you\s+(?:told|given|instructed)|quote|repeat|reveal|recite|tell\s+me|share)\b[^.?\n]{0,40}\b(?:your|the)\s+(?:system|initial|hidden|original|developer|secret)\s+(?:message|prompt|instructions)/],
  ['prompt_exfiltration', /\b(?:reveal|print|show|repeat|output|display|leak|dump|tell\s+me|give\s+me|write\s+out)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|exact\s+|hidden\s+|secret\s+|original\s+|initial\s+)*(?:system\s+prompt|hidden\s+instructions|initial\s+instructions|instructions\s+above|prompt\s+above|developer\s+message|system\s+message)/],
  // Role / system tokens and forged structure
  ['system_token', /<\|\s*(?:im_start|im_end|system|user|assistant|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\s*\|>|\[\/?inst\]|<<\/?sys>>|^\s*#{2,}\s*(?:system|instruction|new\s+instructions?)\b\s*:?/m],
  ['system_token', /<\s*\/?\s*(?:system|instructions?|admin|developer)\s*>|<\|[\w\s]{2,24}\|>|\[(?:system|assistant|developer)\]\s*\(|<!--\s*(?:system|assistant|developer|instructions?)\s*:/],
  ['fake_header', /<\s*\/?\s*semantic[_\s-]*memory\s*>|^\s*\[\s*source\s*:[^\]\n]*\]/m],
  // A forged transcript: the message itself speaks as the assistant and then as the user.
  ['system_token', /(?:^|[\s.!?])(?:assistant|ai|bot|system)\s*:\s[\s\S]{1,400}?(?:^|[\s.!?])(?:user|human)\s*:\s/m],
  ['planted_tag', /\[\s*learning\s*\]\s*:?/],
  // The tag in other clothes: any bracket pair (then a separator), an XML-style element (a bare
  // upper-case `LEARNING:` line is looked for in the plain reading, which keeps its case).
  ['planted_tag', /[({<【〔「『〈《⟨«]\s*learnings?\s*[)}>】〕」』〉》⟩»]\s*[:：=\-–—>]|<\s*\/?\s*learnings?\s*>/],
  // Portuguese, Italian, Dutch, Polish, Turkish, Vietnamese overrides
  ['instruction_override', /\b(?:ignore|ignora|ignorar|ignorem|esque[cç]a|esquecer|desconsidere|desconsiderar|descarte)\s+(?:todas\s+|as\s+|suas\s+|tuas\s+|essas\s+)*(?:instru[cç][oõ]es|regras|diretrizes|orienta[cç][oõ]es)(?:\s+(?:anteriores|pr[eé]vias|do\s+sistema))?\b/],
  ['instruction_override', /\b(?:ignora|ignorate|ignori|dimentica|dimenticate|trascura)\s+(?:tutte\s+|le\s+|tue\s+|sue\s+|queste\s+)*(?:istruzioni|regole|direttive|indicazioni)\b/],
  ['instruction_override', /\b(?:negeer|vergeet)\s+(?:alle\s+|de\s+|je\s+|jouw\s+|uw\s+)*(?:vorige\s+|eerdere\s+|voorgaande\s+|oorspronkelijke\s+)?(?:instructies|regels|richtlijnen|opdrachten)\b/],
  ['instruction_override', /\b(?:zignoruj|ignoruj|zapomnij|pomi[nń])\s+(?:o\s+)?(?:wszystkie\s+|wszelkie\s+|swoje\s+|twoje\s+|te\s+)*(?:poprzednie\s+|wcze[sś]niejsze\s+)?(?:instrukcj\p{L}*|polece\p{L}*|zasad\p{L}*|regu[lł]\p{L}*|wytyczn\p{L}*)/u],
  ['instruction_override', /(?:önceki|tüm|bütün|yukarıdaki)\s+(?:\p{L}+\s+)?(?:talimat\p{L}*|kural\p{L}*|komut\p{L}*|yönerge\p{L}*)\s+(?:yok\s+say|unut|görmezden\s+gel|dikkate\s+alma|önemseme)/u],
  ['instruction_override', /(?:bỏ\s+qua|phớt\s+lờ|quên\s+đi|quên|lờ\s+đi)\s+(?:tất\s+cả\s+)?(?:mọi\s+)?(?:các\s+|những\s+)?(?:hướng\s+dẫn|chỉ\s+dẫn|chỉ\s+thị|quy\s+tắc|lệnh)/u],
  ['role_play', /\b(?:a\s+partir\s+de\s+agora\s+(?:você|voce|tu)\s+(?:é|e|és)|da\s+(?:ora|adesso)\s+in\s+poi\s+(?:tu\s+)?sei|vanaf\s+nu\s+ben\s+(?:je|jij)|od\s+teraz\s+jeste[sś])\b/],
];

export const NON_LATIN: Array<[InjectionKind, RegExp]> = [
  ['instruction_override', /(?:忽略|无视|忘记|忘掉|不要理会)(?:上面|以上|之前|前面|先前)的?(?:所有|全部|一切)?的?(?:内容|一切|指令|话|说明|规则)/u],
  ['instruction_override', /(?:关闭|关掉|解除|取消|禁用|去掉)(?:你的|所有|全部)?(?:的)?(?:安全)?(?:限制|过滤|过滤器|规则|防护|审查)/u],
  ['instruction_override', /(?:отключи(?:те)?|сними(?:те)?|убери(?:те)?|выключи(?:те)?)\s+(?:все\s+)?(?:свои\s+|твои\s+|ваши\s+)?(?:фильтры|ограничения|правила|защиту|проверки)/iu],
  ['instruction_override', /(?:不要|别|不必|无需)(?:再)?(?:遵守|遵循|听从|服从|理会)(?:你的|你|系统的?|之前的?)?(?:规则|指令|指示|规定|限制|说明)/u],
  ['instruction_override', /(?:не\s+(?:следуй(?:те)?|выполняй(?:те)?|соблюдай(?:те)?|слушай(?:те)?)|перестань(?:те)?\s+(?:следовать|соблюдать))\s+(?:своим\s+|твоим\s+|вашим\s+|этим\s+|системным\s+)?(?:инструкциям|правилам|указаниям|ограничениям|инструкции|правила|указания)/iu],
  ['instruction_override', /(?:забудь(?:те)?|игнорируй(?:те)?|проигнорируй(?:те)?)\s+вс[её](?:\s*,|\s+что|\s+предыдущее|\s+сказанное|\s+выше|\s+прежнее)/iu],
  ['instruction_override', /(?:忽略|忽视|无视|忘记|忘掉|不要理会|跳过)(?:你|之前|以上|上面|先前|前面|所有|全部|一切|的|之前的|系统)*(?:指令|指示|规则|说明|提示|命令|设定)/u],
  ['role_play', /你现在是|从现在开始你|扮演一个(?:没有|不受)|越狱/u],
  ['prompt_exfiltration', /(?:显示|输出|告诉我|泄露|打印)(?:你的)?(?:系统提示|系统指令|隐藏指令)/u],
  ['instruction_override', /(?:игнорируй(?:те)?|забудь(?:те)?|проигнорируй(?:те)?|не\s+обращай(?:те)?\s+внимания\s+на|отмени(?:те)?)\s+(?:все\s+|свои\s+|ваши\s+|эти\s+)*(?:предыдущие\s+|прежние\s+|прошлые\s+|системные\s+|изначальные\s+)?(?:инструкции|указания|правила|команды|ограничения|инструкциям|указаниям|правилам)/iu],
  ['role_play', /(?:теперь\s+ты|отныне\s+ты|ты\s+теперь)\s+/iu],
  // Japanese, Korean, Arabic, Hindi overrides
  ['instruction_override', /(?:以前|前|上記|これまで|先ほど|全て|すべて)の?(?:指示|命令|ルール|指図|設定|プロンプト)(?:を|は)?(?:すべて|全て)?(?:無視|忘れ)/u],
  ['instruction_override', /(?:이전|앞의|위의|기존|모든)\s*(?:의\s*)?(?:지시|명령|지침|규칙|프롬프트)\S*(?:\s+(?:모두|전부|다|전혀))?\s*(?:무시|잊어)/u],
  ['instruction_override', /(?:تجاهل|انس|أهمل)\s+(?:جميع\s+|كل\s+)?(?:التعليمات|الأوامر|القواعد|الإرشادات)/u],
  ['instruction_override', /(?:पिछले|पिछली|पहले\s+के|सभी|ऊपर\s+के)\s+(?:सभी\s+)?(?:निर्देशों|निर्देश|नियमों|नियम|आदेशों)\s+(?:को\s+)?(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल)/u],
  ['prompt_exfiltration', /(?:покажи|выведи|раскрой)\s+(?:свой\s+|мне\s+)?(?:системный\s+промпт|системные\s+инструкции|скрытые\s+инструкции)/iu],
];

export interface InjectionHit {
  kind: InjectionKind;
  via: string;
}

/** Whether any LATIN pattern matches: one scan per flag set instead of one per pattern. */
const ANY_LATIN = anyMatch(LATIN.map(([, re]) => re));
/**
 * Every NON_LATIN pattern needs a Cyrillic or Han letter from its own words, and only these code
 * points match one of those letters, case-folded or not (prefilter.test.ts checks it over every
 * code point): a reading without any, even with typographic dashes and quotes, skips them all.
 */
export const MAYBE_NON_LATIN = /[\u0400-\u04FF\u0600-\u06FF\u0900-\u097F\u1C80-\u1C8F\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]/;

/**
 * Injection hits over a canonical text and its decoded readings; one per kind, the plainest reading
 * first. A reading whose tested string was already tested (the lower-cased plain text is often the
 * homoglyph skeleton too) cannot add a hit: a kind it would match was recorded by the earlier one.
 */
export function detectInjection(canonical: string): InjectionHit[] {
  const hits = new Map<InjectionKind, InjectionHit>();
  const latinSeen: string[] = [];
  const nonLatinSeen: string[] = [];
  for (const v of screeningVariants(canonical)) {
    const lower = v.text.toLowerCase();
    const latinText = v.via === 'plain' ? lower : v.text;
    // The one case-sensitive look: an upper-case LEARNING: line is a forged tag, "Learning:" prose.
    if (v.via === 'plain' && !hits.has('planted_tag') && /(?:^|\n)\s*(?:[-*>#]\s*)*L\s*E\s*A\s*R\s*N\s*I\s*N\s*G\s*[:：]/.test(v.text)) hits.set('planted_tag', { kind: 'planted_tag', via: 'plain' });
    if (!latinSeen.includes(latinText)) {
      latinSeen.push(latinText);
      if (ANY_LATIN(latinText)) for (const [kind, re] of LATIN) if (!hits.has(kind) && re.test(latinText)) hits.set(kind, { kind, via: v.via });
    }
    if (!nonLatinSeen.includes(lower)) {
      nonLatinSeen.push(lower);
      if (MAYBE_NON_LATIN.test(lower)) for (const [kind, re] of NON_LATIN) if (!hits.has(kind) && re.test(lower)) hits.set(kind, { kind, via: v.via });
    }
  }
  return [...hits.values()];
}
