/**
 * Statements that would change how money moves or how people are checked: approval rules and
 * thresholds, bank details, where a portal lives, "skip the checks". Harmless as a question, but a
 * learning that says so must not reach everyone on one user's word, so the learning stage holds
 * them (the trust model sends held learnings to review). Run over the lower-cased skeleton.
 */

const CHANGE = '(?:from\\s+now\\s+on|going\\s+forward|henceforth|effective\\s+(?:today|immediately)|(?:should\\s+)?(?:now\\s+)?goes?\\s+to|is\\s+now|are\\s+now|now\\s+(?:is|are|at|goes|lives)|has\\s+(?:moved|changed)|have\\s+changed|changed\\s+to|moved\\s+to|new|updated|raised\\s+to|lowered\\s+to|increased\\s+to|no\\s+longer|not\\s+needed|not\\s+required|ist\\s+jetzt|neue?n?|ahora\\s+es|nuevo|nueva|est\\s+maintenant|nouveau|nouvelle|теперь|新的|现在)';

/** For limits, also the plain verbs of a level moving (kept out of CHANGE: it is inlined in the patterns above, on every turn). */
const CHANGE_RE = new RegExp(`${CHANGE}|\\b(?:went|goes|gone|go)\\s+(?:up|down)\\b|\\b(?:raised|lifted|doubled|bumped)\\b`);
const MONEY = /\b(?:approv\w*|payments?|refunds?|transfers?|wires?|purchases?|invoices?|expenses?|spend\w*|payouts?|eur|usd|gbp)\b|[$€£]|\b\d{1,3}(?:[,.]\d{3})+\b|\b\d+(?:[.,]\d+)?\s?(?:k|m|mn|million)\b/;

const PATTERNS: RegExp[] = [
  new RegExp(`\\b(?:approvals?|approvers?|sign-?offs?|authori[sz]ations?)\\b[^.\\n]{0,60}${CHANGE}|${CHANGE}[^.\\n]{0,40}\\b(?:approvals?|approvers?|sign-?offs?)\\b`),
  new RegExp(`\\b(?:bank\\s+(?:details|account)|account\\s+number|routing\\s+number|sort\\s+code|iban|swift|bic|wire|remit(?:tance)?|payment\\s+details|bankverbindung|cuenta\\s+bancaria|coordonnées\\s+bancaires|rib)\\b[^.\\n]{0,60}${CHANGE}|${CHANGE}[^.\\n]{0,40}\\b(?:bank\\s+details|bank\\s+account|iban|account\\s+number|payment\\s+details)\\b`),
  new RegExp(`\\b(?:portal|login|sign-?in|website|site|url|link|address|domain|page)\\b[^.\\n]{0,60}${CHANGE}[^.\\n]{0,40}(?:https?://|www\\.|\\b[a-z0-9-]+\\.(?:com|net|org|io|co|biz|info|xyz|ru|cn|app)\\b)`),
  /\b(?:skip|bypass|ignore|waive|drop|no\s+need\s+(?:for|to\s+(?:run|do)))\s+(?:all\s+|the\s+|any\s+)*(?:[a-z]+\s+)?(?:checks?|verification|approvals?|review|kyc|call-?back)\b/,
  /\b(?:no\s+(?:longer\s+)?(?:need|needs|require|requires)\s+(?:an?\s+)?(?:approval|verification|sign-?off|review|second\s+signature))\b/,
  // Asking for a fact to be spread to everyone, or vouching for it with a claimed rank: the claim
  // is the point, and a model may drop it when it writes the learning, so it is held at the input.
  /\b(?:remember|record|store|save|note|share|tell|learn|apply)\w*\s+(?:this\s+|that\s+|it\s+)?(?:for|with|to)\s+(?:everyone|everybody|all\s+(?:users|staff|employees|colleagues|agents|teams)|the\s+whole\s+(?:team|company|org\w*|tenant|workspace)|every\s+(?:user|one))\b/,
  /\b(?:as|i\s+am|i'm)\s+(?:the|an?|your)\s+(?:new\s+)?(?:admin\w*|administrator|ceo|cfo|cto|coo|ciso|owner|curator|tenant\s+admin\w*|it\s+admin\w*|head\s+of\s+\w+)\b[^.\n]{0,40}\b(?:confirm|authori[sz]e|approve|declare|decide|set|tell\s+you|order|instruct)/,
  // One regex (a scan each costs more than a bigger alternation), three readings:
  // - a decision relayed in someone else's name ("per legal", "finance said", "this is the head
  //   of HR"): the rank is the argument, and it is exactly what one user cannot vouch for;
  // - money routed to a named account or bank without the words "bank details" or "is now";
  // - personal data handed on without the safeguard ("shared with partners without consent").
  /(?:\b(?:per|according\s+to|on\s+behalf\s+of|speaking\s+(?:for|as|on\s+behalf\s+of)|this\s+is|message\s+from|instructions?\s+from|(?:confirmed|approved|signed\s+off|authori[sz]ed|cleared)\s+by)\s+(?:the\s+|our\s+)?(?:legal|finance|treasury|compliance|hr|payroll|it|security|audit|accounting|procurement|management|leadership|board|ceo|cfo|coo|cto|ciso|controller|comptroller|head\s+of\s+\w+|director\s+of\s+\w+|vp\s+of\s+\w+|chief\s+\w+\s+officer)\b)|(?:\b(?:legal|finance|treasury|compliance|audit|accounting|management|leadership|the\s+board|ceo|cfo|coo|ciso|payroll|procurement)(?:\s+(?:team|department|dept|office))?\s+(?:has\s+|have\s+)?(?:said|says|confirmed|confirms|approved|approves|signed\s+off|agreed|agrees|decided|ruled|cleared|okayed|told\s+us|(?:has|have)\s+no\s+objections?|(?:is|are)\s+(?:fine|ok|okay)\s+with)\b)|(?:\b(?:settle[sd]?|settling|deposit(?:ed|s)?|route[sd]?|routing|remitted|credited|paid|payable|sent|transfer(?:red|s)?|wired?)\s+(?:in)?(?:to|via|through|at|with)\s+(?:the\s+|our\s+|their\s+|a\s+|an\s+|its\s+)?(?:[\w'&-]+\s+){0,3}(?:account|bank|trust|wallet|escrow|iban)\b)|(?:\b(?:shared?|sent|send|export(?:ed)?|sold|sell|disclosed?|given|handed|passed)\b[^.\n]{0,50}\b(?:without|with\s+no|no\s+need\s+for)\s+(?:\w+\s+){0,2}(?:consent|permission|approval|review|nda|contract|notice|anonymi[sz]ation|dpa|ok|okay|go-ahead|sign-?off|nod)\b|(?:customer|client|user|personal|patient|employee)s?'?\s+(?:data|e-?mails?|records|details|information|contacts|lists?|files)\s+(?:can|may|should|will|could)\s+(?:now\s+)?be\s+(?:forwarded|shared|sent|exported|given|sold|passed|uploaded|disclosed)\b)/,
];


/** A threshold or limit on money or approvals that changes (not an API rate limit). */
function moneyLimitChange(s: string): boolean {
  return /\b(?:thresholds?|limits?|caps?|ceilings?)\b/.test(s) && CHANGE_RE.test(s) && MONEY.test(s);
}

export function detectSensitiveChange(skeleton: string): boolean {
  return PATTERNS.some((re) => re.test(skeleton)) || moneyLimitChange(skeleton);
}
