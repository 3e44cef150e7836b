/**
 * Statements that would change how money moves or how people are checked: approval rules and
 * thresholds, bank details, where a portal lives, "skip the checks". Harmless as a question, but a
 * learning that says so must not reach everyone on one user's word, so the learning stage holds
 * them (the trust model sends held learnings to review). Run over the lower-cased skeleton.
 */

const CHANGE = '(?:is\\s+now|are\\s+now|now\\s+(?:is|are|at|goes|lives)|has\\s+(?:moved|changed)|have\\s+changed|changed\\s+to|moved\\s+to|new|updated|raised\\s+to|lowered\\s+to|increased\\s+to|no\\s+longer|not\\s+needed|not\\s+required|ist\\s+jetzt|neue?n?|ahora\\s+es|nuevo|nueva|est\\s+maintenant|nouveau|nouvelle|теперь|新的|现在)';

const PATTERNS: RegExp[] = [
  new RegExp(`\\b(?:approval|sign-?off|authori[sz]ation|threshold|limit|cap|review)s?\\b[^.\\n]{0,60}${CHANGE}|${CHANGE}[^.\\n]{0,40}\\b(?:approval|threshold|limit)s?\\b`),
  new RegExp(`\\b(?:bank\\s+(?:details|account)|account\\s+number|routing\\s+number|sort\\s+code|iban|swift|bic|wire|remit(?:tance)?|payment\\s+details|bankverbindung|cuenta\\s+bancaria|coordonnées\\s+bancaires|rib)\\b[^.\\n]{0,60}${CHANGE}|${CHANGE}[^.\\n]{0,40}\\b(?:bank\\s+details|bank\\s+account|iban|account\\s+number|payment\\s+details)\\b`),
  new RegExp(`\\b(?:portal|login|sign-?in|website|site|url|link|address|domain|page)\\b[^.\\n]{0,60}${CHANGE}[^.\\n]{0,40}(?:https?://|www\\.|\\b[a-z0-9-]+\\.(?:com|net|org|io|co|biz|info|xyz|ru|cn|app)\\b)`),
  /\b(?:skip|bypass|ignore|waive|drop|no\s+need\s+(?:for|to\s+(?:run|do)))\s+(?:all\s+|the\s+|any\s+)*(?:[a-z]+\s+)?(?:checks?|verification|approvals?|review|kyc|call-?back)\b/,
  /\b(?:no\s+(?:longer\s+)?(?:need|needs|require|requires)\s+(?:an?\s+)?(?:approval|verification|sign-?off|review|second\s+signature))\b/,
];

export function detectSensitiveChange(skeleton: string): boolean {
  return PATTERNS.some((re) => re.test(skeleton));
}
