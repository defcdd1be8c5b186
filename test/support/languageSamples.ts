/**
 * Messages residents might send in the languages the bot answers in: written for these tests (eight per language,
 * some without the diacritics phone keyboards make awkward), and English messages they must never be confused with.
 * Used to measure the local detector; the figures are printed by test/language.test.ts.
 */
import type { ReplyLanguage } from '../../services/language/languages';

export const languageSamples: Readonly<Record<ReplyLanguage, readonly string[]>> = {
  pl: [
    'Dzień dobry, potrzebuję pomocy z rachunkami za prąd',
    'Czuję się bardzo samotna od kiedy mąż zmarł',
    'Nie mam pieniędzy na jedzenie dla dzieci',
    'Czy ktoś może do mnie zadzwonić? Nie mówię dobrze po angielsku',
    'Sąsiedzi robią hałas każdej nocy',
    'dzien dobry potrzebuje pomocy z jedzeniem',
    'Prosze o pomoc, nie stac mnie na ogrzewanie',
    'Mieszkam sama i nie mam z kim porozmawiać',
  ],
  sk: [
    'Dobrý deň, potrebujem pomoc s účtami za elektrinu',
    'Som veľmi osamelá, nemám s kým hovoriť',
    'Nemám peniaze na jedlo pre deti',
    'Môže mi niekto zavolať? Nehovorím dobre po anglicky',
    'Prosím o pomoc, nemôžem zaplatiť nájom',
    'dobry den potrebujem pomoc s jedlom pre rodinu',
    'Susedia robia každú noc veľký hluk',
    'Bývam sám a cítim sa veľmi smutne',
  ],
  ro: [
    'Bună ziua, am nevoie de ajutor cu factura la curent',
    'Mă simt foarte singură de când a murit soțul meu',
    'Nu am bani de mâncare pentru copii',
    'Mă poate suna cineva? Nu vorbesc bine engleza',
    'Vecinii fac gălăgie în fiecare noapte',
    'buna ziua am nevoie de ajutor cu chiria',
    'Va rog ajutati-ma, nu imi permit sa platesc caldura',
    'Locuiesc singur si nu am cu cine sa vorbesc',
  ],
  ar: [
    'مرحبا، أحتاج إلى مساعدة في دفع فواتير الكهرباء',
    'أشعر بالوحدة الشديدة منذ وفاة زوجي',
    'ليس لدي مال لشراء الطعام لأطفالي',
    'هل يمكن لأحد أن يتصل بي؟ لا أتكلم الإنجليزية جيدا',
    'الجيران يصدرون ضجيجا كل ليلة',
    'أحتاج مساعدة من فضلك',
    'أعيش وحدي وليس لدي من أتحدث معه',
    'لا أستطيع دفع الإيجار هذا الشهر',
  ],
  ur: [
    'السلام علیکم، مجھے بجلی کے بل کے لیے مدد چاہیے',
    'میں اپنے شوہر کی وفات کے بعد بہت اکیلی محسوس کرتی ہوں',
    'میرے پاس بچوں کے کھانے کے لیے پیسے نہیں ہیں',
    'کیا کوئی مجھے فون کر سکتا ہے؟ میں انگریزی اچھی طرح نہیں بول سکتی',
    'پڑوسی ہر رات شور کرتے ہیں',
    'مجھے مدد کی ضرورت ہے',
    'میں اکیلا رہتا ہوں اور میرے پاس بات کرنے کے لیے کوئی نہیں',
    'میں اس مہینے کرایہ ادا نہیں کر سکتا',
  ],
  pa: [
    'ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ, ਮੈਨੂੰ ਬਿਜਲੀ ਦੇ ਬਿੱਲ ਲਈ ਮਦਦ ਚਾਹੀਦੀ ਹੈ',
    'ਮੈਂ ਆਪਣੇ ਪਤੀ ਦੀ ਮੌਤ ਤੋਂ ਬਾਅਦ ਬਹੁਤ ਇਕੱਲੀ ਮਹਿਸੂਸ ਕਰਦੀ ਹਾਂ',
    'ਮੇਰੇ ਕੋਲ ਬੱਚਿਆਂ ਦੇ ਖਾਣੇ ਲਈ ਪੈਸੇ ਨਹੀਂ ਹਨ',
    'ਕੀ ਕੋਈ ਮੈਨੂੰ ਫ਼ੋਨ ਕਰ ਸਕਦਾ ਹੈ?',
    'ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ',
    'ਗੁਆਂਢੀ ਹਰ ਰਾਤ ਰੌਲਾ ਪਾਉਂਦੇ ਹਨ',
    'ਮੈਂ ਇਕੱਲਾ ਰਹਿੰਦਾ ਹਾਂ',
    'ਮੈਂ ਇਸ ਮਹੀਨੇ ਕਿਰਾਇਆ ਨਹੀਂ ਦੇ ਸਕਦਾ',
  ],
  cy: [
    'Helo, dwi angen help gyda fy miliau trydan',
    "Rwy'n teimlo'n unig iawn ers i fy ngŵr farw",
    "Does gen i ddim arian i brynu bwyd i'r plant",
    'Allai rhywun fy ffonio i os gwelwch yn dda?',
    "Mae'r cymdogion yn gwneud sŵn bob nos",
    "Dw i'n byw ar fy mhen fy hun a does gen i neb i siarad â nhw",
    "Alla i ddim talu'r rhent y mis yma",
    'Bore da, hoffwn gael help gyda chostau byw',
  ],
};

/** Short English (and not language at all) that must never be read as another language. */
export const shortEnglish: readonly string[] = [
  'yes', 'no', '1', '2', 'ok', 'S60 1AE', 's601ae', 'Jo Bloggs', '07700 900123', 'jo@example.org', 'help', 'hiya',
  'I feel lonely', 'morning', 'any time', 'For me', 'Report anonymously', 'Park Road', 'yes please', 'no thanks',
  'speak to a person', 'start again', 'Loud music until 3am', 'visit', 'text', 'warm spaces', '😀😀👍', '',
];
