/**
 * The approved safeguarding phrase book, as data, for review by a council's safeguarding lead. It will move into
 * council profiles (JSON), so everything here is plain strings: no functions, no logic.
 *
 * How to read a pattern
 * ---------------------
 * Patterns are regular expressions run over the resident's message AFTER it has been normalised (see
 * detector.ts): lower case, no punctuation, single spaces, contractions spelled out ("don't" → "do not",
 * "can't" → "cannot", "I'm" → "i am", "he's" → "he is"), text-speak expanded ("kms" → "kill myself",
 * "wanna" → "want to", "u" → "you") and common misspellings corrected ("sucide" → "suicide", "myslef" → "myself",
 * "tablets" → "pills"). So write patterns in plain, spelled-out English and do not worry about capitals,
 * apostrophes or typos.
 *
 * - Every pattern matches whole words only: "kill" never matches inside "skill".
 * - `(a|b)` means "a or b"; `?` after something makes it optional; `(?! ...)` means "not followed by ...";
 *   `(?<= ...)` means "straight after ..." (that part is context and is not itself the match).
 * - `{name}` stands for a shared word list from `vocabulary` below, e.g. `{self}` is "myself".
 * - `( {word}){0,4}` allows up to four words in between; `{end}` is the end of a word, so `(?! (a|an){end})`
 *   refuses "a" and "an" but not "anymore".
 *
 * How idioms and negations work
 * -----------------------------
 * Idioms ("the noise is killing me") and negations ("I'm not suicidal") never fire. A phrase match is ignored
 * only when it lies entirely inside an idiom or a negation. "I want to kill myself because the noise is killing
 * me" still fires on "kill myself"; "I'm not suicidal but I've been cutting again" still fires on the cutting.
 * Crisis phrases that are negative in form ("I don't want to live anymore", "can't go on") are phrases, not
 * negations, so they fire.
 *
 * Ids are `sh.*` for suicide and self-harm and `danger.*` for immediate danger. Ids go in the audit log instead
 * of the resident's words, so keep them stable; add a new id rather than changing what an old one means.
 *
 * Supporting phrases
 * ------------------
 * A phrase marked `strength: 'supporting'` ("I can't cope anymore", "I've had enough") never fires on its own:
 * residents say these about the noise and the bills far too often. It fires only with a second signal: strongly
 * negative sentiment from Azure AI Language that is not aimed at a thing (see services/safeguarding/signals.ts).
 * Without Azure, supporting phrases never fire.
 *
 * Councils add to this book, or change it, in councils/<id>/safeguarding.json (see services/safeguarding/
 * councilBook.ts), reviewed and dated by their safeguarding lead.
 */
import type { RiskCategory } from './types';

export interface SafeguardingPhrase {
  /** Stable id for the audit log, e.g. `sh.kill-myself`. */
  id: string;
  category: RiskCategory;
  /** Regular expressions over normalised text; any one matching is enough. */
  patterns: string[];
  /** Why the phrase is here, or what it deliberately leaves out. */
  note?: string;
  /** `supporting`: fires only with a second signal (strongly negative sentiment). Default `strong`. */
  strength?: 'strong' | 'supporting';
}

export interface BenignPattern {
  id: string;
  patterns: string[];
  note?: string;
}

export interface SafeguardingPhraseBook {
  /** Shared word lists, used in patterns as `{name}`. A list may use another list. */
  vocabulary: Record<string, string>;
  phrases: SafeguardingPhrase[];
  /** Benign look-alikes. A phrase match wholly inside one of these is ignored. */
  idioms: BenignPattern[];
  /** Clear denials. A phrase match wholly inside one of these is ignored. */
  negations: BenignPattern[];
}

