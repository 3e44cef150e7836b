/**
 * Checksums and structural rules that keep PII detectors from firing on look-alikes (part numbers,
 * order ids, toll-free numbers): a digit run is a card only if Luhn holds and the prefix is a card
 * network's, an IBAN only if mod-97 holds, an SSN only if its area/group/serial are issuable.
 */

export function luhn(digits: string): boolean {
  return /^\d{12,19}$/.test(digits) && luhnSum(digits);
}

/** The Luhn mod-10 check alone, any length (cards, Canadian SIN). */
function luhnSum(digits: string): boolean {
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

/** Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
export function cardNetwork(digits: string): boolean {
  const n = digits.length;
  if (/^4/.test(digits)) return n === 13 || n === 16 || n === 19;
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(digits)) return n === 16;
  if (/^3[47]/.test(digits)) return n === 15;
  if (/^(6011|65|64[4-9]|622)/.test(digits)) return n >= 16 && n <= 19;
  if (/^35(2[89]|[3-8])/.test(digits)) return n >= 16 && n <= 19;
  if (/^3(0[0-5]|[68])/.test(digits)) return n >= 14 && n <= 19;
  if (/^62/.test(digits)) return n >= 16 && n <= 19;
  if (/^(5[06-9]|6)/.test(digits)) return n >= 12 && n <= 19;
  return false;
}

const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18,
  DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27,
  MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27,
  TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** ISO 13616: known country length and mod-97 of the rearranged number equals 1. */
export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/[\s-]/g, '').toUpperCase();
  const len = IBAN_LENGTHS[iban.slice(0, 2)];
  if (!len || iban.length !== len || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = digits.slice(0, 3);
  return area !== '000' && area !== '666' && area[0] !== '9' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

/** North American numbers: area and exchange codes start 2–9, and toll-free areas are businesses, not people. */
const TOLL_FREE = new Set(['800', '833', '844', '855', '866', '877', '888', '900']);
export function nanpPersonal(digits: string): boolean {
  const d = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
  if (d.length !== 10) return false;
  const area = d.slice(0, 3);
  return /^[2-9]\d\d[2-9]\d{6}$/.test(d) && !TOLL_FREE.has(area) && !/^[2-9]11$/.test(area);
}

export function isTollFree(digits: string): boolean {
  const d = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
  // National freephone and shared-cost ranges (UK/DE/FR/NL/IT 0800, UK 0808/0500, FR 0805): a business line.
  return (d.length === 10 && TOLL_FREE.has(d.slice(0, 3))) || /^0(?:800|808|500|805|801)\d{5,8}$/.test(digits);
}

/** Canadian SIN: nine digits, Luhn, first digit not 0 or 8 (8 is unassigned, 0 is for tests). */
export function sinValid(digits: string): boolean {
  return /^[1-79]\d{8}$/.test(digits) && luhnSum(digits);
}

/** Verhoeff check digit (Aadhaar): the whole number, check digit last, must check to 0. */
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
export function verhoeff(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let c = 0;
  for (let i = 0; i < digits.length; i++) c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(digits[digits.length - 1 - i])]!]!;
  return c === 0;
}

/** Aadhaar: 12 digits, not starting 0 or 1, Verhoeff check digit. */
export function aadhaarValid(digits: string): boolean {
  return /^[2-9]\d{11}$/.test(digits) && verhoeff(digits);
}

/** Brazilian CPF: 11 digits, two mod-11 check digits, not one digit repeated. */
export function cpfValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false;
  const d = [...digits].map(Number);
  const check = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[i]! * (n + 1 - i);
    return ((sum * 10) % 11) % 10;
  };
  return check(9) === d[9] && check(10) === d[10];
}

/** Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): the letter is the number mod 23. */
export function dniValid(raw: string): boolean {
  const v = raw.toUpperCase().replace(/[\s-]/g, '');
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(v);
  if (!m || (m[1] ? m[2]!.length !== 7 : m[2]!.length !== 8)) return false;
  const n = Number(`${m[1] ? 'XYZ'.indexOf(m[1]) : ''}${m[2]}`);
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23] === m[3];
}

/**
 * UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; the second not O; not
 * BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A–D.
 */
export function niValid(raw: string): boolean {
  const v = raw.toUpperCase().replace(/\s/g, '');
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(v)) return false;
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(v.slice(0, 2));
}

/** Indian PAN: five letters (the fourth the holder type: P person, C company, …), four digits, a letter. */
export function panShape(raw: string): { valid: boolean; person: boolean } {
  const valid = /^[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z]$/.test(raw);
  return { valid, person: valid && raw[3] === 'P' };
}

/** IPv4 dotted quad with octets 0–255 and no leading zeros. */
export function ipv4Octets(raw: string): number[] | null {
  const parts = raw.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(?:0|[1-9]\d{0,2})$/.test(p))) return null;
  const n = parts.map(Number);
  return n.every((x) => x <= 255) ? n : null;
}

/** Private, loopback, link-local, CGNAT, multicast and reserved ranges: machines on a network, not a person's line. */
export function ipv4Internal(o: number[]): boolean {
  const [a, b] = o as [number, number];
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
}

/** French NIR (numéro de sécurité sociale): 13 characters (Corsica 2A/2B) and a key = 97 − (number mod 97). */
export function nirValid(raw: string): boolean {
  const v = raw.toUpperCase().replace(/\s/g, '');
  const m = /^([12]\d{4}(?:\d{2}|2A|2B)\d{6})(\d{2})$/.exec(v);
  if (!m) return false;
  const body = m[1]!.replace('2A', '19').replace('2B', '18');
  return 97 - Number(BigInt(body) % 97n) === Number(m[2]);
}

/** Italian codice fiscale: 16 characters whose last is a check letter over odd/even position tables. */
const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
export function codiceFiscaleValid(raw: string): boolean {
  const v = raw.toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(v)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = v[i]!;
    const n = c >= 'A' ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 48;
    // Odd positions (1-based) use the table, digits indexed like A–J.
    sum += i % 2 === 0 ? CF_ODD[n]! : n;
  }
  return String.fromCharCode(65 + (sum % 26)) === v[15];
}

/** Korean resident registration number YYMMDD-SNNNNNC: weights 2–9,2–5 and (11 − sum mod 11) mod 10. */
export function rrnValid(raw: string): boolean {
  const d = raw.replace(/\D/g, '');
  if (!/^\d{6}[1-8]\d{6}$/.test(d)) return false;
  const month = Number(d.slice(2, 4));
  const day = Number(d.slice(4, 6));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = w.reduce((a, x, i) => a + x * Number(d[i]), 0);
  return (11 - (sum % 11)) % 10 === Number(d[12]);
}

/** Dutch BSN: nine digits passing the eleven-test (weights 9…2, and −1 for the last). */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  sum -= Number(digits[8]);
  return sum % 11 === 0 && sum !== 0;
}

/** Polish PESEL: eleven digits, weights 1 3 7 9 repeating, check = (10 − sum mod 10) mod 10. */
export function peselValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = w.reduce((a, x, i) => a + x * Number(digits[i]), 0);
  return (10 - (sum % 10)) % 10 === Number(digits[10]);
}
