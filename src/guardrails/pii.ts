import { cardNetwork, ibanValid, isTollFree, luhn, nanpPersonal, ssnValid } from './pii-checks.js';
import { anyMatch } from './prefilter.js';
import { isRoleAddress } from './role-address.js';
import { addressSpans, ipSpans, nationalIdSpans } from './pii-ids.js';
import { allMatches, digitsOf, spans, thingBefore, type Detector, type PiiKind, type PiiSpan } from './pii-util.js';

/**
 * PII and secret detectors over canonical text (see normalize.ts). Each reports spans; overlaps
 * are resolved in favour of the more specific detector, and `redactPii` replaces each span with a
 * placeholder. Digit-shaped detectors validate checksums and structure and skip numbers labelled
 * as order / part / ticket ids, so the everyday numbers of a support conversation pass through.
 */

export type { PiiKind, PiiSpan } from './pii-util.js';

export const PLACEHOLDER: Record<PiiKind, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  ssn: '[SSN]',
  card: '[CARD]',
  iban: '[IBAN]',
  aws_key: '[AWS_KEY]',
  secret: '[SECRET]',
  password: '[PASSWORD]',
  dob: '[DOB]',
  id_number: '[ID_NUMBER]',
  address: '[ADDRESS]',
  ip_address: '[IP_ADDRESS]',
};

/** Secrets are credentials rather than facts about a person; the rest is personal data. */
export const SECRET_KINDS: ReadonlySet<PiiKind> = new Set(['aws_key', 'secret', 'password']);


const EMAIL = /(?<![\w.%+-])[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,}(?![\p{L}\p{N}-])/gu;
const EMAIL_SPELLED = /(?<![\w.])[\w.+-]+\s*[[(]\s*at\s*[\])]\s*[\w-]+(?:\s*[[(]\s*dot\s*[\])]\s*[\w-]+)+/gi;
/**
 * Is there a run of 40 base64 characters (what AWS_SECRET needs)? A char-code loop: the regex's
 * lookbehind retried at every position was a tenth of a 7 KB answer's screening.
 */
function base64Run40(t: string): boolean {
  let run = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47) {
      if (++run >= 40) return true;
    } else run = 0;
  }
  return false;
}

/** `jane at example dot com`, `j.doe(at)example dot org`: "at" and at least one "dot" as words or in brackets. */
const EMAIL_WORDS = /(?<![\w.@-])[\w.+-]+(?:\s*[[({<]\s*at\s*[\])}>]\s*|\s+at\s+)[\w-]+(?:(?:\s*[[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)[\w-]+)+/gi;
/** `sara @ example . com`: an @ with spaces around it and a dotted domain ending in letters. */
const EMAIL_SPACED = /(?<![\w.@-])[\w.+-]+(?:\s+@\s*|\s*@\s+)[\w-]+(?:\s*\.\s*[\w-]+)*\s*\.\s*[a-z]{2,6}(?![\w])/gi;

const PHONE_INTL = /(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}(?![\w])/g;
/** The international prefix dialled as 00 (0044 20 7946 0321). */
const PHONE_INTL_00 = /(?<![\w+.-])00[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,5}\)?){2,6}(?![\w]|\.\d)/g;
/**
 * A number after a phone word in other languages (the label's script may have no word boundary,
 * and the words in between vary: "il mio cellulare è", "携帯は", "제 번호는 … 휴대폰").
 */
