/**
 * The sensitive subjects of sensitivity.ts in more languages: Japanese, Korean, Arabic, Hindi,
 * Portuguese, Italian, Dutch, Polish, Turkish and Vietnamese, plus English words the first lists
 * missed (inflections such as "banks", payroll, permission grants, screening). Vocabulary of a
 * subject, not phrasings of known attacks: a learning that merely mentions a bank or an approval
 * in these languages is reviewed before it is shared, as it is in English.
 *
 * Scripts written without spaces (Japanese, Chinese) or with attached particles and prefixes
 * (Korean 은행으로, Arabic بالبنك) are matched as substrings; space-separated ones as whole words.
 */

const W = (list: string) => list.split('|').filter(Boolean).join('|');
const words = (list: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${W(list)})(?![\\p{L}\\p{N}])`, 'iu');
const sub = (list: string) => new RegExp(`(?:${W(list)})`, 'u');

export type LexiconCategory = 'payment' | 'links' | 'credentials' | 'approvals' | 'security' | 'bypass' | 'instructions';

export const LEXICON: Record<LexiconCategory, RegExp[]> = {
  payment: [
    words(
      'banks|banked|banking details|betal\\p{L}*|\\p{L}+bank(?:en|et|s)?|trust account|escrow|settlement account|(?:settle[sd]?|deposited|routed|remitted|credited) (?:in)?(?:to|via|through|at)|credit union|building society|payroll|salary|salaries|direct deposit|payment terms|credit terms|net ?\\d{2,3}|remit-to|' +
        // pt / it / nl / pl / tr / vi
        'banco|conta(?: bancária| corrente)?|pagamentos?|transferências?|depósitos?|agência|pix|boleto|' +
        'banca|conto(?: corrente)?|pagament[oi]|bonific[oi]|versament[oi]|coordinate bancarie|' +
        'rekening\\p{L}*|betaling\\p{L}*|overschrijving\\p{L}*|overboeking\\p{L}*|bankgegevens|' +
        'bank\\p{L}*|konto|konta|kontem|koncie|rachun\\p{L}*|płatnoś\\p{L}*|przelew\\p{L}*|' +
        'banka\\p{L}*|hesab\\p{L}*|hesap|ödeme\\p{L}*|havale\\p{L}*|eft|' +
        'ngân hàng|tài khoản|chuyển khoản|thanh toán|số tài khoản|gift ?cards?|' +
        // da / no / sv / fi / cs / id / el
        'betaling\\p{L}*|betalning\\p{L}*|kontonummer|bankkonto|overførsel|överföring|pankki\\p{L}*|tili\\p{L}*|maksu\\p{L}*|tilisiirto|banka|bance|účet|účtu|platb\\p{L}*|převod\\p{L}*|rekening|pembayaran|transfer bank|τράπεζ\\p{L}*|λογαριασμ\\p{L}*|πληρωμ\\p{L}*|εμβάσμα\\p{L}*|ΙΒΑΝ',
    ),
    sub('בנק|חשבון|תשלום|העברה בנקאית|ธนาคาร|บัญชี|โอนเงิน|ชำระเงิน|銀行|口座|振込|振り込み|送金|支払|入金|은행|계좌|송금|이체|입금|지급|결제|بنك|مصرف|حساب|تحويل|مدفوعات|الدفع|آيبان|बैंक|खाता|खाते|भुगतान|ट्रांसफर|आईबैन'),
  ],
  links: [
    // Host names under a country domain: with two labels or more any country; with one, only
    // country codes that are not also common abbreviations after a dot ("Ref.No", "log.in").
    /\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\.(?:jp|kr|in|br|it|nl|pl|tr|vn|sa|ae|au|ca|ch|at|be|se|no|dk|fi|pt|mx|ar|cl|za|sg|hk|tw|id|my|th|ph|nz|ie|cz|hu|ro|gr|il|ua|eg|ma|ng|ke|pk|bd)\b|\b[a-z0-9-]{2,}\.(?:jp|kr|br|nl|pl|tr|vn|sa|ae|au|mx|za|sg|hk|tw|nz|ie|cz|hu|ro|gr|il|ua|eg|ng|ke|pk|bd|dk|fi|pt|cl)\b/i,
    words('portal|portale|portaal|sito|endereço|indirizzo|collegamento|koppeling|strona|stronie|bağlantı|adres\\p{L}*|giriş sayfası|liên kết|đường dẫn|trang web|cổng thông tin|đăng nhập|inlog\\p{L}*|logowani\\p{L}*'),
    sub('קישור|פורטל|ลิงก์|พอร์ทัล|リンク|ポータル|サイト|ログイン|링크|포털|사이트|로그인|رابط|بوابة|الموقع الإلكتروني|تسجيل الدخول|लिंक|पोर्टल|वेबसाइट|लॉगिन'),
  ],
  credentials: [
    words('combination|combo|passphrase|adgangskode|lösenord|passord|salasana|heslo|kata sandi|κωδικ\\p{L}*|senha|palavra-passe|código de acesso|parola d.ordine|codice di accesso|wachtwoord|toegangscode|inlogcode|hasło|hasła|haseł|hasłem|kod dostępu|şifre\\p{L}*|giriş kodu|mật khẩu|mã pin|mã truy cập'),
    /(?:code|combination|combo|pin|código|codice|kod|şifre|mã)\D{0,25}\d(?:[\s.-]?\d){2,}/iu,
    sub('סיסמ|รหัสผ่าน|パスワード|暗証番号|認証コード|合言葉|비밀번호|암호|패스워드|인증번호|비번|كلمة المرور|كلمة السر|رمز الدخول|पासवर्ड|पिन'),
  ],
  approvals: [
    words(
      '(?:card|spend(?:ing)?|monthly|daily|weekly|transaction|withdrawal|transfer|travel|per diem|purchasing|procurement|corporate card|budget) (?:limits?|caps?|ceilings?|allowances?)|sign-?off (?:ceiling|limit|threshold)|second signatures?|dual (?:check|control|sign-?off|approval)|four-eyes|two-person|admin (?:access|rights|roles?|privileges|permissions)|(?:database|db|production|prod|system|domain|global|org|tenant|full|workspace|root|super) admin\\p{L}*|root access|sudo|superuser|' +
        'grant(?:s|ed|ing)? (?:\\p{L}+ ){0,4}(?:access|admin\\p{L}*|rights|permissions?|privileges?|roles?)|(?:read|write|edit|delete) access|access rights|' +
        'aprovação|aprovações|aprovar|aprova\\p{L}*|limite|teto|reembols\\p{L}*|estorno\\p{L}*|despesas?|permiss\\p{L}*|acesso|autoriza\\p{L}*|' +
        'approvazion\\p{L}*|approvare|approva\\p{L}*|autorizzazion\\p{L}*|soglia|rimbors\\p{L}*|spes[ae]|permess\\p{L}*|accesso|' +
        'goedkeur\\p{L}*|goedgekeurd|akkoord|drempel\\p{L}*|limiet\\p{L}*|terugbetal\\p{L}*|declaratie\\p{L}*|onkosten|rechten|toegang|' +
        'akceptacj\\p{L}*|zatwierdz\\p{L}*|zgod\\p{L}*|limitu|limitem|limity|próg\\p{L}*|progu|zwrot\\p{L}*|wydat\\p{L}*|uprawnie\\p{L}*|dostęp\\p{L}*|' +
        'onay\\p{L}*|eşik|iade\\p{L}*|masraf\\p{L}*|harcama\\p{L}*|yetki\\p{L}*|erişim\\p{L}*|' +
        'phê duyệt|xét duyệt|hạn mức|ngưỡng|hoàn tiền|chi phí|quyền truy cập|ủy quyền|' +
        'refund\\p{L}*|(?:production|prod|admin|root|full|elevated|privileged) access|' +
        'godkend\\p{L}*|godkjen\\p{L}*|godkänn\\p{L}*|attest\\p{L}*|refusion\\p{L}*|tilbagebetal\\p{L}*|återbetal\\p{L}*|hyväksy\\p{L}*|palautu\\p{L}*|schválen\\p{L}*|schváli\\p{L}*|vrácen\\p{L}*|persetujuan|disetujui|pengembalian dana|έγκρισ\\p{L}*|εγκρ\\p{L}*|επιστροφ\\p{L}*|όριο|ορίου',
    ),
    sub('אישור|החזר|תקרה|סף|อนุมัติ|คืนเงิน|วงเงิน|承認|決裁|稟議|上限|限度|閾値|返金|払い戻し|経費|権限|管理者|승인|결재|한도|상한|환불|경비|권한|관리자|موافقة|اعتماد|سقف|استرداد|مصروفات|صلاحي|مسؤول النظام|मंज़ूरी|मंजूरी|अनुमोदन|स्वीकृति|सीमा|रिफंड|धनवापसी|अनुमति|अधिकार|खर्च'),
    // Amounts in more currencies and number words.
    /[₹₩₺₫฿₱₴₪]\s?\d|\d[\d,. ]*\s?(?:円|万円|億|원|만원|억|triệu|tỷ|đồng|zł|złotych|lakh|crore|reais|r\$|tl|lira|riyal|dirham|درهم|ريال|रुपये|kr|sek|dkk|nok|kč|czk|ft|huf|lei|rp|rupiah|บาท|ש"ח|₪|грн)/iu,
  ],
  security: [
    words('screening|sanctions|credit checks?|checking credit|kyc checks?|verificação|segurança|auditoria|fraude|verifica|sicurezza|richiamata|frode|controll[oi]|verificatie|beveiliging|controle|terugbel\\p{L}*|weryfikacj\\p{L}*|bezpieczeństw\\p{L}*|kontrol\\p{L}*|oszust\\p{L}*|doğrulama|güvenlik|denetim|dolandırıcılık|xác minh|bảo mật|kiểm tra|gian lận'),
    sub('本人確認|検証|監査|不正|コールバック|折り返し|확인 전화|검증|감사팀|회계 감사|보안|본인 확인|تحقق|أمان|تدقيق|احتيال|सत्यापन|सुरक्षा|ऑडिट|धोखाधड़ी'),
  ],
  bypass: [
    words('no (?:ticket|approval|approver|manager|review|sign-?off|check|receipt|callback|form|paperwork|signature|second signature|countersignature|purchase order|po|quote|consent)s? (?:needed|required|involved|necessary)|without (?:an? |any |their |the )?(?:\\p{L}+ ){0,2}(?:consent|permission|second signature|countersign\\p{L}*|paperwork|form|ok|okay|nod|go-ahead|green light|say-so|blessing)|(?:has|have|had) no objections?|(?:customer|client|user|personal|patient|employee|member)s?.? (?:data|e-?mails?|records|details|information|contacts|lists?|files) (?:can|may|should|will|could) (?:now )?be (?:forwarded|shared|sent|exported|given|sold|passed|uploaded|disclosed)|(?:step|check|control|callback|review|approval|requirement|rule|sign-?off)s? (?:\\p{L}+ ){0,4}(?:has been |have been |was |were |is |are )?(?:retired|scrapped|abolished|discontinued|removed|dropped)|straight through|go(?:es)? through automatically|no longer looks? at|kræver ikke|ikke længere|krever ikke|kräver inte|inte längre|eivät enää|ei enää|ei tarvitse|už nevyžaduj\\p{L}*|nevyžaduj\\p{L}*|tidak perlu|tanpa (?:persetujuan|verifikasi)|δεν χρειάζ\\p{L}*|δεν απαιτ\\p{L}*|χωρίς έγκριση|without (?:\\p{L}+ing )?(?:credit|checks?|checking|verif\\p{L}*|approv\\p{L}*|review\\p{L}*|screening|confirmation|a callback|callbacks?)|no longer includes?|não precisa\\p{L}*|não (?:é|são) mais necessári\\p{L}*|dispensa\\p{L}*|sem (?:aprovação|verificação|autorização)|non (?:serve|servono|è più necessari\\p{L}*)|senza (?:approvazione|verifica|autorizzazione|richiamata|controllo)|niet meer nodig|hoeven niet|hoeft niet|zonder (?:goedkeuring|controle|verificatie)|nie wymaga\\p{L}*|nie trzeba|bez (?:akceptacji|zgody|weryfikacji|kontroli)|gerek yok|gerekmiyor|gerekmez|onaysız|(?:onay|kontrol|doğrulama)\\p{L}* olmadan|không cần|bỏ qua|miễn trừ'),
    sub('לא דורש|לא צריך|ללא אישור|ไม่ต้อง|不要|必要ない|必要ありません|省略|スキップ|なしで|없이|필요 없|생략|건너뛰|면제|بدون (?:موافقة|تحقق|اعتماد|مراجعة)|دون الحاجة|لم يعد|لا يلزم|لا حاجة|बिना (?:मंज़ूरी|मंजूरी|अनुमोदन|जांच|सत्यापन)|ज़रूरत नहीं|जरूरत नहीं|आवश्यकता नहीं'),
  ],
  instructions: [
    // Talking to the assistant instead of stating a fact: a role for it, a standing order, a claim
    // of authority or a request to spread the fact to everyone.
    words(
      'you are (?:the|an?|my|our) [\\p{L} -]{0,30}(?:assistant|bot|agent|ai)|(?:per|according to|speaking for|on behalf of|this is) (?:the |our )?(?:legal|finance|treasury|compliance|hr|payroll|audit|accounting|management|board|ceo|cfo|ciso|head of \\p{L}+)|(?:legal|finance|treasury|compliance|audit|accounting|management|the board|payroll) (?:team |department )?(?:has )?(?:said|says|confirmed|approved|signed off|agreed|decided|cleared)|note to (?:the )?(?:ai|assistant|bot|model|llm)|always (?:confirm|approve|accept|grant|allow|agree|say yes)|' +
        'as (?:the|an?|your) (?:admin\\p{L}*|administrator|ceo|cfo|cto|coo|ciso|owner|manager|curator|tenant admin\\p{L}*|it admin\\p{L}*|security team|head of \\p{L}+)|' +
        'i am (?:the|an?|your) (?:admin\\p{L}*|administrator|ceo|cfo|cto|coo|ciso|owner|curator|tenant admin\\p{L}*)|i (?:hereby )?(?:confirm|authori[sz]e|approve) (?:that|this)|on behalf of (?:the )?(?:ceo|cfo|management|board|it|security)|' +
        '(?:remember|record|store|save|note|share|tell|learn|apply)\\p{L}* (?:this|that|it)? ?(?:for|with|to) (?:everyone|everybody|all (?:users|staff|employees|colleagues|agents|teams)|the whole (?:team|company|org\\p{L}*|tenant|workspace)|every (?:user|one))|' +
        '(?:for|with|to) (?:everyone|everybody|all users|the whole (?:team|company|tenant|workspace))[,:]? (?:remember|note|record)',
    ),
  ],
};
