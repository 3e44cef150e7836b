import { aadhaarValid, bsnValid, sinValid, codiceFiscaleValid, cpfValid, dniValid, ipv4Internal, ipv4Octets, nirValid, niValid, panShape, peselValid, rrnValid } from './pii-checks.js';
import { allMatches, digitsOf, thingBefore, type PiiSpan } from './pii-util.js';

/**
 * National identifiers, street addresses and IP addresses. Each format is validated the way its
 * issuer defines it (CPF mod-11, Aadhaar Verhoeff, DNI letter mod-23, NI prefix rules, PAN holder
 * type) and, where a bare form could be a part number, wanted with its label or its usual spacing.
 * Addresses and IP addresses are personal only next to words saying so ("I live at", "my home
 * address", "my laptop"): a company's office or a server in the docs is not a person's data.
 */

const near = (re: RegExp, text: string, start: number, width = 40) => re.test(text.slice(Math.max(0, start - width), start));

// UK National Insurance: labelled, or in its printed spacing (AB 12 34 56 C).
const NI = /(?<![A-Za-z0-9])[A-Za-z]{2}(?:\s?\d{2}){3}\s?[A-Da-d](?![A-Za-z0-9])/g;
const NI_LABEL = /\b(?:ni|nino|national\s+insurance)\b/i;
// Indian PAN: upper case as issued; a person's (fourth letter P) or labelled.
const PAN = /(?<![A-Za-z0-9])[A-Z]{5}\d{4}[A-Z](?![A-Za-z0-9])/g;
const PAN_LABEL = /\b(?:pan|permanent\s+account\s+number|income\s+tax)\b|पैन/iu;
// Aadhaar: 12 digits, Verhoeff; grouped 4-4-4 or labelled.
const AADHAAR = /(?<![\w.-])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![\w-]|\.\d)/g;
const AADHAAR_LABEL = /aadhaa?r|\buid\b|आधार/iu;
// Brazilian CPF: printed form anywhere, bare 11 digits when labelled.
const CPF = /(?<![\w.-])(?:\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11})(?![\w-]|\.\d)/g;
const CPF_LABEL = /\bcpf\b/i;
// PAN as people type it: lower case or spaced (aqkpk 7781 l), only next to its label.
const PAN_LOOSE = /(?<![A-Za-z0-9])[A-Za-z]{5}\s?\d{4}\s?[A-Za-z](?![A-Za-z0-9])/g;
// Canadian SIN: nine digits, Luhn; grouped 3-3-3 (130 492 853) or after its label (SIN, NAS).
const SIN = /(?<![\w.-])\d{3}([ -]?)\d{3}\1\d{3}(?![\w-]|\.\d)/g;
const SIN_LABEL = /\b(?:sin|social\s+insurance(?:\s+(?:number|no\.?|#))?|nas|num[ée]ro\s+d.assurance\s+sociale|assurance\s+sociale)\b/iu;
// Spanish DNI / NIE: the check letter is the proof.
const DNI = /(?<![A-Za-z0-9])[XYZxyz]?\d{7,8}[- ]?[A-Za-z](?![A-Za-z0-9])/g;

// French NIR in its printed grouping (1 85 05 78 006 084 36) or compact, key mod 97.
const NIR = /(?<![\w.-])[12]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[ABab])\s?\d{3}\s?\d{3}\s?\d{2}(?![\w-]|\.\d)/g;
// Italian codice fiscale: its shape and check letter are specific enough alone.
const CODICE_FISCALE = /(?<![A-Za-z0-9])[A-Za-z]{6}[0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{3}[A-Za-z](?![A-Za-z0-9])/g;
// Korean resident registration number, always written YYMMDD-NNNNNNN.
const RRN = /(?<![\w-])\d{6}-[1-8]\d{6}(?![\w-])/g;
// Nine or eleven bare digits are ids only where labelled: Dutch BSN, Polish PESEL, Japanese My Number, German tax id.
const LABELLED_DIGITS = /(?:\bbsn\b|burgerservicenummer|\bpesel\b|マイナンバー|個人番号|\bmy\s+number\b|steuer-?id|steueridentifikationsnummer|identifikationsnummer)[^\d\n]{0,12}(\d(?:[ .-]?\d){8,11})(?![\w-])/giu;

/** UK National Insurance, Indian PAN and Aadhaar, Brazilian CPF, Spanish DNI/NIE, French NIR, Italian codice fiscale, Korean RRN, labelled BSN / PESEL / My Number / Steuer-ID. */
export function nationalIdSpans(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  const add = (m: RegExpExecArray) => out.push({ kind: 'id_number', start: m.index, end: m.index + m[0].length });
  // Each format's quick look first: a 7 KB answer holds none of them, and five scans cost.
  if (/\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d](?![A-Za-z0-9])/.test(text)) for (const m of allMatches(NI, text)) if (niValid(m[0]) && (/\s/.test(m[0]) || near(NI_LABEL, text, m.index))) add(m);
  if (/[A-Z]{5}\d{4}/.test(text)) for (const m of allMatches(PAN, text)) {
    const p = panShape(m[0]);
    if (p.valid && (p.person || near(PAN_LABEL, text, m.index))) add(m);
  }
  if (/\d{4}[ -]?\d{4}[ -]?\d{4}/.test(text)) for (const m of allMatches(AADHAAR, text)) if (aadhaarValid(digitsOf(m[0])) && ((m[1] !== '' && !thingBefore(text, m.index)) || near(AADHAAR_LABEL, text, m.index))) add(m);
  if (/\bpan\b|पैन|permanent/i.test(text)) for (const m of allMatches(PAN_LOOSE, text)) {
    const v = m[0].replace(/\s/g, '').toUpperCase();
    if (v !== m[0] && panShape(v).valid && near(PAN_LABEL, text, m.index)) add(m);
  }
  if (/\d{3}[ -]?\d{3}[ -]?\d{3}/.test(text)) for (const m of allMatches(SIN, text)) {
    if (!sinValid(digitsOf(m[0]))) continue;
    if (near(SIN_LABEL, text, m.index) || (m[1] !== '' && !thingBefore(text, m.index))) add(m);
  }
  if (/\d{3}\.\d{3}\.\d{3}-|\d{11}/.test(text)) for (const m of allMatches(CPF, text)) if (cpfValid(digitsOf(m[0])) && ((m[0].includes('.') && !thingBefore(text, m.index)) || near(CPF_LABEL, text, m.index, 20))) add(m);
  if (/\d{7}[- ]?[A-Za-z]/.test(text)) for (const m of allMatches(DNI, text)) if (dniValid(m[0]) && !thingBefore(text, m.index)) add(m);
  if (/\d{2}\s?\d{3}\s?\d{3}\s?\d{2}/.test(text)) for (const m of allMatches(NIR, text)) if (nirValid(m[0]) && !thingBefore(text, m.index)) add(m);
  if (/\d{2}[A-Za-z]\d{2}[A-Za-z]/.test(text)) for (const m of allMatches(CODICE_FISCALE, text)) if (codiceFiscaleValid(m[0])) add(m);
  if (/\d{6}-\d/.test(text)) for (const m of allMatches(RRN, text)) if (rrnValid(m[0]) && !thingBefore(text, m.index)) add(m);
  if (/bsn|burgerservice|pesel|マイナンバー|個人番号|my\s+number|identifikation|steuer/i.test(text)) {
    for (const m of allMatches(LABELLED_DIGITS, text)) {
      const d = digitsOf(m[1]!);
      const label = m[0].toLowerCase();
      const ok = /bsn|burgerservice/.test(label) ? bsnValid(d) : /pesel/.test(label) ? peselValid(d) : d.length === 11 || d.length === 12;
      const start = m.index + m[0].lastIndexOf(m[1]!);
      if (ok) out.push({ kind: 'id_number', start, end: start + m[1]!.length });
    }
  }
  return out;
}

/** Words that say the address that follows is where a person lives or receives things. */
const RESIDENCE = /\b(?:i|we|she|he|they)\s+(?:live|lives|living|reside|resides|moved)\b|\b(?:lives?|living|resid(?:e|es|ing))\s+(?:at|in|on)\b|\b(?:my|his|her|their|our|home|postal|mailing|private|billing|delivery|shipping)\s+(?:home\s+|postal\s+|mailing\s+|street\s+|current\s+|new\s+)?address\b|\bmy\s+(?:flat|apartment|house|home|place)\b|\bsend\s+(?:it|them|the\s+\w+)\s+to\s+me\b|\b(?:wohne|wohnt|wohnen|meine\s+adresse|vivo\s+en|mi\s+direcci[oó]n|moro|meu\s+endere[cç]o|j'habite|mon\s+adresse|abito|il\s+mio\s+indirizzo|woon|mijn\s+adres|mieszkam|mój\s+adres|ev\s+adresim|adresim)\b|住所|주소|मेरा\s+पता|عنواني/iu;
/** Either case of the first letter (no `i` flag: the name parts must start upper-case). */
const capital = (list: string) => `(?:${list.split('|').map((w) => `[${w[0]!.toUpperCase()}${w[0]}]${w.slice(1)}`).join('|')})`;
/** Every RESIDENCE alternative holds one of these (a plain scan, much cheaper than RESIDENCE's `iu` one). */
const RESIDENCE_HINT = /live|moved|living|resid|address|adresse|flat|apartment|house|home|place|send|wohn|vivo|direcci|moro|endere|habite|abito|indirizzo|woon|adres|mieszkam|住所|주소|पता|عنوان/i;
const STREET_TYPE = capital('street|st\\.?|avenue|ave\\.?|road|rd\\.?|lane|ln\\.?|drive|dr\\.?|boulevard|blvd\\.?|court|ct\\.?|way|place|pl\\.?|terrace|close|crescent|square|sq\\.?|parkway|highway|hwy\\.?|row|mews|gardens|grove');
const STREET_FIRST = capital("rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|calle|avenida|av\\.?|rua|travessa|via|viale|piazza|corso|largo");
const STREET_PREFIX = capital('ul\\.|ulica|al\\.|via|viale|piazza|calle|rua|avenida|av\\.');
const NAME = "\\p{Lu}[\\p{L}'’.-]*";
/** `42 Elm Street`, `221B Baker Street`, `17 Rue de la Paix`, `12 Calle Mayor`. */
const NUMBER_FIRST = new RegExp(
  `(?<![\\p{L}\\p{N}])\\d{1,5}[A-Za-z]?(?:[-/]\\d{1,4})?,?\\s+(?:${STREET_FIRST}\\s+(?:(?:de|du|des|la|le|les|del|della|dei|di|da|do|dos|das|d')\\s*)*${NAME}(?:\\s+${NAME}){0,3}|${NAME}(?:\\s+${NAME}){0,3}\\s+${STREET_TYPE}(?![\\p{L}]))`,
  'gu',
);
/** `Hauptstraße 5`, `Keizersgracht 123`, `ul. Długa 7`, `Via Roma 10`. */
const NAME_FIRST = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${STREET_PREFIX}\\s+${NAME}(?:\\s+${NAME}){0,2}|\\p{Lu}\\p{L}*(?:straße|strasse|str\\.|weg|gasse|allee|platz|ring|damm|ufer|laan|straat|gracht|plein|kade|singel|dreef|vej|gatan|gata|veien|katu|tie|sokak|sokağı|caddesi|cad\\.))\\s+\\d{1,4}[A-Za-z]?(?![\\p{L}\\p{N}])`,
  'gu',
);
const UK_POSTCODE = /(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}(?![A-Za-z0-9])/g;

/** Street addresses (and UK postcodes) said to be where someone lives. */
export function addressSpans(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  // No word saying someone lives somewhere, no address to look for (the street patterns are the slow part).
  if (!RESIDENCE_HINT.test(text) || !RESIDENCE.test(text)) return out;
  for (const re of [NUMBER_FIRST, NAME_FIRST, UK_POSTCODE]) {
    for (const m of allMatches(re, text)) {
      const cue = near(RESIDENCE, text, m.index, re === UK_POSTCODE ? 120 : 60);
      if (cue) out.push({ kind: 'address', start: m.index, end: m.index + m[0].replace(/[.,\s]+$/, '').length });
    }
  }
  return out;
}

const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)/g;
/** A dotted number after these is a version, not an address. */
const VERSION_BEFORE = /\b(?:v|ver\.?|version|versão|versione|versie|wersja|sürüm|phiên bản|release|build|firmware|fw|rev\.?|revision|os|ios|android|update|patch|sdk|api)\s*[:#]?\s*$/iu;
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{1,4}|:)(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g;
/** Hex groups of 1–4 digits, at most one `::`, eight groups in all (fewer with `::`). */
function ipv6Valid(v: string): boolean {
  const halves = v.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h ? h.split(':') : []));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}
const PERSONAL_DEVICE = /\b(?:my|his|her|their|your|home|personal|private|customer'?s?|user'?s?|employee'?s?|client'?s?|caller'?s?|visitor'?s?|meu|mio|mijn|mój|benim|của tôi|mein|mon|mi)\b[^.\n]{0,30}$|\b(?:came|comes|logged\s+in|logins?|signed\s+in|connected|connecting|accessed|requests?)\s+from\s*$/iu;

/**
 * IP addresses said to be someone's ("my home IP", "the login came from"): a public IPv4 address
 * outside private, loopback and reserved ranges and not written as a version, or an IPv6 address.
 * A server's address in a correction ("the status page runs on …") is infrastructure, not a person.
 */
export function ipSpans(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  if (/\d\.\d{1,3}\.\d{1,3}\.\d/.test(text)) for (const m of allMatches(IPV4, text)) {
    const octets = ipv4Octets(m[0]);
    // Small octets throughout (1.2.3.4, 2.4.10.1) read as a version far more often than a host.
    if (!octets || ipv4Internal(octets) || octets.every((o) => o <= 20)) continue;
    if (near(VERSION_BEFORE, text, m.index, 24) || thingBefore(text, m.index) || !near(PERSONAL_DEVICE, text, m.index, 50)) continue;
    out.push({ kind: 'ip_address', start: m.index, end: m.index + m[0].length });
  }
  if (/[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:/.test(text)) for (const m of allMatches(IPV6, text)) {
    const v = m[0];
    // A clock reads 12:30:45; an address has a `::` or many groups and a hex letter or long group.
    if (!ipv6Valid(v) || /^\d{1,2}(?::\d{2}){1,2}$/.test(v)) continue;
    if (near(PERSONAL_DEVICE, text, m.index, 50)) out.push({ kind: 'ip_address', start: m.index, end: m.index + v.length });
  }
  return out;
}
