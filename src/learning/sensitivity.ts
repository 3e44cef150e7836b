import { ibanValid } from '../guardrails/pii-checks.js';
import { canonical, detectionViews, foldConfusables, obfuscationSigns, rot13 } from './normalize-text.js';
import { LEXICON } from './sensitivity-lexicon.js';

/**
 * Subjects where one user's claim must not become everyone's truth without a person's review:
 * the classic poisoning targets (where money goes, which link to click, what the password is,
 * who may approve what, which checks to skip), plus messages that talk to the assistant instead of
 * stating a fact, and messages disguised to slip past these patterns. EN/DE/ES/FR/ZH/RU keywords
 * here, JA/KO/AR/HI/PT/IT/NL/PL/TR/VI in sensitivity-lexicon.ts, matched on every detection view of
 * the text (see normalize-text.ts).
 */
export const SENSITIVE_CATEGORIES = ['payment', 'links', 'credentials', 'approvals', 'security', 'bypass', 'instructions', 'obfuscated'] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number] | 'supersedes_document' | 'custom';

// Alternatives are kept verbatim: a trailing space inside a group ("(?:a |an )") is meaningful.
const W = (words: string) => words.split('|').filter(Boolean).join('|');
/**
 * A whole-word alternation. JS `\b` only knows ASCII word characters even with the u flag, so it
 * never matches next to Cyrillic or accented letters: use Unicode lookarounds instead.
 */