export const defaultPhrases: SafeguardingPhraseBook = {
  vocabulary: {
    word: '[\\p{L}\\p{N}]+',
    /** The end of a word, for "not followed by": `(?! (a|an){end})` must not refuse "anymore". */
    end: '(?![\\p{L}\\p{N}])',
    self: 'myself',
    themselves: '(himself|herself|themselves|themself)',
    /** Someone who might attack, or need help: pronouns and "my husband", "a man", "the baby"… */
    person:
      '(he|she|they|someone|somebody|mum|mam|mom|dad|nan|nana|gran|grandma|grandad|baby|{determiner} ((little|young|old|older|elderly|new|ex|step) )?{who})',
    determiner: '(a|an|the|my|me|ma|our|his|her|their|your|some|two|three|these|those)',
    who:
      '(man|men|woman|women|lady|bloke|fella|guy|guys|lad|lads|boy|boys|girl|girls|gang|group|stranger|strangers|' +
      'partner|husband|hubby|wife|missus|other half|boyfriend|girlfriend|ex|ex partner|ex husband|ex wife|' +
      'dad|father|stepdad|mum|mam|mom|mother|brother|sister|son|daughter|uncle|aunt|auntie|cousin|' +
      'nan|nana|gran|grandma|granny|grandad|grandpa|grandson|granddaughter|' +
      'neighbour|neighbours|neighbor|flatmate|landlord|lodger|friend|mate|carer|' +
      'baby|child|kid|kids|children|toddler|teenager)',
    child:
      '(child|children|kid|kids|baby|babies|toddler|toddlers|little one|little ones|son|daughter|boy|girl|' +
      'little boy|little girl|grandson|granddaughter)',
    home:
      '(house|home|flat|building|block|bungalow|maisonette|kitchen|bedroom|room|living room|hallway|stairwell|' +
      'stairs|landing|loft|roof|garage|shed|door|front door|back door|car|van|shop|pub|place|next door|upstairs|downstairs)',
    /** "tablets" and "tabs" are normalised to "pills" before matching. */
    pills:
      '(pills|meds|medication|medicine|medicines|paracetamol|painkillers|sleeping pills|antidepressants|insulin|' +
      'co codamol|codeine|tramadol|morphine|diazepam|sertraline)',
    weapon:
      '(knife|knives|zombie knife|gun|guns|shotgun|rifle|pistol|firearm|machete|machetes|blade|blades|axe|sword|' +
      'crossbow|weapon|weapons)',
    /** Ordinary objects that are weapons only in context ("threatening me with a hammer"). */
    improvised: '(hammer|baseball bat|cricket bat|crowbar|bottle|broken bottle|brick|screwdriver|iron bar|metal bar)',
    attack:
      '(attacking|hitting|beating|punching|kicking|strangling|choking|stabbing|battering|hurting|assaulting|' +
      'raping|smothering|throttling|headbutting|slapping|strangling)',
  },

  phrases: [
    // ── Suicide and self-harm ─────────────────────────────────────────────────────────────────────────────
    {
      id: 'sh.kill-myself',
      category: 'suicide-self-harm',
      patterns: ['kill(ing|ed|s)? {self}'],
      note: '"kms" is normalised to "kill myself". Accidents ("nearly killed myself tripping") are idioms.',
    },
    {
      id: 'sh.kill-themselves',
      category: 'suicide-self-harm',
      patterns: ['kill(ing|ed|s)? {themselves}'],
      note: 'A resident worried about someone else, or bereaved by suicide: the reply still signposts support.',
    },
    {
      id: 'sh.kys-as-self',
      category: 'suicide-self-harm',
      patterns: ['(?<=(^| )i (am |will |might |may |should |could |would |want to |am going to |going to |just )+)kill yourself'],
      note: '"kys" (kill yourself) is usually an insult aimed at someone else and does not fire on its own; it fires only with "i" as the subject, as in "i might just kys".',
    },
    {
      id: 'sh.suicide',
      category: 'suicide-self-harm',
      patterns: ['suicid(e|al|ally|ality)'],
      note: 'Any mention, including bereavement by suicide. Training and awareness courses are idioms.',
    },
    {
      id: 'sh.end-my-life',
      category: 'suicide-self-harm',
      patterns: [
        'end(ing)? (my|his|her|their) (own )?life',
        'end(ing)? it all',
        'end(ing)? everything',
        'ended (it all|my life|everything)',
        '(?<=(^| )i( {word}){0,3} (to|of|about|like|just) )end(ing)? (it|things)( now| tonight| today| for good)?',
        '(would have|would have already|nearly|almost|should have|have already) ended (it|things|my life)',
        '(it all|everything) to (end|be over)',
        'tak(e|es|ing|en) (my|his|her|their) (own )?life',
      ],
      note: '"end it with my boyfriend" and "take my life back" are idioms; "end my tenancy" never matches.',
    },
    {
      id: 'sh.want-to-die',
      category: 'suicide-self-harm',
      patterns: [
        'want(s|ed)? to die',
        'ready to die',
        'deserve to (die|be dead)',
        'want(s|ed)? to be dead',
        'wish (i|i could) (was|were|could be|was just|be) dead',
        'wish i could (just )?die',
        'wish (i had|i would|i d|id) never been born',
        'better off dead',
        'rather be dead than (live|living|go on|carry on|keep going|be like this)',
        '(want|wish|hope) (someone|somebody|something) (would |to |will )?kill(s)? me',
      ],
      note: '"rather die than ask my son for money" is hyperbole and does not fire; "I don\'t want to die" is a negation.',
    },
    {
      id: 'sh.no-reason-to-live',
      category: 'suicide-self-harm',
      patterns: [
        'no (reason|point|purpose) (in |of )?(living|to live|being alive|being here|going on|carrying on|to go on|to carry on)',
        'nothing (left )?to live for',
        'what is the point (in|of) (living|life|being alive|going on|carrying on)',
        'see (the|any) point (in|of) (living|life|being alive|going on|carrying on|being here)',
        '(life|it) (is not|is no longer|isnt) worth (living|it anymore|it any more)',
        'not worth living',
        '(tired|sick|weary) of (living|being alive|life|existing)(?! (in|on|at|here|with|next|round|around){end})',
      ],
      note: '"what\'s the point, nobody replies" and "no point applying" are frustration, not risk, and do not match.',
    },
    {
      id: 'sh.do-not-want-to-live',
      category: 'suicide-self-harm',
      patterns: [
        '(do not|does not|never) want to (live|be alive|exist|be here|wake up)(?! (here|there|in|on|at|near|next|round|around|when|with (my|him|her|them|the)){end})',
        'hope i (do not|never) wake up',
        'sleep and (not|never) wake up',
        '(do not|does not|never) want to carry on',
        'want (it|it all|everything|my life|life) to be over',
        'want to (sleep|go to sleep) (forever|for ever|and never wake up|and not wake up)',
        '(done with|finished with|had enough of) (life|living|being alive)',
        '(?<!(social|love|sex|work|night|family|battery|shelf|working|home) )life is (pointless|meaningless|over|not worth it)',
        '(no way out|only way out|way out is) (except|but|other than|is)? ?(dying|death|suicide|to die|ending it|killing {self})',
      ],
      note: 'Negative in form but a crisis statement, so this is a phrase, not a negation. "don\'t want to live here anymore" is excluded.',
    },
    {
      id: 'sh.cannot-go-on',
      category: 'suicide-self-harm',
      patterns: [
        '(cannot|could not|unable to) (go on|keep going|carry on|keep living)(?! (the|a|an|my|our|his|her|their|holiday|holidays|line|online|there|trips?|outings?|it|to|without|until|till|paying|working|waiting|walking|driving|with (the|my|a|an|this form|that form)){end})',
        '(do not|dont) (think|know if|know how) i (can|could|will be able to) (go on|keep going|carry on)(?! (the|a|an|my|holiday|to|paying|working|waiting){end})',
      ],
      note: '"can\'t go on the bus" and "can\'t keep going to the food bank" are excluded. "can\'t take it anymore" and "can\'t cope" are left out: they are how residents describe the noise or the bills, and fire far too often on their own.',
    },
    {
      id: 'sh.better-off-without-me',
      category: 'suicide-self-harm',
      patterns: [
        'better off without me',
        '(better off|happier|better|easier) (for everyone )?(if|when) i (was|were|am) (gone|dead|not here|not around|not alive)',
        '(better off|happier|better|easier) (for everyone )?(if|when) i (was not|were not|am not) (here|around|alive)',
        '(nobody|no one) would (even )?(miss|notice|care)( {word}){0,2} (if i (died|was gone|were gone|was dead|disappeared|killed myself|was not here)|me)',
        'disappear (forever|for good|permanently)',
      ],
      note: '"I feel like a burden" is a risk factor but not a statement of suicide; it does not fire alone.',
    },
    {
      id: 'sh.thinking-about-dying',
      category: 'suicide-self-harm',
      patterns: [
        '(think|thinking|thought|thoughts) (about|of) (dying|death|being dead|ending it|ending things|not being here|killing {self})',
        '(think|thinking|thought|thoughts) (about|of) (jumping (off|from|in front of)|throwing {self}|stepping in front of|walking into the (sea|river|canal)|hanging {self}|drowning {self}|overdosing|taking an overdose|taking all my {pills}|slitting my)',
      ],
    },
    {
      id: 'sh.self-harm',
      category: 'suicide-self-harm',
      patterns: [
        'self harm(s|ed|ing|er)?',
        '(scratch|scratching|pick|picking|hit|hitting|punch|punching|bang|banging|bite|biting|cut|cutting|burn|burning) (my|myself|my own)( {word}){0,2} (till|until) (they|it|i) (bleed|bleeds|bled|burn|burns)',
        '(cut|cuts|cutting|burn|burns|burning|burnt|burned|hurt|hurts|hurting|harm|harms|harming|injure|injuring|punish|punishing|hit|hitting|punch|punching|scratch|scratching) {self}',
        '(slit|slitting|cut|cutting|slash|slashing) (my|his|her|their) (wrists?|throat)',
        '(cutting|slashing|slitting|slit|slash) (my|his|her|their) (arms?|legs?|thighs?|skin)',
        '(burning|burn|burnt|burned|cutting|cut|scratching|scratched) (my|his|her|their)( {word}){1,2} with (a|an|the|my|his|her) (lighter|razor|blade|blades|knife|cigarette|cigarettes|compass|sharpener|scissors|glass)',
        '(?<=(^| )i (have |had |am |keep |kept |started |been |was |have been |have started )+)cutting (again|my (arms?|legs?|wrists?|thighs?|skin))',
      ],
      note: 'Accidents ("cut myself shaving", "fell and hurt myself on the pavement") and "cut myself off from everyone" are idioms. "Starving myself so the kids can eat" is a cost-of-living emergency and is deliberately left out.',
    },
    {
      id: 'sh.cannot-promise-safety',
      category: 'suicide-self-harm',
      patterns: [
        '(cannot|not sure i can|do not know if i can|do not think i can) (promise|guarantee|say)( that)? i (will not|would not) (hurt|harm|kill|cut|do anything)',
      ],
      note: 'Wider than the negation "won\'t hurt myself" inside it, so the negation cannot cancel it.',
    },
    {
      id: 'sh.overdose',
      category: 'suicide-self-harm',
      patterns: [
        '(take|takes|taking|took) (an|a) (overdose|od)',
        '(?<=(^| )(going|want|wanted|plan|planning|ready|about|tempted|trying|try|thinking|think|decided) (to |of |about )?)(take |taking )?(an )?overdos(e|ing)',
        '(take|taking|swallow|swallowing|down|downing|neck|necking) (all|every one|the lot|the whole (box|packet|bottle)|a (whole )?(box|packet|bottle|load|handful)|loads|lots|a lot|a handful) (of )?(my |the |these |those |them |his |her )?{pills}',
        '{pills}( {word}){0,10} (take|swallow|down|neck) (them|it) all',
        '(stockpil(e|ed|ing)|saving up|hoarding|storing up) (all )?(my |the |some |his |her )?{pills}',
        '(saving|collecting|keeping|storing|hiding) (up )?(all )?(my |the |some |his |her )?{pills}(?= (for (weeks|months|ages|a while|a long time)|just in case|in case|for when|until){end})',
        'how many {pills}( {word}){0,4} (it takes|would it take|would take|does it take|to die|to kill|would kill|is (a )?(lethal|fatal)|to overdose)',
        '(lethal|fatal) dose',
        '{pills} (are )?(all )?(lined up|counted out|laid out|saved up)',
      ],
      note: '"od" is normalised to "overdose" and "tablets" to "pills". "My son takes a lot of pills for his epilepsy" does not match. An overdose already taken is also danger.*.',
    },
    {
      id: 'sh.method',
      category: 'suicide-self-harm',
      patterns: [
        '(?<=(^| )i (am |will |might |could |want to |am going to |going to |feel like |am thinking of |think i will |just want to |should |may )+(just )?)(jump|jumping) (off|from|in front of|under)',
        '(?<=(^| )i (am |will |might |could |want to |am going to |going to |feel like |should |may )+(just )?)jump(?= (off|from|in front of|under|now|tonight|today|right now){end}|$)',
        '(top of|edge of|on the (roof|ledge|bridge|railings))( {word}){0,8} (jump|jumping)',
        'throw(ing)? {self} (off|from|in front of|under|into)',
        '(step|stepping|walk|walking) (out )?in front of (a|the) (train|bus|lorry|car|truck)',
        'hang(ing|ed)? {self}',
        'noose',
        '(rope|noose) (is )?(ready|sorted|set up|tied)',
        '(walk|walking) into the (sea|river|canal|water)',
        '(drown|gas|poison|starve) {self}(?! (with|on) (work|chocolate|cake|sweets){end})',
        '(goodbye|suicide) (letter|letters|note|notes)',
        '(planned|plan|planning) (how|when|where) (i am going to|i will|i would|to) (do it|end it|die|kill {self})',
        '(?<=(^| )i (am |will |might |want to |am going to |going to |feel like )+)(drive|driving|crash|crashing) my (car|van) (into|off)',
        '(swallow|swallowing|take|taking|down|downing) (everything|the lot|all of it|all the {pills}) in (the|my) (medicine|bathroom|pill|first aid) (cabinet|cupboard|box|drawer|tin)',
        '(?<=(^| )(might|going to|will|about to|scared i will|scared i might|afraid i will|afraid i might|want to|feel like i will) )do something (stupid|silly|daft)',
      ],
      note: 'Jumping needs "i" as the subject, so "kids keep jumping off the bridge into the river" is an ASB report.',
    },

    // ── Immediate danger ──────────────────────────────────────────────────────────────────────────────────
    {
      id: 'danger.being-attacked',
      category: 'danger',
      patterns: [
        '{person} (is |are )?{attack} (me|us|my|her|him|them|the (kids|children|baby|child))',
        '{person} (is |are )?(killing|murdering) (me|us)',
        '(?<!(of|about|fear|risk|afraid of|scared of|worried about) )i am being (attacked|beaten|hit|assaulted|strangled|choked|stabbed|raped|hurt|threatened|chased|kicked|punched)',
        '(?<!(of|about|fear|risk|afraid of|scared of|worried about) )(getting|being) (beaten up|battered|attacked|stabbed|jumped|assaulted|glassed|kicked in|mugged|strangled)',
        '(i|we|he|she|they|someone|somebody|{person}) (have|has) (just )?(been|got) (stabbed|shot|attacked|assaulted|raped|sexually assaulted|hit by a (car|bus|van|lorry)|run over|glassed)',
        '(i|we|he|she|they|someone|somebody|{person}) (have|has) just (been|got) beaten up',
        '{person} (has )?just (hit|punched|kicked|stabbed|attacked|strangled|choked|slapped|headbutted|assaulted|beat|battered|glassed|raped|hurt|pushed|thrown) (me|us|my|her|him|them)',
        '(hands?|arms?|belt|rope|cord|wire) (round|around) (my|her|his|their) (neck|throat)',
        '(got|grabbed|grabbing|holding|pinned|pinning) (me|her|him|us|my {word}) (by the (throat|neck|hair)|against the wall)',
        '(holding|pinning|held|pinned) (me|her|him|us) down',
        '(hit|punched|kicked|slapped|beat|beaten|strangled|choked|attacked|hurt|battered) me again',
        '(i am|we are|i have|we have) (been )?(locked|hiding|barricaded|shut) (in|inside) (the|my|a|our) (bathroom|bedroom|toilet|room|loo|cupboard|wardrobe)',
        '(he|she|they|someone|somebody|my {word}) (is |are )?(smashing|kicking|breaking|bashing|battering) (down |in )?(the|my|our) (front |back |bathroom |bedroom )?(door|window)',
        'coming at (me|us|my|her|him)',
        '(pushed|shoved|threw|thrown|kicked) me (down|against|into|out|across)',
        '(attacking|biting|mauling|hurting|hitting|beating) (a|the|my|his|her|our|their|that) {child}',
        '({person}|{child}) (is |are )?drowning(?! in (debt|bills|paperwork|work|letters){end})',
      ],
      note: 'Now, not then: "my son got beaten up at school last week" and "he used to hit me" do not fire.',
    },
    {
      id: 'danger.intruder',
      category: 'danger',
      patterns: [
        '{person} (is |are )?(breaking in|breaking into|forcing (the|my|our) (door|window))',
        '{person} (is |are )?trying to (break in|break into|get in|get into|force|kick)',
        '(trying|rattling|checking) (the|my|our) (front |back )?(door|doors|door handles?|handles?|windows?|locks?)(?!( handles?)? (on|of) (the |our |my |some |parked )?(cars?|vans?|motors?){end})',
        '(kicking|smashing|breaking|bashing|booting|forcing|battering) (the|my|our) (front |back )?(door|window) (in|down)',
        '(i think )?(someone|somebody|a man|a stranger|strangers|people|men) (is |are )(in|inside) (the|my|our) (house|flat|home|bungalow)',
        '(there is|there are) (a man|a woman|someone|somebody|people|a stranger|men|an intruder) (in|inside) (my|our|the) {home}',
        '{person} (is |are )(in|inside) (my|our) {home} and i (do not|dont) know (him|her|them|who)',
        'intruder',
        '{person} (has |have )(just )?(broken in|broke in|forced (his|her|their|a) way in)',
        '(is|are) (smashing|wrecking|trashing) (the place|the house|the flat|my (house|flat|home|place|things|stuff))',
        '(he|she|my (partner|husband|wife|boyfriend|girlfriend|ex|dad|son|brother)) (is )?(smashing|wrecking|trashing) (everything|things)',
      ],
      note: 'Past break-ins ("someone broke into my shed last week") are crime reports for the ASB journey.',
    },
    {
      id: 'danger.weapon',
      category: 'danger',
      patterns: [
        '{person}( (upstairs|downstairs|next door|outside|across the road|over the road|in the street|at the door))? (is |are |has |have )?(got|has|have|holding|carrying|waving|wielding|pulled|pulled out|pulling|pulling out|pointing|brandishing) (a|an|his|her|their|the|two|some) {weapon}(?! (licen[cs]e|crime|amnesty|shop|club|block|drawer|sharpener|set|safety){end})',
        '(threaten(ing|ed|s)?|attack(ing|ed)?|coming at|chasing|going for|went for|hitting|beating|waving|swinging) ((me|us|him|her|them|people) |my {word} )?(at (me|us) )?with (a |an |his |her |their |some |two )?({weapon}|{improvised})',
        '(outside|here|at (the|my|our) (door|window|house|flat)|in (the|my|our) (house|flat|garden|hallway|stairwell|street|road|close)|on (the|my|our) (street|road|doorstep|landing)) with (a |an |his |her |their |some |two )?({weapon}|{improvised})',
        '{person} with (a|an|his|her|their|two|some) {weapon}(?! (crime|amnesty|sharpener|block|set){end})',
        '(going to|will|would|threatening to|threatened to|trying to|about to) (shoot|stab|knife|glass) (me|us|him|her|them|my {word}|the (kids|children|baby))',
        '(shots? (fired|being fired)|shooting at (me|us|people|the house)|gunshots?|gun shots?)',
      ],
      note: '"Youths have been carrying knives around the estate" is habitual ASB (101), not now. A bread knife, a water gun and a hammer drill do not match.',
    },
    {
      id: 'danger.fire',
      category: 'danger',
      patterns: [
        '{home}( {word}){0,4}? (is |are )?(on fire|burning down|in flames|alight)',
        '^((help|please|fire|there is a) )*fire( (help|please|fire|fire fire|quick|now))*$',
        '(there is|there are) (a )?fires?(?! (alarm|drill|safety|door|exit|station|brigade|service|officer|risk|hazard|check|extinguisher|pit|escape|engine|place|in (the|my|our) (grate|fireplace|hearth)){end})',
        '(?<!(had|was|were|been) (a )?)fire in (my|our|the|a|his|her|their) ({home}|flat (above|below|next door)|bin store)',
        'smoke (is )?(pouring|billowing|filling|everywhere)',
        'smoke (is )?coming (under|from under|out of|through|in through|in under) (my|the|our) (door|front door|flat|kitchen|house|walls?|ceiling|floor)',
        '(full of|filling with|filled with|thick) smoke',
        'smell(ing)? (of )?(burning|smoke)',
        '(fire|smoke|flames|locked in)( {word}){0,8} (cannot|can not) get out',
        '(cannot|can not) get out( {word}){0,8} (fire|smoke|flames)',
        '(we are|i am|they are|she is|he is|{person} (is|are)) trapped(?! in (a|this|the)? ?(cycle|loop|rut|job|marriage|relationship|debt|tenancy|contract){end})',
        '(is|are|has|have|just|has just|have just) (set|setting) fire to (my|the|our|his|her|a) {home}',
      ],
      note: 'Bins set alight last night and fire alarms going off when cooking do not match.',
    },
    {
      id: 'danger.gas',
      category: 'danger',
      patterns: ['gas leak', 'smell(ing)? (of )?gas', 'carbon monoxide (alarm )?(is )?(going off|beeping)'],
      note: 'A gas leak is immediate danger; the reply should also give the gas emergency number. "Can\'t afford the gas" does not match.',
    },
    {
      id: 'danger.medical-emergency',
      category: 'danger',
      patterns: [
        '{person} (is |has |has just |just )?(collapsed|unconscious|unresponsive|not breathing|stopped breathing|not conscious|turning blue|going blue|fitting|having a (fit|seizure|heart attack|stroke)|passed out|blacked out|bleeding heavily|bleeding badly|bleeding everywhere)',
        '{person} (will not|wont|would not|cannot|can not) (wake up|be woken|breathe)(?! (for|in time|early|on time|in the morning|till|until|before){end})',
        '{person} (is )?(not responding|not moving|not waking up)(?! (to|out|in|house|home|on|away|forward|when i){end})',
        '(fallen|fell(?! out)|collapsed|on the floor|on the ground)( {word}){0,6} (not moving|not responding|not answering|not breathing|will not (wake|answer|respond|move)|unconscious|unresponsive|bleeding (heavily|badly|a lot|everywhere))',
        'bleeding (heavily|badly|a lot|loads|everywhere|and (will not|cannot) stop)',
        'stopped breathing',
        'i (am|think i am) having a (heart attack|stroke|seizure)',
        'i (cannot|can not) breathe(?! (properly )?(in|with|because|for|when|at night|since|due){end})',
        '(need|call|get|send|ring) (an|a|the) ambulance',
        '(i think|think|found) {person} (is |has )?(dead|died)',
        'found {person} (dead|unconscious|collapsed|not breathing|hanging)',
      ],
      note: '"The wall has collapsed" and "my phone died" do not match: the subject must be a person.',
    },
    {
      id: 'danger.overdose-taken',
      category: 'danger',
      patterns: [
        '({person}|i|we) (has |have )(just )?(taken|swallowed|had) (an overdose|an od|(all|a load|loads|lots|a lot|a handful|a bunch|the whole (box|packet|bottle)) (of )?(my |his |her |their |the )?{pills})',
        '({person}|i|we) (took|swallowed|downed|necked) (an overdose|(all|a load|loads|lots|a lot|a handful|a bunch|the whole (box|packet|bottle)) (of )?(my |his |her |their |the )?{pills})',
        '({person}|i) (has |have )?just overdosed',
        '{person} (has |have )overdosed',
        'i am overdosing',
      ],
      note: 'An overdose already taken is a medical emergency now, whoever took it.',
    },
    {
      id: 'danger.threat-to-life',
      category: 'danger',
      patterns: [
        '{person} (is |are )?(going to|will|would|wants to|trying to|threatening to|threatened to|threatens to|said (he|she|they) (would|will|is going to|are going to)|says (he|she|they) (will|would|is going to|are going to)) (kill|murder|hurt|stab|shoot|strangle|burn) (me|us|my( {word})? (kids|children|baby|son|daughter|family|mum|mam|dad)|the (kids|children|baby)|him|her|them)',
        '(going to|gonna|will|would|threatening to|threatened to|trying to|about to) (burn|torch|set fire to|petrol bomb) (the|my|our|this) (house|flat|place|home|door|car)',
        'threatening to (jump|kill (himself|herself|themselves)|end (his|her|their) life)',
        '(scared|afraid|frightened|terrified|fear|fearing|fearful) for (my|our|his|her|their) (life|lives)',
        '(scared|afraid|frightened|terrified) ({person}) (is going to|will|might|may) (kill|hurt|attack|stab|find) (me|us|the kids)',
        'held (against (my|her|his|their) will|hostage|captive)',
        '(locked|locking) (me|us|her|him|them|the kids) (in|inside|up)',
        'will not let me (leave|out|go out|get out)',
        '{person} (is |are )?(following|chasing) (me|us)(?! (on|around on) (facebook|instagram|insta|twitter|x|tiktok|social media|snapchat){end})',
        '(do not|not) feel safe (at home|in the house|with (him|her|them)|right now)',
        '(i am|we are) not safe(?! (walking|going|to|out|outside|in (the|this|my|our) (area|street|park|estate|neighbourhood|town)|on (the|my|our) (street|estate|road)|at night|when|because of (the|them|those) (gangs?|kids|youths|dealers)){end})',
      ],
      note: '"My mum\'s going to kill me when she sees the kitchen" is an idiom; "my husband will kill me if he finds out I rang you" is not.',
    },
    {
      id: 'danger.child',
      category: 'danger',
      patterns: [
        '({child}|(a|the|my|our|his|her|their) (little )?{child}) (is |are )?(in danger|being (hurt|hit|beaten|abused|attacked|strangled|shaken|choked|kicked|burnt|burned|taken))',
        '(my|our|a|the|her|his) (little )?{child} (has |have |is )?(gone|went) missing',
        '(tried to|trying to|try to|attempted to) (grab|snatch|take|drag|abduct|kidnap) (my|a|the|her|his|our) (little )?{child}',
        '(snatched|snatching|abducted|abducting|kidnapped|kidnapping|dragged|dragging) (my|a|the|her|his|our) (little )?{child}',
        '({child}|(my|our) (little )?{child}) (has not|did not|never|still has not|is not) (come|came|got|back) home(?! (from (uni|university|work|college|holiday|the pub)|for (the weekend|christmas|easter|tea|dinner)|this weekend){end})',
        '{child} (is|are) missing(?= (please|help|since|and|for|from|i|we){end}|$)',
        '(left|leaving|abandoned) (a|the|her|his|their|my|our) (baby|babies|toddler|toddlers|child|children|kids|little ones?)( {word}){0,2} (alone|on (their|his|her) own|home alone)',
        '(baby|babies|toddler|toddlers|child|children|kids|little ones?)( next door| upstairs| downstairs)? (has |have |is |are )?(been )?left (alone|on (their|his|her) own|home alone)',
      ],
      note: '"My son is missing his dad" does not match.',
    },

    // ── Supporting phrases: only with strongly negative sentiment (Azure AI Language) ──────────────────────────
    {
      id: 'sh.support.cannot-cope',
      category: 'suicide-self-harm',
      strength: 'supporting',
      patterns: ['(cannot|could not|can not|unable to) (cope|manage|handle (it|this|things|life))( anymore| any more| now)?', 'struggling to (cope|go on|carry on|keep going)'],
      note: 'Said about bills and noise every day; a sign of crisis only with despairing sentiment.',
    },
    {
      id: 'sh.support.cannot-take-it',
      category: 'suicide-self-harm',
      strength: 'supporting',
      patterns: ['(cannot|can not|could not) take (it|this|any more|anymore|much more)', '(had|have had) enough( of (it|this|it all|everything|everyone))?'],
    },
    {
      id: 'sh.support.giving-up',
      category: 'suicide-self-harm',
      strength: 'supporting',
      patterns: ['(want to|going to|ready to|about to|feel like) (give|giving) up', 'giving up on (everything|it all|life|myself)', 'given up on (everything|it all|life|myself)'],
    },
    {
      id: 'sh.support.hopeless',
      category: 'suicide-self-harm',
      strength: 'supporting',
      patterns: ['(feel|feeling|am|so|totally|completely) (hopeless|worthless|empty|numb|broken)', '(there is )?no hope( left)?', 'what is the point( anymore| any more| of anything)?$', 'nothing (matters|is going to change)( anymore| any more)?'],
    },
  ],

  idioms: [
    {
      id: 'idiom.killing-me',
      patterns: [
        '((my|the|our|this|that|these|those|all the|their|his|her) )?(noise|heat|cold|weather|suspense|waiting|wait|bill|bills|prices?|rent|traffic|queue|stairs|hill|music|barking|damp|loneliness|boredom|pain|back|knees?|feet|legs?|hips?|head|headache|kids|children|grandkids|job|work|it|this|that)( {word}){0,2} (is |are |was |were )?killing (me|us|my {word})',
        '{person} (is |are )?killing (me|us) with (his|her|their|its|the|these|those|this|that|them|all( the| these| those| this)?) {word}',
      ],
      note: '"the noise is killing me", "my feet are killing me", "the heating bill is killing us".',
    },
    {
      id: 'idiom.family-will-kill-me',
      patterns: [
        '(my |the )?(mum|mam|mom|mother|nan|nana|gran|grandma|wife|missus|boss|manager|teacher|mrs|other half) (is |will |would )?(going to |gonna )?(kill|murder) (me|us)',
        'my (dad|father|husband|partner|brother|sister|son|daughter|kids|family|mates?|friends?) (is |are )?(going to |will |would )(kill|murder) (me|us) (when|if) (he|she|they) (sees?|finds? out|hears?|notices?)(?! (that )?i (called|rang|phoned|told|contacted|spoke|messaged|texted|reported|went|have been|had been){end})',
      ],
      note: 'A family member "will kill me when she sees the kitchen". Not when the resident fears being found out for contacting help.',
    },
    {
      id: 'idiom.dying-to',
      patterns: ['dying to (see|meet|go|get|know|hear|try|tell|find out|have|visit)', 'to die for', '(i would|id|i could) (kill|die) for (a|an|some)'],
    },
    {
      id: 'idiom.dying-of-laughter',
      patterns: [
        '(nearly |almost |literally )?(dying|died|die|dead) (of |from |with )?(laughter|laughing|embarrassment|boredom|cringe)',
        'want(ed)? to die (of|from) (embarrassment|cringe|laughing|laughter)',
      ],
    },
    {
      id: 'idiom.dead-as-intensifier',
      patterns: [
        'dead (tired|beat|on my feet|skint|bored|end|good|easy|quiet|busy|serious|chuffed|nice|lucky|set on|against|loud|cold)',
        '(bored|sick|scared|worried|tired|freezing) (to death|stiff)',
        '(over my dead body|be the death of (me|us)|dead and buried|death trap)',
      ],
    },
    {
      id: 'idiom.murder-a-brew',
      patterns: ['(could|would) murder (a|an|some) {word}', 'was (absolute )?murder'],
    },
    {
      id: 'idiom.kill-time',
      patterns: [
        'kill(ing)? (time|an hour|a few hours|the lights|the engine|the music|the tv|the mood|the weeds|weeds|slugs|germs|bacteria|bugs|flies|mould)',
        'killing it',
      ],
    },
    {
      id: 'idiom.accident',
      patterns: [
        '(nearly |almost )?kill(ed|ing)? {self} (laughing|tripping|falling|slipping|on (a|the|some|that|those|them)|trying to|carrying|lifting)',
        '(cut|hurt|burnt|burned|injured|hurting|cutting|hit|banged|bumped|scratched) {self} (shaving|cooking|gardening|lifting|falling|chopping|opening|on (a|an|the|some|broken|that|those)|at work|by accident|accidentally|badly when i (fell|tripped|slipped))',
        '(fell|tripped|slipped|fallen)( {word}){0,6} (and )?(hurt|cut|injured) ({self}|(my|his|her) {word})',
        'kill(ing)? {self} (working|trying|to (get|make|pay|keep)|doing|running|with (work|overtime))',
      ],
    },
    {
      id: 'idiom.cut-myself-off',
      patterns: ['cut(ting)? {self} off', 'cut {self} (some slack|a (slice|piece))'],
      note: '"I cut myself off from everyone after my husband died" is loneliness.',
    },
    {
      id: 'idiom.end-it-with',
      patterns: ['(end|ending|ended) (it|things) with (him|her|them|my {word}|the {word})', 'tak(e|ing) (back )?(control of )?my life back', 'take back my life'],
    },
    {
      id: 'idiom.overdosed-on-treats',
      patterns: ['overdos(e|ed|ing) on (chocolate|sugar|caffeine|coffee|christmas|telly|tv|netflix|sweets|cake|mince pies|carbs|junk food|sun)'],
    },
    {
      id: 'idiom.suicide-training',
      patterns: ['suicide (prevention|awareness|first aid|training|course|statistics|rates?|squad)'],
      note: 'Training and awareness are not a resident at risk. Bereavement by suicide is NOT an idiom.',
    },
    {
      id: 'idiom.shoot',
      patterns: ['shoot(ing)? (me |us )?(a|an) (text|email|message|line)', 'shooting (hoops|pool|a film|a video|photos|the breeze)', 'photo ?shoot'],
    },
    {
      id: 'idiom.fire',
      patterns: [
        'fire (alarm|drill|door|safety|exit|brigade|service|station|escape|extinguisher|risk assessment)s?',
        '(fired|sacked) (from|me|him|her|them)',
        'on fire (today|tonight|this (week|season|year))',
        'smell (of )?smoke (from|off) (the |a |their |his |her |next doors )?(bonfire|bbq|barbecue|chimney|fire pit|log burner|wood burner|garden)',
      ],
    },
    {
      id: 'idiom.things-that-die',
      patterns: [
        '(phone|battery|batteries|car|lift|tv|telly|laptop|plant|plants|garden|boiler|fridge|line|estate|town|high street|pub)( {word}){0,3} (is |has |are )?(died|dead|dying)',
      ],
    },
    {
      id: 'idiom.in-danger-of',
      patterns: ['in danger of', 'a danger to (health|my health|the public|public health|{word} health)'],
      note: '"The bins are a danger to health" is an environmental report, not a person in danger now.',
    },
  ],

  negations: [
    {
      id: 'negation.not-suicidal',
      patterns: ['(i am |she is |he is |they are )?(not|never been|never) (feeling |actually |really |at all )?suicidal( anymore| any more)?'],
    },
    {
      id: 'negation.would-never-hurt-myself',
      patterns: [
        '(not|never|not ever) (going to |gonna |planning to |planning on |about to |want to |trying to |thinking (of|about) )?(hurt|harm|kill|cut|injure)(ing)? {self}',
        '(not|never) (self harm(ed|ing)?|been suicidal|attempted suicide|tried to (kill|hurt|harm) {self})',
        'no (thoughts|plans|intention) (of|to) (suicide|self harm|harming {self}|hurting {self}|killing {self}|ending (it|my life))',
        '(not|never) (thinking|thought) (about|of) (suicide|killing {self}|ending (it|my life)|self harm)',
      ],
      note: '"I can\'t promise I won\'t hurt myself" still fires: sh.cannot-promise-safety is wider than this negation.',
    },
    {
      id: 'negation.do-not-want-to-die',
      patterns: ['(do not|never) want to die'],
      note: 'Fear ("I don\'t want to die, he\'s going to kill me") still fires on the threat.',
    },
    {
      id: 'negation.nobody-in-danger',
      patterns: ['(no one|nobody|not|no ones) (is )?in danger', '(no one|nobody) (is |was )?(hurt|injured)'],
    },
  ],
};