const PHONE_LABEL_INTL = /(?:cellulare|telefono|telefone|telemóvel|telefoon|mobiel|mobilní|komórk\p{L}*|numer\s+telefonu|telefon\p{L}*|cep\s+telefonu|gsm|điện\s+thoại|携帯|電話|휴대폰|핸드폰|전화|هاتف|جوال|الجوال|رقمي|फ़ोन|फोन|मोबाइल|whats\s?app)[^\d\n+]{0,15}?(\+?\(?\d[\d\s().-]{5,20}\d)/giu;
const PHONE_NANP = /(?<![\w+.-])(?:1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-]|\.\d)/g;
const PHONE_NATIONAL = /(?<![\w+.-])0\d{1,4}(?:[\s-]\d{2,8}){1,4}(?![\w-]|\.\d)/g;
const PHONE_LABEL = /\b(?:phone|tel|telephone|mobile|cell(?:phone)?|call\s+me|text\s+me|reach\s+me|whats\s?app|fax|handy|telefon(?:nummer)?|teléfono|téléphone|portable|móvil|celular|телефон|电话|手机)(?:\s*(?:number|no\.?|#|nummer|número|numéro))?\s*(?:is|:|at|on|=|es|est|ist)?\s*[:=]?\s*(\+?\(?\d[\d\s().-]{5,20}\d)/giu;

const SSN_SEP = /(?<![\w.-])\d{3}[\s.\-/_–—]{1,2}\d{2}[\s.\-/_–—]{1,2}\d{4}(?![\w-]|\.\d)/g;
const SSN_LABEL = /\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?|sozialversicherungsnummer|seguro\s+social|sécurité\s+sociale)\s*(?:is|:|#|=|number)?\s*[:=]?\s*(\d[\d\s.\-/]{7,12}\d)/gi;

const CARD = /(?<![\w.-])\d(?:[\s.\-_/]{0,2}\d){11,18}(?![\w-]|\.\d)/g;
const CARD_LABEL = /\b(?:card|visa|master\s?card|amex|discover|cc|karte|tarjeta|carte)\b[^\n]{0,30}$/i;

const AWS_KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g;
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const TOKENS = [
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /(?<![\w-])sk-(?:[A-Za-z0-9]+-)?[A-Za-z0-9_-]{20,}/g,
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  /\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)/gi,
  /\b(?:api[_ -]?key|access[_ -]?token|auth[_ -]?token|secret[_ -]?key|client[_ -]?secret|aws_secret_access_key|private[_ -]?token|webhook[_ -]?secret)\s*(?:is)?\s*[:=]?\s*["'`]?([A-Za-z0-9._~+/=-]{16,})/gi,
];

// Provider tokens by their documented prefixes (SendGrid, npm, PyPI, Shopify, Hugging Face,
// DigitalOcean, Doppler, Linear, Postman, Atlassian), webhook URLs whose path is the secret, and
// the password of a connection URL (postgres://user:PASSWORD@host), string or Authorization header.
const SENDGRID = /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g;
const PREFIXED_TOKEN = /\b(?:npm_|pypi-|shp(?:at|ss|ca|pa)_|hf_|dop_v1_|dp\.(?:st|ct|sa)\.|lin_api_|PMAK-|ATATT)[A-Za-z0-9_.-]{20,}/g;
const WEBHOOK = /\bhttps:\/\/(?:hooks\.slack\.com\/services|discord(?:app)?\.com\/api\/webhooks|[\w.-]+\.webhook\.office\.com\/webhookb2)\/[A-Za-z0-9_\/@-]{16,}/g;
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:\/@]{1,64}:([^\s@\/]{3,128})@/gi;
const CONNECTION_SECRET = /\b(?:AccountKey|SharedAccessKey|SharedSecret|Password|Pwd|ClientSecret)=([^;\s"']{6,})/g;
const AUTH_HEADER = /\bauthori[sz]ation\s*[:=]\s*(?:basic|bearer|token|digest)?\s*([A-Za-z0-9._~+\/-]{12,}=*)/gi;
const MORE_SECRETS = [SENDGRID, PREFIXED_TOKEN, WEBHOOK, URL_PASSWORD, CONNECTION_SECRET, AUTH_HEADER];

const PASSWORD = /\b(?:password|passwd|pwd|pw|pass|passcode|passphrase|pin(?:\s+code)?|contraseña|senha|mot\s+de\s+passe|passwort|kennwort|wachtwoord|lösenord|adgangskode|passord|hasło|şifre(?:m)?|parola|mật\s+khẩu)(?![\p{L}\p{N}])\s*(?:(?:is|was|es|est|ist|lautet|är|er|jest|to|è|é|é:|now|=|:|-)\s*){1,2}["'`“]?([^\s"'`”]{4,64})/giu;

/** Password labels of scripts without word spaces, or with particles (パスワードは, 비밀번호는, كلمة المرور:). */
const PASSWORD_INTL = /(?:パスワード|暗証番号|비밀번호|암호|كلمة\s+(?:المرور|السر)|पासवर्ड|密码|密碼|口令|пароль)\s*(?:は|는|은|:|：|是|为|為|=|है|हे)?\s*["'`“「]?([^\s"'`”」]{4,64})/gu;

const MONTHS = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|augustus|oktober|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|januari|februari|augusti|september|december|січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)';
const DATE = `(\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|${MONTHS}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th|\\.)?\\s+(?:of\\s+|de\\s+)?${MONTHS}\\.?,?\\s+(?:de\\s+)?\\d{4})`;
/** Dates as written in Japanese, Chinese and Korean. */
const DATE_CJK = '(\\d{4}\\s*[年년]\\s*\\d{1,2}\\s*[月월]\\s*\\d{1,2}\\s*[日일]?)';
/** Date-of-birth labels in more languages, matched without a word boundary (non-Latin scripts have none for `\\b`). */
const DOB_INTL = new RegExp(`(?:urodził\\p{L}*(?:\\s+się)?|född|föddes|født|doğdum|doğum\\s+günüm|nasci|sono\\s+nat[oa]|nacqui|народи\\p{L}*|родил\\p{L}*|data\\s+de\\s+nascimento|data\\s+di\\s+nascita|nato\\s+il|nata\\s+il|nascid[oa]\\s+em|geboortedatum|geboren\\s+op|data\\s+urodzenia|urodzon[ya]|doğum\\s+tarihi|ngày\\s+sinh|生年月日|誕生日|出生日期|생년월일|생일|تاريخ\\s+الميلاد|जन्म\\s*तिथि|जन्मतिथि|जन्म\\s+की\\s+तारीख|дата\\s+рождения)[^\\d\\n]{0,6}((?:${DATE.slice(1, -1)}|${DATE_CJK.slice(1, -1)}))`, 'giu');
const DOB = new RegExp(`\\b(?:dob|d\\.o\\.b\\.?|date\\s+of\\s+birth|birth\\s*date|birthday|born(?:\\s+on)?|geboren(?:\\s+am)?|geburtsdatum|fecha\\s+de\\s+nacimiento|nacido\\s+el|nacida\\s+el|né\\s+le|née\\s+le|date\\s+de\\s+naissance|дата\\s+рождения|出生日期)\\s*(?:is|:|=|was)?\\s*[:=]?\\s*${DATE}`, 'giu');

const ID_LABEL = /\b(?:passport|passport\s+(?:number|no\.?|#)|driver'?s?\s+licen[cs]e(?:\s+(?:number|no\.?|#))?|driving\s+licen[cs]e(?:\s+(?:number|no\.?|#))?|licen[cs]e\s+(?:number|no\.?|#)|dl\s*#|national\s+id(?:\s+(?:number|no\.?))?|id\s+card\s+(?:number|no\.?)|reisepass(?:nummer)?|personalausweis(?:nummer)?|führerschein(?:nummer)?|pasaporte|dni|passeport|permis\s+de\s+conduire|nhs\s+number|tax\s+id|tin|nino|national\s+insurance(?:\s+number)?)\s*(?:is|:|#|=|number|no\.?|nummer|número|numéro)?\s*[:#=]?\s*([A-Z0-9](?:[A-Z0-9-]|\s(?=\d)){4,16}[A-Z0-9])\b/giu;

/** Passport labels in more languages, without a word boundary (kana, Hangul and Devanagari have none). */
/**
 * More identity-number labels of the world, in their own languages (Nordic personal numbers, Turkish
 * kimlik, Chinese 身份证, Singapore NRIC, Hong Kong HKID, Mexican CURP, Chilean RUT, Brazilian RG,
 * Australian TFN, South African ID…): what follows the label, with five digits or more, is the id.
 */
const ID_LABEL_MORE = /(?:身份证(?:号码?)?|身分證(?:字號)?|\b(?:personnummer|personnr|personal\s+(?:id\s+)?number|fødselsnummer|födelsenummer|cpr(?:-nummer|-nr\.?)?|henkilötunnus|hetu|kimlik(?:\s+(?:no|numarası|numaram|numarasi))?|tckn|identity\s+(?:number|no\.?)|identification\s+(?:number|no\.?)|citizen\s+id|resident\s+id|nric|hkid|curp|rut|rg|cédula|cedula|tfn|tax\s+file\s+number|medicare\s+(?:number|no\.?|card)|ird\s+(?:number|no\.?)|itin|sa\s+id|rsa\s+id|id-?nummer|ausweisnummer|numer\s+dowodu|dowód\s+osobisty|carte\s+d.identité|codice\s+fiscale|numero\s+di\s+identità|número\s+de\s+identidad)(?![\p{L}\p{N}]))[^\p{L}\p{N}\n]{0,4}(?:(?:is|é|es|est|ist|är|er|jest|er|number|no\.?|nummer|numaram|numarası|是|为)[^\p{L}\p{N}\n]{0,4})?([A-Z0-9](?:[A-Z0-9-]|[.\s(\/](?=[\dA-Z])|\)){4,22})/giu;

const ID_LABEL_INTL = /(?:passaporte|passaporto|paspoort|paszport\p{L}*|pasaport\p{L}*|hộ\s+chiếu|パスポート|旅券|여권|护照|護照|جواز\s+السفر|पासपोर्ट)[^\p{L}\p{N}\n]{0,6}(?:(?:number|número|numero|nummer|numer|no\.?|nr\.?|番号|번호|नंबर|رقم)[^\p{L}\p{N}\n]{0,6})?([A-Z0-9](?:[A-Z0-9-]|\s(?=\d)){4,16}[A-Z0-9])(?![A-Za-z0-9])/giu;

/** What the new detectors' texts must hold: a quick look for whether to run them at all. */
const NATIONAL_ID_HINT = /\d{4}|\d{3}[ -]\d{3}[ -]\d{3}/;
const IP_HINT = /\d\.\d|[0-9a-f]:[0-9a-f:]/i;
const ADDRESS_HINT = /\d/;

const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[\s-]?[A-Za-z0-9])/g;

/**
 * Each detector lists the patterns it reports from: it finds nothing where none of them matches.
 * The fourth field marks detectors that find nothing in a text without an ASCII digit (their
 * pattern, or the check on the value, needs one; `\d` is ASCII even with the `u` flag): findPii
 * skips them for such texts, most chat turns, which roughly halves the screening cost there.
 */
const DIGIT = true;
const DETECTORS: Array<[PiiKind, RegExp[], Detector, boolean?]> = [
  ['secret', TOKENS, (t) => TOKENS.flatMap((re) => spans('secret', re, t))],
  // Each only where its own hint is: an answer that mentions "Authorization:" need not be scanned for webhooks.
  ['secret', MORE_SECRETS, (t) => MORE_SECRETS.flatMap((re) => (HINTS.get(re)!.test(t) ? spans('secret', re, t) : []))],
  ['aws_key', [AWS_KEY_ID], (t) => spans('aws_key', AWS_KEY_ID, t)],
  ['secret', [AWS_SECRET], (t) => (base64Run40(t) ? spans('secret', AWS_SECRET, t, (v) => /[A-Z]/.test(v) && /[a-z]/.test(v) && /\d/.test(v)) : []), DIGIT],
  ['password', [PASSWORD], passwordSpans],
  // Role mailboxes (billing@, no-reply@) name a function, not a person: not personal data (role-address.ts).
  ['email', [EMAIL, EMAIL_SPELLED, EMAIL_WORDS, EMAIL_SPACED], (t) => [
    ...spans('email', EMAIL, t, (v) => !isRoleAddress(v)),
    ...spans('email', EMAIL_SPELLED, t, (v) => !isRoleAddress(v)),
    // Their own hints first: the shared look (any of the four) lets most texts with an @ through.
    ...(/dot/i.test(t) ? spans('email', EMAIL_WORDS, t, (v) => !isRoleAddress(spelledEmail(v))) : []),
    ...(/\s@|@\s/.test(t) ? spans('email', EMAIL_SPACED, t, (v) => !isRoleAddress(v.replace(/\s+/g, ''))) : []),
  ]],
  ['iban', [IBAN_START], (t) => ibanSpans(t), DIGIT],
  ['card', [CARD], (t) => spans('card', CARD, t, (v, s) => {
    const d = digitsOf(v);
    return luhn(d) && cardNetwork(d) && (CARD_LABEL.test(t.slice(Math.max(0, s - 40), s)) || !thingBefore(t, s));
  }), DIGIT],
  ['ssn', [SSN_LABEL, SSN_SEP], (t) => [...spans('ssn', SSN_LABEL, t, (v) => digitsOf(v).length === 9), ...spans('ssn', SSN_SEP, t, (v, s) => ssnValid(digitsOf(v)) && !thingBefore(t, s))], DIGIT],
  ['id_number', [NATIONAL_ID_HINT], nationalIdSpans, DIGIT],
  ['dob', [DOB, DOB_INTL], (t) => [...spans('dob', DOB, t), ...spans('dob', DOB_INTL, t)], DIGIT],
  ['id_number', [ID_LABEL, ID_LABEL_INTL], (t) => [...spans('id_number', ID_LABEL, t, (v) => /\d/.test(v) && digitsOf(v).length >= 4), ...spans('id_number', ID_LABEL_INTL, t, (v) => /\d/.test(v) && digitsOf(v).length >= 4)], DIGIT],
  ['id_number', [ID_LABEL_MORE], (t) => spans('id_number', ID_LABEL_MORE, t, (v) => digitsOf(v).length >= 5), DIGIT],
  ['password', [PASSWORD_INTL], (t) => spans('password', PASSWORD_INTL, t, (v) => /[\d\W_]/u.test(v.replace(/[.,;!?]+$/, '')) && /\p{L}|\d{4}/u.test(v))],
  ['ip_address', [IP_HINT], ipSpans, DIGIT],
  ['address', [ADDRESS_HINT], addressSpans, DIGIT],
  ['phone', [PHONE_LABEL, PHONE_LABEL_INTL, PHONE_INTL, PHONE_INTL_00, PHONE_NANP, PHONE_NATIONAL], (t) => [
    ...spans('phone', PHONE_LABEL, t, (v) => { const d = digitsOf(v); return d.length >= 7 && d.length <= 15 && !isTollFree(d); }),
    ...spans('phone', PHONE_LABEL_INTL, t, (v, s) => { const d = digitsOf(v); return d.length >= 7 && d.length <= 15 && !isTollFree(d) && !thingBefore(t, s) && !/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$/.test(v); }),
    ...spans('phone', PHONE_INTL_00, t, (v, s) => { const d = digitsOf(v); return d.length >= 10 && d.length <= 17 && !thingBefore(t, s); }),
    ...spans('phone', PHONE_INTL, t, (v, s) => { const d = digitsOf(v); return d.length >= 8 && d.length <= 15 && !(d.startsWith('1') && isTollFree(d)) && !thingBefore(t, s); }),
    ...spans('phone', PHONE_NANP, t, (v, s) => nanpPersonal(digitsOf(v)) && !thingBefore(t, s)),
    ...spans('phone', PHONE_NATIONAL, t, (v, s) => { const d = digitsOf(v); return d.length >= 10 && d.length <= 11 && !isTollFree(d) && !thingBefore(t, s); }),
  ], DIGIT],
];


/** `jane at example dot com` → `jane@example.com`, for the role-address test. */
const spelledEmail = (v: string) => v.replace(/\s*[[({<]?\s*\bat\b\s*[\])}>]?\s*/i, '@').replace(/\s*[[({<]?\s*\bdot\b\s*[\])}>]?\s*/gi, '.');

const NOT_A_PASSWORD = /^(?:policy|policies|reset|change[sd]?|expired|expires|manager|protected|required|rules|length|field|hint|strength|must|should|needs?|will|has|have|the|a|an|for|of|at|in|to|and|or|not|too|being|stored|rotated|valid|invalid|wrong|incorrect|correct|changed|updated|set|sent|same|different|missing|empty|blank|strong|weak|secure|long|short)[.,;!?]?$/i;

/** A value after "password is/:/=": redacted if it looks like a secret or was given with `:`/`=`. */
function passwordSpans(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of allMatches(PASSWORD, text)) {
    const value = m[1]!.replace(/[.,;!?]+$/, '');
    if (!value || NOT_A_PASSWORD.test(value)) continue;
    const start = m.index + m[0].lastIndexOf(m[1]!);
    const label = m[0].slice(0, m[0].length - m[1]!.length);
    // "boarding pass: Monday", "pin: the blue one": short labels need a value with a digit or symbol.
    const short = /^(?:pass|pw|pin)\b/i.test(label.trim());
    if (short && (value.length < 6 || !/\p{L}/u.test(value) || /(?:boarding|gate|bus|day|season|visitor|guest|hall|ski|backstage|press|rail|train|parking|event|museum|festival|hall|bye|free|mountain)\s*$/i.test(text.slice(Math.max(0, m.index - 16), m.index)))) continue;
    if (/[\d\W_]/u.test(value) || (!short && /[:=]/.test(label))) out.push({ kind: 'password', start, end: start + value.length });
  }
  return out;
}

/** IBANs: a country code, two check digits, then exactly that country's length (spaces allowed). */
function ibanSpans(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of allMatches(IBAN_START, text)) {
    let i = m.index + 4;
    let count = 4;
    let end = i;
    while (i < text.length && count < 34) {
      const c = text[i]!;
      if (/[A-Za-z0-9]/.test(c)) {
        count++;
        end = i + 1;
        if (ibanValid(text.slice(m.index, end)) && !/[A-Za-z0-9]/.test(text[end] ?? '')) {
          out.push({ kind: 'iban', start: m.index, end });
          break;
        }
      } else if (!((c === ' ' || c === '-') && /[A-Za-z0-9]/.test(text[i + 1] ?? ''))) break;
      i++;
    }
  }
  return out;
}

/**
 * Hints: a part of a pattern that every match of it contains, with the same flags (a match of
 * `A B C` contains a match of `B`; a match of `password` contains one of `pass`), so a text
 * without a hint has no match of its pattern. They are what makes long texts cheap: `\b` and the
 * labels under the `iu` flags cost a slow scan per character, the bare labels a fraction of it.
 */
export const HINTS = new Map<RegExp, RegExp>([
  [EMAIL, /@/u],
  [EMAIL_SPELLED, /[[(]\s*at\s*[\])]/i],
  [EMAIL_WORDS, /dot/i],
  [EMAIL_SPACED, /\s@|@\s/],
  [DOB_INTL, /nasc|nato|nata|nacqui|geboorte|geboren|urodz|doğ|född|födde|født|народи|родил|sinh|生年|誕生|出生|생년|생일|الميلاد|जन्म|рожд/i],
    // No `u` flag: V8 scans this case-insensitive alternation (ASCII and BMP letters) faster without it.
  [ID_LABEL_MORE, /person|fødsel|födelse|cpr|henkil|hetu|kimlik|tckn|identi|citizen|resident|身份|身分|nric|hkid|curp|\brut\b|\brg\b|c[ée]dula|tfn|tax\s+file|medicare|\bird\b|\bitin\b|\bsa\s+id|id-?nummer|ausweis|dow[oó]d|carte\s+d|codice|n[uú]mero\s+d/i],
  // One flag set for all six, so their hints join into one scan.
  [SENDGRID, /SG\./],
  [PREFIXED_TOKEN, /npm_|pypi-|shp[acps]|hf_|dop_v1_|dp\.[cs]|lin_api_|PMAK-|ATATT/],
  [WEBHOOK, /hooks\.slack|discord|webhook/],
  [URL_PASSWORD, /:\/\/[^\s:\/@]+:[^\s@\/]+@/],
  [CONNECTION_SECRET, /Key=|Secret=|Password=|Pwd=/],
  [AUTH_HEADER, /[Aa]uthori[sz]ation\s*[:=]|AUTHORIZATION\s*[:=]/],
  [PASSWORD_INTL, /パスワード|暗証番号|비밀번호|암호|كلمة|पासवर्ड|密码|密碼|口令|пароль/i],
  [ID_LABEL_INTL, /passa|paspo|paszp|pasap|chiếu|パスポート|旅券|여권|护照|護照|جواز|पासपोर्ट/iu],
  [PHONE_LABEL_INTL, /cellul|telef|telem|mobi|komórk|gsm|thoại|携帯|電話|휴대폰|핸드폰|전화|هاتف|جوال|رقمي|फ़ोन|फोन|मोबाइल|whats\s?app/iu],
  [PHONE_INTL_00, /00[1-9]/],
  [PASSWORD, /p(?:ass|wd|in|w)|contraseña|senha|mot\s+de\s+passe|kennwort|wachtwoord|lösenord|adgangskode|hasło|şifre|parola|khẩu|пароль|密码/iu],
  [DOB, /dob|d\.o\.b|birth|born|geb|fecha|nacid|né\s+le|née\s+le|naissance|дата|出生/iu],
  [ID_LABEL, /pass|licen[cs]e|dl\s*#|national|id\s+card|ausweis|führerschein|pasaporte|dni|permis|nhs|tax\s+id|tin|nino/iu],
  [PHONE_LABEL, /phone|tel|mobile|cell|call\s+me|text\s+me|reach\s+me|whats\s?app|fax|handy|portable|móvil|celular|телефон|电话|手机/iu],
]);
const hints = (patterns: RegExp[]) => patterns.map((re) => HINTS.get(re) ?? re);

/**
 * Most texts carry no PII: every pattern's hint joined (per flag set, see prefilter.ts) dismisses
 * them in a few scans instead of ~25 `matchAll`s; each detector is then asked the same of its own.
 */
const ANY_HINT = anyMatch(DETECTORS.flatMap(([, patterns]) => hints(patterns)));
const ANY_HINT_WITHOUT_DIGIT = anyMatch(DETECTORS.filter(([, , , needsDigit]) => !needsDigit).flatMap(([, patterns]) => hints(patterns)));
const MAYBE = DETECTORS.map(([, patterns]) => (patterns.length > 1 || HINTS.has(patterns[0]!) ? anyMatch(hints(patterns)) : () => true));

/** Non-overlapping spans, earlier detectors (secrets, then checksummed ones) winning ties. */
/**
 * Decimal digits of other scripts (Arabic-Indic ٠١٢, Devanagari ०१२, Thai ๐๑๒, …) read as ASCII,
 * one code unit for one, so spans found in the result are spans of the original: a phone number
 * written in Eastern Arabic digits is the same phone number. NFKC leaves these digits as they are.
 */
const OTHER_DIGIT = /[\u0660-\u0669\u06F0-\u06F9\u07C0-\u07C9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0DE6-\u0DEF\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u1090-\u1099\u17E0-\u17E9\u1810-\u1819\u1946-\u194F\u19D0-\u19D9\uA8D0-\uA8D9\uA900-\uA909\uAA50-\uAA59\uABF0-\uABF9]/g;
/** Each of those blocks is ten digits starting at a code point ending in 0 or 6: the value is the distance from its zero. */
const ZEROS = [0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0xa8d0, 0xa900, 0xaa50, 0xabf0];
export function asciiDigits(text: string): string {
  // Two wide ranges first (every such digit lies inside them; dashes and quotes do not).
  if (!/[\u0660-\u19D9\uA8D0-\uABF9]/.test(text)) return text;
  OTHER_DIGIT.lastIndex = 0;
  if (!OTHER_DIGIT.test(text)) return text;
  return text.replace(OTHER_DIGIT, (c) => {
    const cp = c.charCodeAt(0);
    const zero = ZEROS.find((z) => cp >= z && cp <= z + 9)!;
    return String(cp - zero);
  });
}

export function findPii(original: string): PiiSpan[] {
  const text = asciiDigits(original);
  const digits = /\d/.test(text);
  if (!(digits ? ANY_HINT : ANY_HINT_WITHOUT_DIGIT)(text)) return [];
  const all: Array<PiiSpan & { rank: number }> = [];
  DETECTORS.forEach(([, , detect, needsDigit], rank) => {
    if (needsDigit && !digits) return;
    if (!MAYBE[rank]!(text)) return;
    for (const s of detect(text)) if (s.end > s.start) all.push({ ...s, rank });
  });
  all.sort((a, b) => a.rank - b.rank || b.end - b.start - (a.end - a.start));
  const kept: PiiSpan[] = [];
  for (const s of all) {
    if (kept.some((k) => s.start < k.end && k.start < s.end)) continue;
    kept.push({ kind: s.kind, start: s.start, end: s.end });
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Replace spans with their placeholders (spans as findPii returns them: sorted, disjoint). */
export function applyRedaction(text: string, found: PiiSpan[]): string {
  let out = '';
  let at = 0;
  for (const s of found) {
    out += text.slice(at, s.start) + PLACEHOLDER[s.kind];
    at = s.end;
  }
  return out + text.slice(at);
}

export function redactPii(text: string): { text: string; found: PiiSpan[] } {
  const found = findPii(text);
  return { text: found.length ? applyRedaction(text, found) : text, found };
}