const words = (list: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${W(list)})(?![\\p{L}\\p{N}])`, 'iu');

const PATTERNS: Record<Exclude<SensitiveCategory, 'obfuscated' | 'supersedes_document' | 'custom'>, RegExp[]> = {
  payment: [
    words('bank|banking|iban|swift|bic|routing number|sort code|account (?:number|no|details)|acct|wire|payee|remit|remittance|beneficiary|bank details|payment details|pay(?:ments?)? (?:to|into)|invoice(?:s)? (?:to|should)|credit card|card number|crypto|bitcoin|btc|wallet|bankverbindung|konto|kontonummer|überweisung|zahlungen?|zahlungsempfänger|cuenta|bancaria|transferencia|pagos?|beneficiario|compte|bancaire|virement|rib|paiements?|bénéficiaire|банк|банковск\\p{L}*|сч[её]т\\p{L}*|реквизит\\p{L}*|плат[её]ж\\p{L}*|перевод\\p{L}*|оплат\\p{L}*'),
    /银行|账户|账号|帐号|付款|汇款|转账|收款/u,
  ],
  links: [
    /\bhttps?:\/\/|\bwww\./i,
    /\b[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.(?:com|net|org|io|co|biz|info|app|dev|xyz|site|online|top|ru|cn|de|es|fr|uk|us|eu|me|ly|gl|link|click|support|help|live|pay|portal)\b/iu,
    /[^\s@]+@[^\s@]+\.[a-z]{2,}/i,
    words('url|urls|link|links|portal|login page|sign-in page|domain|enlace|lien|ссылк\\p{L}*|портал\\p{L}*'),
    /网址|链接|门户/u,
  ],
  credentials: [
    words('password|passwords|passcode|login|logins|wi-?fi key|wifi key|wlan key|root (?:login|password|access)|door code|access code|security code|alarm code|safe code|passphrase|pin|api key|api keys|apikey|secret|secrets|token|tokens|credential|credentials|private key|ssh key|2fa|mfa|otp|one-time code|login details|passwort|kennwort|zugangsdaten|contraseña|contrasena|clave|credenciales|mot de passe|identifiants|пароль|пароли|токен\\p{L}*|ключ\\p{L}*|учётн\\p{L}*|учетн\\p{L}*'),
    /密码|令牌|密钥|凭证|口令/u,
    // A thing's code (barcode, budget code, tariff code) is not a secret.
    /(?<!(?:bar|zip|post|postal|area|country|budget|tariff|hs|product|discount|coupon|promo|source|error|status|exit|cost|tax|vat|qr|dial|region|project|item|colou?r)[\s-]?)(?:code|combination|combo|pin|código|clave|code du|код|шифр|密码|口令)\D{0,25}\d{3,}/iu,
    // `user / pass123`: a name of letters, not a path or a reference (`2026/FT/00815`, `C-2026/0912`).
    /(?<![\p{L}\p{N}\/-])[a-z][a-z._-]{1,30}\s*\/\s*[\w!@#$%^&*.-]*\d[\w!@#$%^&*.-]*(?![\p{L}\p{N}\/])/iu,
  ],
  approvals: [
    words('approve|approves|approved|approval|approvals|approver|authorit(?:y|ies)|green-?light\\p{L}*|rebate\\p{L}*|expenses?|invoices? (?:under|below|above|over|up to)|purchase orders?|cap|caps|ceiling|max(?:imum)? (?:refund|payout|amount|spend)|spesen|obergrenze|grenze|höchstbetrag|gastos|tope|plafond|frais|dépenses|расход\\p{L}*|потолок|ceo|cfo|coo|cto|ciso|treasurer|chief [a-z]+ officer|discount\\p{L}*|authori[sz]e|authori[sz]ed|authori[sz]ation|sign-off|sign off|threshold|thresholds|refund|refunds|reimburse\\p{L}*|payout|payouts|discount limit|spending limit|credit limit|purchase limit|expense limit|admin rights|admin access|administrator|privilege|privileges|permission|permissions|access to|genehmig\\p{L}*|freigabe\\p{L}*|schwellenwert\\p{L}*|erstattung\\p{L}*|berechtigung\\p{L}*|aprobaci[oó]n|aprobar|aprueba|umbral|reembolso\\p{L}*|autorizaci[oó]n|autorizar|permiso\\p{L}*|approbation|approuver|seuil|remboursement\\p{L}*|autorisation|autoriser|droits? d.acc[eè]s|одобр\\p{L}*|утвержд\\p{L}*|согласова\\p{L}*|порог\\p{L}*|лимит\\p{L}*|возврат\\p{L}*|разрешени\\p{L}*|полномочи\\p{L}*|доступ\\p{L}*'),
    /审批|批准|阈值|限额|额度|上限|退款|报销|授权|权限|发票/u,
    /[$€£¥₽]\s?\d|\d[\d,. ]*\s?(?:[$€£¥₽]|usd|eur|gbp|chf|dollars?|euros?|rubles?|pounds?|grand|k\b|m\b|million|mio|millones|millions?|рубл\p{L}*|руб|евро|долл\p{L}*|тысяч\p{L}*|млн|元|美元|万|千)/iu,
    // Who-may-do rules: permission or automation granted to a broad group.
    words('(?:can|may|could) (?:now )?(?:be )?(?:\\p{L}+ed|\\p{L}+en|sign|approve|pay|refund|issue|grant|give|book|skip) by (?:any|every|all)\\p{L}*|(?:any|every|all) (?:employees?|staff|agents?|users?|members?|team members?|managers?|one|body) (?:can|may|is allowed|are allowed)|anyone can|everyone can|automatically|auto-?approv\\p{L}*|on (?:the requester.s|their own|his own|her own) say-?so|say-?so|darf|dürfen|jeder mitarbeiter|automatisch|puede(?:n)?|cualquier\\p{L}*|automáticamente|peut|peuvent|n.importe qui|automatiquement|validé\\p{L}*|любой|любому|может|могут|автоматически'),
    /自动|任何人|都可以|可直接|直接处理/u,
  ],
  security: [
    words('kyc|aml|fraud|audit(?:s|ed|ing|ors?)?|firewall\\p{L}*|antivirus|anti-virus|dlp|malware|encrypt\\p{L}*|security review|security checks?|security polic\\p{L}*|code reviews?|background checks?|compliance|verification|verify|callback|sicherheit\\p{L}*|prüfung\\p{L}*|verifizierung|rückruf\\p{L}*|seguridad|verificaci[oó]n|fraude|sécurité|vérification|rappel|безопасност\\p{L}*|проверк\\p{L}*|верификаци\\p{L}*|аудит\\p{L}*'),
    /安全|核实|核查|验证|审计|合规|回拨/u,
  ],
  bypass: [
    words('skip\\p{L}*|bypass\\p{L}*|(?:don.t|doesn.t|do not|does not|no longer|not) (?:need|needs|require|requires|required|have to|has to|must)|(?:dropped|lifted|removed|suspended|paused)|ya no requier\\p{L}*|sin visto bueno|ne (?:sont|est) plus (?:requis|nécessaires?|obligatoires?)|plus besoin|muss nicht mehr|müssen nicht mehr|entfällt|entfallen|без согласовани\\p{L}*|не нужн\\p{L}*|не требу\\p{L}*|不用|不必|无须|without (?:a |an |any )?(?:po|purchase order|receipts?|reviews?|approvals?|sign-?offs?|tickets?|checks?|verification|asking)|circumvent\\p{L}*|disabl\\p{L}*|turn(?:ed|s)? off|switch(?:ed|es)? off|overrid\\p{L}*|ignor(?:e|ed|ing) (?:the |all |any )?(?:alerts?|warnings?|checks?|errors?|findings?)|optional|not (?:mandatory|enforced)|no longer (?:mandatory|enforced)|exempt\\p{L}*|waive\\p{L}*|no longer (?:need|needs|required|requires|necessary)|not (?:need|needed|required) any ?more|without (?:checks?|verification|approval|review)|don.t (?:need to )?(?:verify|check)|überspring\\p{L}*|umgeh\\p{L}*|deaktivier\\p{L}*|nicht mehr (?:nötig|erforderlich|notwendig)|ohne (?:prüfung|kontrolle|freigabe)|omitir|saltar|saltarse|desactivar|ya no (?:es necesari[oa]|se requiere|hace falta)|sin (?:verificaci[oó]n|aprobaci[oó]n|control)|ignorer|contourner|désactiver|n.est plus (?:nécessaire|requis)|sans (?:vérification|approbation|contrôle)|пропуст\\p{L}*|обойти|обход\\p{L}*|отключ\\p{L}*|больше не (?:нужн\\p{L}*|требуется)|без (?:проверк\\p{L}*|одобрени\\p{L}*|согласовани\\p{L}*)'),
    /跳过|绕过|禁用|关闭|不再需要|无需|不需要/u,
  ],
  instructions: [
    /\b(ignore (?:all |any |the )?(?:previous|prior|above|earlier)|disregard|you (?:must|should|will|are to) (?:always|never|now|tell|say|answer|reply|respond)|always (?:answer|reply|respond|tell|say)|from now on,? (?:you|always|never|answer|reply|respond|tell|say)|new instructions?|system prompt|developer mode|jailbreak|pretend|role-?play|act as|you are now|as an? (?:admin|administrator|system)|do anything now)\b/i,
    /<\|[a-z_]+\|>|\[\/?(?:inst|system|sys)\]|<\/?(?:system|assistant|semantic_memory)>|(?:^|[\s:>\]])(?:system|assistant|developer)\s*:|\[source\s*:|\[learning\]|###\s*(?:system|instruction)/im,
    words('ignoriere|ignorieren|du musst|ab sofort (?:musst|sollst|antworte)|ignora|debes|a partir de ahora (?:debes|responde)|tu dois|vous devez|désormais (?:tu|vous|réponds)|игнорируй\\p{L}*|ты должен|вы должны|с этого момента'),
    /忽略|你必须|从现在开始|系统提示/u,
  ],
};

for (const [cat, extra] of Object.entries(LEXICON) as Array<[keyof typeof LEXICON, RegExp[]]>) PATTERNS[cat].push(...extra);

export interface SensitivityConfig {
  /** Categories switched on (default: all). */
  categories: readonly string[];
  /** Extra patterns (regex source, case-insensitive) that make a learning sensitive ('custom'). */
  extraPatterns: readonly string[];
}

export const DEFAULT_SENSITIVITY: SensitivityConfig = { categories: SENSITIVE_CATEGORIES, extraPatterns: [] };

const IBAN_LIKE = /\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?\b/gi;
const DIGIT_RUN = /(?<![\p{L}\p{N}-])\d(?:[ -]?\d){7,}(?![\p{L}\p{N}])/gu;
/** Words that make a following number the id of a thing (an order, a parcel, a build), not an account. */
const THING_BEFORE = /(?:order|part|p\/n|sku|invoice|inv|ticket|case|ref|reference|po|serial|s\/n|sn|model|tracking|build|version|item|batch|lot|product|quote|rma|shipment|isbn|confirmation|booking|issue|bug|job|asset|project|room|flight|pedido|bestelling|zamówieni\p{L}*|sipariş|ordine|commande|bestellung|注文|주문|طلب|ऑर्डर|parcel|container|barcode|upc|ean|timestamp|epoch|meeting|zoom|budget|contract|protocol|protocolo|protokoll|warranty|tariff|hs|fattura|faktur\p{L}*|rechnung\p{L}*|sendung\p{L}*|ordernumret|sipariş\s+numarası|vận\s+đơn|mã|заказ\p{L}*|замовлення|рахун\p{L}*|番号|注文番号|번호|송장|رقم\s+الطلب|इनवॉइस|快递单号|单号)\s*(?:no\.?|number|num|id|code|#|nr\.?|nummer|número|numero|numer|numret|numarası|номер|번호|番号)?(?:\s+(?:is|was|es|est|ist|è|é|är|er|jest|to|là|hoy)\b)?\s*[:#-]?\s*(?:は|는|은|是|هو)?\s*$/iu;
/** A thing's id word a few words before the number, then "is" / ":" (the number is that thing's). */
const THING_NEAR = /(?:order|invoice|ticket|case|reference|ref|serial|tracking|build|version|isbn|upc|ean|barcode|timestamp|epoch|parcel|shipment|container|meeting|zoom|webex|budget|contract|warranty|tariff|sku|lot|batch|quote|booking|confirmation|pedido|fattura|faktur\p{L}*|commande|bestel\p{L}*|zamówieni\p{L}*|sipariş|заказ\p{L}*|замовлен\p{L}*)\b[^.;\n]{0,40}?(?:\s(?:is|was|es|est|ist|è|é|är|er|jest|to|là)|[:：]|は|는|은|是|هو)\s*$/iu;
/** Words that make a number an account's, whatever thing is named before them. */
const ACCOUNT_WORD = /account|acct|iban|bank|routing|sort\s+code|beneficiar|payee|wire|remit|konto|cuenta|compte|conto|rekening|счёт|счет|рахун/i;
/** Toll-free and service numbers (1-800…, 0800…): a business line, not where money goes. */
const SERVICE_NUMBER = /^(?:1[ -]?)?(?:800|833|844|855|866|877|888)|^0(?:800|808|805|801)/;

/**
 * Account-number-like content: an IBAN-shaped token, or a run of 8+ digits that is neither a
 * thing's id (order, ticket, serial, tracking number) nor a toll-free line. Looked for in the
 * readable views only: leetspeak and ROT13 views turn ids into letter salad that looks like anything.
 */
function accountLike(views: string[]): boolean {
  for (const v of views) {
    // IBAN-shaped and passing mod 97: a parcel or waybill number (JD0146…, VN1234…) has the shape only.
    for (const m of v.matchAll(IBAN_LIKE)) if (ibanValid(m[0].replace(/ /g, ''))) return true;
    for (const m of v.matchAll(DIGIT_RUN)) {
      if (THING_BEFORE.test(v.slice(Math.max(0, m.index - 32), m.index))) continue;
      // "the ISBN of the style guide is …": a thing named a few words before, no account word between.
      const before = v.slice(Math.max(0, m.index - 48), m.index);
      if (THING_NEAR.test(before) && !ACCOUNT_WORD.test(before)) continue;
      if (SERVICE_NUMBER.test(m[0])) continue;
      if (/^\d{4}-\d{2}-\d{2}$/.test(m[0])) continue;
      return true;
    }
  }
  return false;
}

/** The sensitive categories a learning touches (empty = not sensitive). */
export function sensitiveCategories(text: string, config: SensitivityConfig = DEFAULT_SENSITIVITY): SensitiveCategory[] {
  const on = new Set(config.categories);
  const views = detectionViews(text);
  const found = new Set<SensitiveCategory>();
  for (const [cat, patterns] of Object.entries(PATTERNS) as Array<[SensitiveCategory, RegExp[]]>) {
    if (!on.has(cat)) continue;
    if (views.some((v) => patterns.some((re) => re.test(v)))) found.add(cat);
  }
  // ROT13 of ordinary text is gibberish; only count it when the decoded view says something the
  // plain one does not (checked above) *and* reads as words — the pattern hit already implies that.
  if (on.has('obfuscated') && obfuscationSigns(text).length > 0) found.add('obfuscated');
  if (on.has('payment') && !found.has('payment') && accountLike([canonical(text), foldConfusables(canonical(text))])) found.add('payment');
  // A placeholder marks where redaction removed a contact or payment detail: the learning was
  // about where to write, call or pay ("invoices now go to [EMAIL]"), which is what gets reviewed.
  if (on.has('payment') && /\[(?:IBAN|CARD)\]/.test(text)) found.add('payment');
  if (on.has('links') && /\[(?:EMAIL|PHONE|IP_ADDRESS)\]/.test(text)) found.add('links');
  if (config.extraPatterns.length > 0) {
    const custom = config.extraPatterns.map((p) => new RegExp(p, 'iu'));
    if (views.some((v) => custom.some((re) => re.test(v)))) found.add('custom');
  }
  return [...found];
}

/** Exposed for tests: the ROT13 view alone (a hit there means the text was hidden on purpose). */
export function rot13View(text: string): string {
  return rot13(canonical(text));
}
