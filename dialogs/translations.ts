/**
 * What the bot says to a resident who writes in another language: a short reply offering a call-back with an
 * interpreter, and the few questions needed to arrange it (befriending or cost of living, name, phone number,
 * consent). Data only, so a translator can review it without reading any flow logic.
 *
 * NONE OF THESE HAS BEEN REVIEWED BY A QUALIFIED TRANSLATOR. They were drafted for the pilot and are marked
 * `reviewed: false`. A council's profile decides whether unreviewed translations are used
 * (profile.json `languages.useUnreviewedTranslations`); when they are not, the resident gets the plain-English
 * version in dialogs/wording.ts (`interpreter`). When a translator has checked one, set `reviewed: true` with their
 * name and the date, and keep the placeholders ({hubName}, {hubPhone}, {councilName}, {keepFor}, {reference}) as they are. {keepFor} is
 * the council's retention period, said with the language's `retentionPeriod` forms.
 *
 * Nothing here speaks about self-harm, medication or debt advice: crisis wording stays in English, fixed and
 * approved, in wording.ts. The safeguarding phrase book is English, so every intro ends with the one thing anyone
 * in danger needs in any language: call 999.
 */
import type { ReplyLanguage } from '../services/language/languages';

export interface LanguageWording {
  /** BCP 47 tag of the text itself, set as the activity's `locale` (Web Chat uses it for direction and fonts). */
  locale: string;
  direction: 'ltr' | 'rtl';
  reviewed: boolean;
  reviewedBy?: string;
  reviewedOn?: string;
  /** {hubName}, {hubPhone} */
  intro: string;
  options: { befriending: string; costOfLiving: string; english: string };
  needsPrompt: string;
  needs: { food: string; energy: string; 'money-advice': string; 'housing-costs': string };
  namePrompt: string;
  nameRetry: string;
  phonePrompt: string;
  phoneRetry: string;
  /**
   * {councilName}, and {keepFor} (or {keepForShort}, the same here): how long the details are kept after the request
   * is closed, said with `retentionPeriod` from the council profile's `retention.closedReferralMonths`.
   */
  privacyNotice: string;
  /**
   * How to say a retention period in this language, for {keepFor}: `exact` phrases by number of months first; then,
   * for whole years, `years`, else `months`, each chosen by the language's plural category (Intl.PluralRules) with
   * {n} for the number. A period none of these covers cannot be said in this language, and the resident gets the
   * privacy notice in English rather than a wrong one. The English `interpreter` wording has none: its notice takes
   * the whole retention sentence as {retention}.
   */
  retentionPeriod?: RetentionPeriodWording;
  consentPrompt: string;
  yes: string;
  no: string;
  /** Other ways of saying yes and no that the answer is understood from. */
  yesAlso: string[];
  noAlso: string[];
  consentRetry: string;
  choiceRetry: string;
  /** {hubPhone} */
  declined: string;
  /** {reference} */
  done: string;
}

export interface RetentionPeriodWording {
  exact?: Readonly<Record<number, string>>;
  years?: Readonly<Partial<Record<Intl.LDMLPluralRule, string>>>;
  months?: Readonly<Partial<Record<Intl.LDMLPluralRule, string>>>;
}

/** `months` said in the language of `w`, or null when its wording cannot say it (then give the English notice). */
export function retentionPeriodIn(w: LanguageWording, months: number): string | null {
  const forms = w.retentionPeriod;
  if (!forms || !Number.isInteger(months) || months < 1) return null;
  const exact = forms.exact?.[months];
  if (exact) return exact;
  const plural = new Intl.PluralRules(w.locale);
  const form = (table: RetentionPeriodWording['years'], n: number): string | null => {
    const template = table?.[plural.select(n)];
    return template ? template.replace('{n}', String(n)) : null;
  };
  return (months % 12 === 0 ? form(forms.years, months / 12) : null) ?? form(forms.months, months);
}

