/**
 * Built-in screening rules: prompt-injection heuristics and PII detectors. Used on user input,
 * on model output, and on learnings before they enter the knowledge base.
 */

const INJECTION: RegExp[] = [
  /\bignore\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier)\s+(instructions|prompts?|rules)\b/i,
  /\bdisregard\s+(all\s+|the\s+)?(previous|prior|above|system)\b/i,
  /\byou\s+are\s+now\s+(dan|in\s+developer\s+mode|jailbroken)\b/i,
  /\b(reveal|print|show|repeat)\s+(your|the)\s+(system\s+prompt|hidden\s+instructions)\b/i,
  /<\s*\/?\s*(system|semantic_memory)\s*>/i,
  /\[\s*learning\s*\]\s*:/i,
];

export type PiiKind = 'email' | 'phone' | 'ssn' | 'credit_card' | 'aws_key';

const PII: Array<{ kind: PiiKind; re: RegExp; check?: (m: string) => boolean }> = [
  { kind: 'email', re: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  { kind: 'ssn', re: /\b\d{3}-\d{2}-\d{4}\b/g },
  { kind: 'credit_card', re: /\b(?:\d[ -]?){13,19}\b/g, check: luhn },
  { kind: 'aws_key', re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { kind: 'phone', re: /(?<!\w)\+?\d{1,3}?[ .-]?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/g },
];

function luhn(s: string): boolean {
  const digits = s.replace(/\D/g, '');
  if (digits.length < 13) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function detectInjection(text: string): string | null {
  const hit = INJECTION.find((re) => re.test(text));
  return hit ? hit.source : null;
}

export function findPii(text: string): Array<{ kind: PiiKind; match: string }> {
  const found: Array<{ kind: PiiKind; match: string }> = [];
  for (const { kind, re, check } of PII) {
    for (const m of text.matchAll(re)) if (!check || check(m[0])) found.push({ kind, match: m[0] });
  }
  return found;
}

export function redactPii(text: string): { text: string; redacted: PiiKind[] } {
  const kinds = new Set<PiiKind>();
  let out = text;
  for (const { kind, re, check } of PII) {
    out = out.replace(re, (m) => {
      if (check && !check(m)) return m;
      kinds.add(kind);
      return `[REDACTED_${kind.toUpperCase()}]`;
    });
  }
  return { text: out, redacted: [...kinds] };
}