export const translations: Readonly<Record<ReplyLanguage, LanguageWording>> = {
  pl: {
    locale: 'pl',
    direction: 'ltr',
    reviewed: false,
    intro: 'Dzień dobry, tu {hubName}. Pracownik może oddzwonić z tłumaczem języka polskiego. Można też zadzwonić do nas pod numer {hubPhone}. W czym możemy pomóc? W nagłym wypadku proszę dzwonić pod numer 999.',
    options: { befriending: 'Ktoś do rozmowy', costOfLiving: 'Pomoc z kosztami życia', english: 'English' },
    needsPrompt: 'W czym potrzebuje Pan/Pani pomocy?',
    needs: { food: 'Jedzenie', energy: 'Prąd, gaz i ogrzewanie', 'money-advice': 'Pieniądze i długi', 'housing-costs': 'Koszty mieszkania' },
    namePrompt: 'Jak się Pan/Pani nazywa?',
    nameRetry: 'Proszę wpisać imię i nazwisko literami.',
    phonePrompt: 'Pod jaki numer telefonu mamy zadzwonić?',
    phoneRetry: 'To nie wygląda na brytyjski numer telefonu. Proszę wpisać go na przykład tak: 07700 900123.',
    privacyNotice: '{councilName} użyje tych danych tylko po to, żeby zorganizować pomoc. Zobaczą je pracownicy centrum. Usuwamy je {keepFor} po zakończeniu sprawy.',
    retentionPeriod: {
      exact: { 24: 'dwa lata' },
      years: { one: '{n} rok', few: '{n} lata', many: '{n} lat' },
      months: { one: '{n} miesiąc', few: '{n} miesiące', many: '{n} miesięcy' },
    },
    consentPrompt: 'Czy zgadza się Pan/Pani, żebyśmy zachowali te dane i zadzwonili?',
    yes: 'Tak',
    no: 'Nie',
    yesAlso: ['tak', 'tak proszę', 'zgadzam się'],
    noAlso: ['nie', 'nie dziękuję'],
    consentRetry: 'Proszę odpowiedzieć tak lub nie.',
    choiceRetry: 'Proszę wybrać jedną z opcji.',
    declined: 'Rozumiem. Nic nie zostało wysłane. Można do nas zadzwonić w każdej chwili pod numer {hubPhone}.',
    done: 'Dziękujemy. Numer sprawy: {reference}. Pracownik zadzwoni z tłumaczem.',
  },
  sk: {
    locale: 'sk',
    direction: 'ltr',
    reviewed: false,
    intro: 'Dobrý deň, tu je {hubName}. Pracovník vám môže zavolať späť s tlmočníkom do slovenčiny. Môžete nám aj zavolať na číslo {hubPhone}. S čím vám môžeme pomôcť? V núdzi volajte 999.',
    options: { befriending: 'Niekto na rozhovor', costOfLiving: 'Pomoc so životnými nákladmi', english: 'English' },
    needsPrompt: 'S čím potrebujete pomôcť?',
    needs: { food: 'Jedlo', energy: 'Elektrina, plyn a kúrenie', 'money-advice': 'Peniaze a dlhy', 'housing-costs': 'Náklady na bývanie' },
    namePrompt: 'Ako sa voláte?',
    nameRetry: 'Prosím, napíšte svoje meno písmenami.',
    phonePrompt: 'Na aké telefónne číslo vám máme zavolať?',
    phoneRetry: 'Toto nevyzerá ako britské telefónne číslo. Napíšte ho napríklad takto: 07700 900123.',
    privacyNotice: '{councilName} použije tieto údaje iba na to, aby vám zariadil pomoc. Uvidia ich pracovníci centra. Vymažeme ich {keepFor} po uzavretí vašej žiadosti.',
    retentionPeriod: {
      exact: { 24: 'dva roky' },
      years: { one: '{n} rok', few: '{n} roky', other: '{n} rokov' },
      months: { one: '{n} mesiac', few: '{n} mesiace', other: '{n} mesiacov' },
    },
    consentPrompt: 'Súhlasíte, aby sme si tieto údaje uložili a zavolali vám?',
    yes: 'Áno',
    no: 'Nie',
    yesAlso: ['áno', 'ano', 'súhlasím'],
    noAlso: ['nie', 'nesúhlasím'],
    consentRetry: 'Prosím, odpovedzte áno alebo nie.',
    choiceRetry: 'Prosím, vyberte jednu z možností.',
    declined: 'Rozumiem. Nič sme neodoslali. Môžete nám kedykoľvek zavolať na číslo {hubPhone}.',
    done: 'Ďakujeme. Číslo vašej žiadosti je {reference}. Pracovník vám zavolá s tlmočníkom.',
  },
  ro: {
    locale: 'ro',
    direction: 'ltr',
    reviewed: false,
    intro: 'Bună ziua, aici este {hubName}. Un angajat vă poate suna înapoi cu un interpret de limba română. Ne puteți suna și la {hubPhone}. Cu ce vă putem ajuta? În caz de urgență, sunați la 999.',
    options: { befriending: 'Cineva cu care să vorbesc', costOfLiving: 'Ajutor cu costul vieții', english: 'English' },
    needsPrompt: 'Cu ce aveți nevoie de ajutor?',
    needs: { food: 'Mâncare', energy: 'Curent, gaz și încălzire', 'money-advice': 'Bani și datorii', 'housing-costs': 'Costuri de locuință' },
    namePrompt: 'Cum vă numiți?',
    nameRetry: 'Vă rugăm să scrieți numele cu litere.',
    phonePrompt: 'La ce număr de telefon să vă sunăm?',
    phoneRetry: 'Acesta nu pare un număr de telefon din Marea Britanie. Vă rugăm să-l scrieți așa: 07700 900123.',
    privacyNotice: '{councilName} va folosi aceste date doar pentru a vă organiza ajutorul. Le vor vedea angajații centrului. Le ștergem la {keepFor} după închiderea cererii.',
    retentionPeriod: {
      exact: { 24: 'doi ani' },
      years: { one: '{n} an', few: '{n} ani', other: '{n} de ani' },
      months: { one: '{n} lună', few: '{n} luni', other: '{n} de luni' },
    },
    consentPrompt: 'Sunteți de acord să păstrăm aceste date și să vă sunăm?',
    yes: 'Da',
    no: 'Nu',
    yesAlso: ['da', 'sunt de acord'],
    noAlso: ['nu', 'nu mulțumesc'],
    consentRetry: 'Vă rugăm să răspundeți cu da sau nu.',
    choiceRetry: 'Vă rugăm să alegeți una dintre opțiuni.',
    declined: 'În regulă. Nu am trimis nimic. Ne puteți suna oricând la {hubPhone}.',
    done: 'Vă mulțumim. Numărul cererii este {reference}. Un angajat vă va suna cu un interpret.',
  },
  ar: {
    locale: 'ar',
    direction: 'rtl',
    reviewed: false,
    intro: 'مرحباً، معك {hubName}. يمكن لأحد الموظفين أن يتصل بك مع مترجم للغة العربية. يمكنك أيضاً الاتصال بنا على الرقم {hubPhone}. كيف يمكننا مساعدتك؟ في حالة الطوارئ، اتصل بالرقم 999.',
    options: { befriending: 'شخص للتحدث معه', costOfLiving: 'مساعدة في تكاليف المعيشة', english: 'English' },
    needsPrompt: 'في أي شيء تحتاج المساعدة؟',
    needs: { food: 'الطعام', energy: 'الكهرباء والغاز والتدفئة', 'money-advice': 'المال والديون', 'housing-costs': 'تكاليف السكن' },
    namePrompt: 'ما اسمك؟',
    nameRetry: 'من فضلك اكتب اسمك بالحروف.',
    phonePrompt: 'على أي رقم هاتف نتصل بك؟',
    phoneRetry: 'لا يبدو هذا رقم هاتف في المملكة المتحدة. من فضلك اكتبه هكذا: 07700 900123',
    privacyNotice: 'سيستخدم {councilName} هذه البيانات فقط لترتيب المساعدة التي طلبتها. سيراها موظفو المركز. نحذفها بعد {keepFor} من إغلاق طلبك.',
    retentionPeriod: {
      exact: { 24: 'سنتين' },
      years: { one: 'سنة واحدة', two: 'سنتين', few: '{n} سنوات', many: '{n} سنة', other: '{n} سنة' },
      months: { one: 'شهر واحد', two: 'شهرين', few: '{n} أشهر', many: '{n} شهرًا', other: '{n} شهر' },
    },
    consentPrompt: 'هل توافق على أن نحتفظ بهذه البيانات ونتصل بك؟',
    yes: 'نعم',
    no: 'لا',
    yesAlso: ['نعم', 'أوافق', 'موافق', 'ايوه'],
    noAlso: ['لا', 'لا شكرا'],
    consentRetry: 'من فضلك أجب بنعم أو لا.',
    choiceRetry: 'من فضلك اختر أحد الخيارات.',
    declined: 'لا بأس. لم نرسل أي شيء. يمكنك الاتصال بنا في أي وقت على الرقم {hubPhone}.',
    done: 'شكراً لك. رقم طلبك هو {reference}. سيتصل بك أحد الموظفين مع مترجم.',
  },
  ur: {
    locale: 'ur',
    direction: 'rtl',
    reviewed: false,
    intro: 'السلام علیکم، یہ {hubName} ہے۔ ہمارا عملہ اردو مترجم کے ساتھ آپ کو واپس فون کر سکتا ہے۔ آپ ہمیں {hubPhone} پر بھی فون کر سکتے ہیں۔ ہم آپ کی کیا مدد کر سکتے ہیں؟ ہنگامی صورت میں 999 پر فون کریں۔',
    options: { befriending: 'کوئی بات کرنے والا', costOfLiving: 'اخراجاتِ زندگی میں مدد', english: 'English' },
    needsPrompt: 'آپ کو کس چیز میں مدد چاہیے؟',
    needs: { food: 'کھانا', energy: 'بجلی، گیس اور ہیٹنگ', 'money-advice': 'پیسے اور قرض', 'housing-costs': 'رہائش کے اخراجات' },
    namePrompt: 'آپ کا نام کیا ہے؟',
    nameRetry: 'براہ کرم اپنا نام حروف میں لکھیں۔',
    phonePrompt: 'ہم آپ کو کس نمبر پر فون کریں؟',
    phoneRetry: 'یہ برطانیہ کا فون نمبر نہیں لگتا۔ براہ کرم اس طرح لکھیں: 07700 900123',
    privacyNotice: '{councilName} یہ معلومات صرف آپ کی مدد کا انتظام کرنے کے لیے استعمال کرے گی۔ انہیں مرکز کا عملہ دیکھے گا۔ آپ کی درخواست بند ہونے کے {keepFor} بعد ہم انہیں مٹا دیتے ہیں۔',
    retentionPeriod: {
      exact: { 24: 'دو سال' },
      years: { one: '{n} سال', other: '{n} سال' },
      months: { one: '{n} مہینے', other: '{n} مہینے' },
    },
    consentPrompt: 'کیا آپ اس بات سے متفق ہیں کہ ہم یہ معلومات رکھیں اور آپ کو فون کریں؟',
    yes: 'جی ہاں',
    no: 'نہیں',
    yesAlso: ['ہاں', 'جی', 'جی ہاں', 'متفق'],
    noAlso: ['نہیں', 'جی نہیں'],
    consentRetry: 'براہ کرم ہاں یا نہیں میں جواب دیں۔',
    choiceRetry: 'براہ کرم کوئی ایک آپشن منتخب کریں۔',
    declined: 'ٹھیک ہے۔ کچھ نہیں بھیجا گیا۔ آپ کسی بھی وقت ہمیں {hubPhone} پر فون کر سکتے ہیں۔',
    done: 'شکریہ۔ آپ کا حوالہ نمبر {reference} ہے۔ ہمارا عملہ مترجم کے ساتھ آپ کو فون کرے گا۔',
  },
  pa: {
    locale: 'pa',
    direction: 'ltr',
    reviewed: false,
    intro: 'ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ, ਇਹ {hubName} ਹੈ। ਸਾਡਾ ਕਰਮਚਾਰੀ ਪੰਜਾਬੀ ਦੁਭਾਸ਼ੀਏ ਨਾਲ ਤੁਹਾਨੂੰ ਵਾਪਸ ਫ਼ੋਨ ਕਰ ਸਕਦਾ ਹੈ। ਤੁਸੀਂ ਸਾਨੂੰ {hubPhone} ਤੇ ਵੀ ਫ਼ੋਨ ਕਰ ਸਕਦੇ ਹੋ। ਅਸੀਂ ਤੁਹਾਡੀ ਕੀ ਮਦਦ ਕਰ ਸਕਦੇ ਹਾਂ? ਐਮਰਜੈਂਸੀ ਵਿੱਚ 999 ਤੇ ਫ਼ੋਨ ਕਰੋ।',
    options: { befriending: 'ਕੋਈ ਗੱਲ ਕਰਨ ਵਾਲਾ', costOfLiving: 'ਰਹਿਣ-ਸਹਿਣ ਦੇ ਖ਼ਰਚਿਆਂ ਵਿੱਚ ਮਦਦ', english: 'English' },
    needsPrompt: 'ਤੁਹਾਨੂੰ ਕਿਸ ਚੀਜ਼ ਵਿੱਚ ਮਦਦ ਚਾਹੀਦੀ ਹੈ?',
    needs: { food: 'ਖਾਣਾ', energy: 'ਬਿਜਲੀ, ਗੈਸ ਅਤੇ ਹੀਟਿੰਗ', 'money-advice': 'ਪੈਸੇ ਅਤੇ ਕਰਜ਼ਾ', 'housing-costs': 'ਘਰ ਦੇ ਖ਼ਰਚੇ' },
    namePrompt: 'ਤੁਹਾਡਾ ਨਾਮ ਕੀ ਹੈ?',
    nameRetry: 'ਕਿਰਪਾ ਕਰਕੇ ਆਪਣਾ ਨਾਮ ਅੱਖਰਾਂ ਵਿੱਚ ਲਿਖੋ।',
    phonePrompt: 'ਅਸੀਂ ਤੁਹਾਨੂੰ ਕਿਸ ਨੰਬਰ ਤੇ ਫ਼ੋਨ ਕਰੀਏ?',
    phoneRetry: 'ਇਹ ਯੂ.ਕੇ. ਦਾ ਫ਼ੋਨ ਨੰਬਰ ਨਹੀਂ ਲੱਗਦਾ। ਕਿਰਪਾ ਕਰਕੇ ਇਸ ਤਰ੍ਹਾਂ ਲਿਖੋ: 07700 900123',
    privacyNotice: '{councilName} ਇਹ ਜਾਣਕਾਰੀ ਸਿਰਫ਼ ਤੁਹਾਡੀ ਮਦਦ ਦਾ ਪ੍ਰਬੰਧ ਕਰਨ ਲਈ ਵਰਤੇਗੀ। ਇਸਨੂੰ ਕੇਂਦਰ ਦਾ ਸਟਾਫ਼ ਦੇਖੇਗਾ। ਤੁਹਾਡੀ ਬੇਨਤੀ ਬੰਦ ਹੋਣ ਤੋਂ {keepFor} ਬਾਅਦ ਅਸੀਂ ਇਸਨੂੰ ਮਿਟਾ ਦਿੰਦੇ ਹਾਂ।',
    retentionPeriod: {
      exact: { 24: 'ਦੋ ਸਾਲ' },
      years: { one: '{n} ਸਾਲ', other: '{n} ਸਾਲ' },
      months: { one: '{n} ਮਹੀਨੇ', other: '{n} ਮਹੀਨੇ' },
    },
    consentPrompt: 'ਕੀ ਤੁਸੀਂ ਸਹਿਮਤ ਹੋ ਕਿ ਅਸੀਂ ਇਹ ਜਾਣਕਾਰੀ ਰੱਖੀਏ ਅਤੇ ਤੁਹਾਨੂੰ ਫ਼ੋਨ ਕਰੀਏ?',
    yes: 'ਹਾਂ',
    no: 'ਨਹੀਂ',
    yesAlso: ['ਹਾਂ', 'ਹਾਂ ਜੀ', 'ਸਹਿਮਤ'],
    noAlso: ['ਨਹੀਂ', 'ਨਹੀਂ ਜੀ'],
    consentRetry: 'ਕਿਰਪਾ ਕਰਕੇ ਹਾਂ ਜਾਂ ਨਹੀਂ ਵਿੱਚ ਜਵਾਬ ਦਿਓ।',
    choiceRetry: 'ਕਿਰਪਾ ਕਰਕੇ ਕੋਈ ਇੱਕ ਵਿਕਲਪ ਚੁਣੋ।',
    declined: 'ਠੀਕ ਹੈ। ਕੁਝ ਨਹੀਂ ਭੇਜਿਆ ਗਿਆ। ਤੁਸੀਂ ਕਦੇ ਵੀ ਸਾਨੂੰ {hubPhone} ਤੇ ਫ਼ੋਨ ਕਰ ਸਕਦੇ ਹੋ।',
    done: 'ਧੰਨਵਾਦ। ਤੁਹਾਡਾ ਹਵਾਲਾ ਨੰਬਰ {reference} ਹੈ। ਸਾਡਾ ਕਰਮਚਾਰੀ ਦੁਭਾਸ਼ੀਏ ਨਾਲ ਤੁਹਾਨੂੰ ਫ਼ੋਨ ਕਰੇਗਾ।',
  },
  cy: {
    locale: 'cy',
    direction: 'ltr',
    reviewed: false,
    intro: "Helo, dyma {hubName}. Gall aelod o staff eich ffonio yn ôl gyda chyfieithydd neu rywun sy'n siarad Cymraeg. Gallwch hefyd ein ffonio ar {hubPhone}. Sut gallwn ni helpu? Mewn argyfwng, ffoniwch 999.",
    options: { befriending: 'Rhywun i siarad â nhw', costOfLiving: 'Help gyda chostau byw', english: 'English' },
    needsPrompt: 'Gyda beth mae angen help arnoch chi?',
    needs: { food: 'Bwyd', energy: 'Trydan, nwy a gwresogi', 'money-advice': 'Arian a dyledion', 'housing-costs': 'Costau tai' },
    namePrompt: 'Beth yw eich enw?',
    nameRetry: 'Teipiwch eich enw gyda llythrennau, os gwelwch yn dda.',
    phonePrompt: 'Ar ba rif ffôn ddylen ni eich ffonio?',
    phoneRetry: "Nid yw hwnnw'n edrych fel rhif ffôn yn y DU. Teipiwch ef fel hyn: 07700 900123.",
    privacyNotice: "Bydd {councilName} yn defnyddio'r manylion hyn dim ond i drefnu'r help. Bydd staff yr hyb yn eu gweld. Rydyn ni'n eu dileu {keepFor} ar ôl cau eich cais.",
    // Welsh years mutate after a number (dwy flynedd, tair blynedd, pum mlynedd): only two years is written out; other
    // periods are said in months, which do not (18 mis, 36 mis).
    retentionPeriod: {
      exact: { 24: 'ddwy flynedd' },
      months: { zero: '{n} mis', one: '{n} mis', two: '{n} mis', few: '{n} mis', many: '{n} mis', other: '{n} mis' },
    },
    consentPrompt: "Ydych chi'n cytuno i ni gadw'r manylion hyn a'ch ffonio?",
    yes: 'Ydw',
    no: 'Nac ydw',
    yesAlso: ['ydw', 'ie', 'iawn', 'yndw', 'cytuno'],
    noAlso: ['nac ydw', 'na', 'nage', 'dim diolch'],
    consentRetry: 'Atebwch ydw neu nac ydw, os gwelwch yn dda.',
    choiceRetry: "Dewiswch un o'r opsiynau, os gwelwch yn dda.",
    declined: "Iawn. Does dim wedi'i anfon. Gallwch ein ffonio unrhyw bryd ar {hubPhone}.",
    done: 'Diolch. Eich cyfeirnod yw {reference}. Bydd aelod o staff yn eich ffonio gyda chyfieithydd.',
  },
};

/** Fills `{name}` placeholders; an unknown placeholder is left as it is, so a review spots it. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}
