"""The tone lexicon: what counts as profanity, an insult, a threat or a demand.

Patterns run on the lower-cased, quote-stripped text. Each entry is (weight, regex);
the weight is how sure a single match makes the label (0–1). Label definitions and
what is deliberately *not* flagged are in docs/tone.md; change both together.

Design rules that keep the hard negatives clean:
- Insult words need a target among the staff ("you", "your support", "this company")
  unless the word is only ever said of people ("moron"); self-directed uses ("I was an
  idiot") are excluded.
- Violent verbs are never flagged on their own ("kill -9", "this bug is killing me");
  only aimed at a person ("I'll hurt you").
- Chargebacks, disputes and lawyers are threats only with first-person intent
  ("I'll file a chargeback"), not as topics ("how do I dispute a charge?").
- Mild expletives (damn, hell, crap, heck, bloody) are not profanity.

Speed: every pattern carries *anchors*, words one of which any match must contain. The
scorer splits a message into words once and runs only the patterns whose anchors occur
(a hashed word lookup, the Aho-Corasick idea for a lexicon of words), so an ordinary
message costs a set intersection, not forty regex scans. A test checks that gating
never changes a result.
"""

from __future__ import annotations

# -- building blocks ----------------------------------------------------------
_F = r"f(?:u|\*|#|@)?(?:c|\*|#|@)?(?:k|\*|#|@)[*#@]*"  # fuck, f*ck, f***, fck
PROFANE_CORE = (
    rf"(?:{_F}(?:ing|in|ed|er|ers|s|wit|tard)?\b|motherf\w*|(?:bull|horse|dip)?"
    r"(?:sh[i*]t|s\*\*t)(?:ty|e|s|show|head|-for-brains)?\b|wtf\b|ffs\b|stfu\b|"
    r"a(?:ss|rse)holes?\b|dumbass\w*|jackass\w*|bastards?\b|bitch\w*|cunts?\b|dickheads?\b|"
    r"pricks?\b|piss(?:ed|ing|-up|-poor)?\b|shitting\b|bellends?\b|knobheads?\b|bollocks\b|wankers?\b|twats?\b|god ?damn\w*)"
)
PROFANE_WORD = rf"\b{PROFANE_CORE}"
# People on the provider's side: who an insult can be aimed at.
_STAFF_NOUN = (
    r"(?:support(?: team| staff| agents?| reps?| people| department| desk)?|team|staff|"
    r"techs?|technicians?|engineers?|agents?|reps?|representatives?|help ?desk|noc|"
    r"people|guys|folks|company|department|employees|admins?|sysadmins?|developers|devs|"
    r"service desk|customer service|level 1|l1|account manager|management|crew|lot|"
    r"firm|outfit|operators?|workers)"
)
_TARGET = (
    rf"(?:\byou(?: guys| people| lot| all)?|\by'?all|\byour (?:[\w\"'-]+ ){{0,2}}?"
    rf"{_STAFF_NOUN}|\bthis company|\bthe (?:support|helpdesk|staff|techs?|technicians?|"
    rf"engineers?|agents?)|\bsupport (?:team|staff|agents?|reps?))\b"
)
# Words said only of people: an insult wherever they appear (unless said of oneself).
INHERENT_INSULT = (
    r"\b(?:idiot(?:s|ic)?|moron(?:s|ic)?|imbeciles?|clowns?|muppets?|dumbass(?:es)?|"
    r"jackass(?:es)?|halfwits?|dimwits?|nitwits?|cretins?|retard(?:s|ed)?|buffoons?|"
    r"numpty|numpties|nincompoops?|dipshits?|a(?:ss|rse)holes?|pricks?|bastards|wankers?|"
    r"twats|dickheads?|jerks|cowboys|jokers|tossers|dunces|dolts|bozos|goons|lowlifes|parasites|"
    r"leeches|frauds|con men|cheats|swindlers|shysters|rip-?off merchants|good-for-nothings?|"
    r"pieces? of shit|bellends?|knobheads?|chocolate teapot|scumbags?|scammers?|"
    r"fraudsters?|crooks|liars|thieves|con artists?|charlatans|amateurs|amateur hour|"
    r"incompetent|clueless|inept|brainless|brain ?dead|shit-for-brains|"
    r"(?:team|bunch) of (?:geniuses|experts)|, geniuses)\b"
)
# Words that insult only when aimed at staff ("useless support", not "useless docs").
_NEG = (
    r"(?:useless|pathetic|worthless|lazy|stupid|dumb|incompetent|clueless|unprofessional|"
    r"arrogant|rude|hopeless|a joke|joke|a scam|scam|garbage|rubbish|trash|shite?|crap|"
    r"crappy|shitty|a disgrace|disgrace|a waste|the worst|worst|full of shit|liars|crooks|"
    r"(?:a )?bunch of \w+|waste of (?:oxygen|space|air)|monkeys|incapable|an embarrassment|"
    r"(?:absolute|complete|total|utter) (?:shit|garbage|rubbish|joke|disgrace)|a circus|a zoo|"
    r"a shambles|a clown show|a shitshow|ignorant|inept|a liability|a farce|shameful|"
    r"disgraceful|brainless|thick|slow-witted)"
)
_NEG_ADJ = rf"(?:useless|pathetic|worthless|lazy|stupid|incompetent|clueless|arrogant|lying|{_F}(?:ing|in))"
_PERSON_AFTER = (
    r"(?:support|people|staff|team|techs?|technicians?|engineers?|agents?|reps?|helpdesk|"
    r"company|bastards|pricks|monkeys|idiots|morons|excuse|company|crooks|lot|guys)"
)

INSULT: tuple[tuple[float, str], ...] = (
    (0.8, rf"{_TARGET}(?:'re|\s+(?:is|are|were|was|has been|have been|seems?|remains?))\s+"
          rf"(?:[\w,]+\s+){{0,3}}?{_NEG}\b"),
    (0.75, r"\bstop being (?:so |such )?(?:an? )?(?:arrogant|rude|lazy|useless|condescending|"
           r"patroni[sz]ing|incompetent|idiots?|jerks?|clowns?)\b"),
    (0.8, rf"\bare (?:you|your [\w ]{{0,20}}?{_STAFF_NOUN})\s+(?:\w+\s+){{0,2}}?{_NEG}\b"),
    (0.75, rf"\b{_NEG_ADJ}\s+(?:[\w-]+\s+){{0,2}}{_PERSON_AFTER}\b"),
    (0.9, rf"\b(?:{_F}\s*(?:you|off|yourselves|yourself)|go {_F}\s*your\w*|piss off|"
          r"screw (?:you|your)|go to hell|shame on you|damn you)\b"),
    (0.8, r"\bdo your (?:\w+ )?job\b|\blearn (?:how )?to (?:read|do your)|\bno (?:idea|clue) "
          r"what (?:he|she|they|you|your \w+) (?:was|were|is|are|'re) doing\b|\byou (?:people |"
          r"guys |lot )?(?:clearly )?(?:don'?t|do not|have no|haven'?t got a) (?:know what|clue|"
          r"idea)\b"),
    (0.8, r""
          r"\bread what i (?:wrote|said|asked)\b|\bwho(?:ever)? trained (?:you|your)\b|"
          r"\b(?:do|did|does|can|can't) you (?:\w+ )?(?:even|actually|ever) (?:know|read|test|"
          r"employ|understand|care|listen|look|use|check|try)\b|\btalking to a (?:brick )?wall\b|"
          r"\b(?:should|ought to|needs? to) be fired\b|\biq of an? \w+|"
          r"\bwho (?:hired|trained|employs|lets|let|allowed) (?:these|those|this|you|your)\b|"
          r"\b(?:nobody|no one|none of you|noone)\b[^.!?\n]{0,25}\b(?:knows?|has a clue|understands?)"
          r"\b|\babout as (?:useful|helpful|competent) as\b|"
          r"\bare you (?:\w+ )?(?:incapable|unable) of\b|\bshouldn'?t be (?:allowed )?(?:anywhere )?"
          r"near\b|\btoo (?:stupid|dumb|lazy|incompetent|thick) to\b|\bup your (?:ass|arse)\b|"
          r"\bshove (?:it|your|them)\b|\beat shit\b|\bkiss my (?:ass|arse)\b|\b(?:sod|bugger) off\b|"
          r"\bf\w*k your \w+|"
          r"\bdo you (?:\w+ )?hire (?:people|anyone|anybody)\b|"
          r"\banyone (?:[\w ]{0,30})with a (?:\w+ )?brain\b|\bmore clue than\b|"
          r"\b(?:a|an) (?:child|student|intern|monkey|toddler|chimp|trained monkey)\s+could\b|"
          r"\bhire someone (?:competent|who)\b|\bany competent\b|"
          r"\bsomeone who (?:actually )?knows what (?:they'?re|they are) doing\b|"
          r"\bstop pretending\b|\bget your act together\b|\bembarrass\w* yourselves\b|"
          r"\basleep at the wheel\b|\bwhat are (?:we|i) paying (?:you|for)\b|\bso-?called\b|"
          r"\bwrong with you\b|\bpiss-up in a brewery\b|"
          r"\b(?:great|nice|brilliant|good|another brilliant|another great) (?:job|fix|work)"
          r"\b[^.!?\n]{0,40}\b(?:again|geniuses|experts)\b"),
    (0.75, r"\b(?:you|whoever|nobody|no one|they|he|she|your \w+)\s+(?:\w+\s+){0,2}?"
           r"(?:didn'?t|can'?t|cannot|doesn'?t|don'?t|never)\s+(?:even\s+|bother to\s+)?"
           r"read\b"),
    (0.8, rf"\b{PROFANE_CORE}\s+(?:\w+\s+)?(?:staff|team|support|techs?|people|guys|"
          r"agents?|engineers?)\b"),
)
# A match preceded by this (within the same clause) is said of oneself: "I was an idiot".
SELF_BEFORE = (
    r"(?:\bi(?:'m| am| was| feel like| felt like|'ve been| have been| must be)|\bmyself|"
    r"\bcall me|\bim|\bich(?: bin| war)?|\bje suis|\bsoy|\bik (?:ben|was))\s+(?:[\w,]+\s+){0,3}$"
    # the customer's own people: "our idiot intern", "my useless colleague"
    r"|\b(?:our|my|unser(?:e|en|em)?|mein(?:e|en)?|notre|nos|mon|nuestros?|nuestras?|onze|"
    r"ons|mijn|i nostri|il nostro|la nostra)\s+(?:own\s+|new\s+|junior\s+|\w+\s+)?$"
)
SELF_AFTER = r"^[^.!?\n]{0,25}(?:\(me\)|\bmyself\b|\bon my part\b)"

INTENT = (
    r"(?:\b(?:i|we)(?:'ll|'m|'re| will| am| are| shall| have already| '?d rather|'ve already|"
    r" have no choice but to| intend to| plan to)\b|\bgoing to\b|\bgonna\b|\bor (?:i|we)\b|"
    r"\bunless\b|\bbefore (?:i|we)\b|\bexpect\b|\bmy bank (?:is|will)\b|\benjoy\b|"
    r"\bnext stop\b|\bfine\.|\bsee you\b|\bconsider this\b)"
)
# Threat actions that need first-person intent in the same sentence.
THREAT_WITH_INTENT: tuple[tuple[float, str], ...] = (
    (0.9, r"\bcharge ?backs?\b"),
    (0.9, r"\bdisput\w*\s+(?:(?:the|this|that|every|each|all|my|our|your|these|those|single|a)"
          r"\s+){0,3}(?:charges?|payments?|transactions?|invoices?|bills?|billing)\b"),
    (0.85, r"\bdisput\w* (?:this|it) with (?:my |the |our )?(?:bank|card|credit card|paypal|visa|"
           r"mastercard|amex|stripe)"),
    (0.85, r"\b(?:refund|claim|money back) (?:through|via|with|from) (?:my|our|the) (?:bank|card|"
           r"credit card)"),
    (0.85, r"\b(?:reverse|reversing|claw(?:ing)? back|pull(?:ing)? back) (?:(?:the|my|this|that|"
           r"all|last|your) )*(?:payments?|charges?|transactions?|money)\b|\b(?:reverse|reversing|"
           r"claw(?:ing)? back) (?:it|this|that) (?:with|through|via) (?:my|our|the) (?:bank|card)|"
           r"\bcancel (?:the|my) (?:payments?|charges?)\b(?! (?:method|details|info|card))"),
    (0.85, r"\b(?:contact|call|calling|contacting|ring|phone) (?:my|our|the) (?:bank|credit card"
           r" company|card (?:issuer|company)|card provider)\b"),
    (0.85, r"\breport(?:ing)? (?:you|this|it|your company|them)?\s*(?:to|with) (?:the )?"
           r"(?:bbb|better business|ftc|fcc|ico|visa|mastercard|amex|paypal|regulator|"
           r"ombudsman|trading standards|police|consumer|data protection|authorit)"),
    (0.85, r"\bcomplaint (?:to|with) (?:the )?(?:ftc|fcc|ico|consumer|data protection|"
           r"regulator|ombudsman|bbb|better business|trading standards|authorit)"),
    (0.85, r"\bgo(?:ing)? (?:straight )?to the (?:consumer )?(?:ombudsman|regulator|ftc|bbb|"
           r"press|media|police)\b"),
    (0.85, r"\b(?:contact\w*|report\w*|complain\w*|writ\w* to|escalat\w* to|inform\w*|"
           r"tell\w*|alert\w*|call\w*|going to) (?:the )?(?:information commissioner|ico|attorney "
           r"general|consumer (?:protection|rights|affairs)|ombudsman|trading standards|fca|ofcom|"
           r"cnil|data protection|regulators?|authorities|police|ftc|bbb|press|media|newspapers?|"
           r"journalists?)\b"),
    (0.8, r"\bwithhold\w* (?:the |all |any |my |further |future |your )?(?:payments?|invoices?|"
          r"fees?)\b|\bstop\w* paying\b|\b(?:block|cancel|stop)\w* (?:the |all |any |my |further |"
          r"future )?payments? (?:to|for) you\b|\b(?:legal (?:advice|counsel)|pursu\w+ (?:this|legal|damages|compensation))"
          r"\b|\b(?:dispute|chargeback|claim) (?:goes|will go|is going|going) to (?:my|the) bank\b"),
    (0.85, r"\b(?:bad|negative|terrible|scathing|honest|1[- ]star|one[- ]star|0[- ]star|"
           r"zero[- ]star) reviews?\b"),
    (0.85, r"\breviews? on every\b|\b(?:post|posting|share|sharing|put|putting|publish|"
           r"publishing|write|writing|blog|blogging|tweet|tweeting)\b(?! (?:the |my |our |some |a )?"
           r"(?:logs?|benchmarks?|results|outputs?|solutions?|questions?|code|configs?|fix|answer))"
           r"[^.!?\n]{0,50}\b(?:on|to) "
           r"(?:reddit|twitter|x|facebook|linkedin|hacker ?news|hn|youtube|tiktok|"
           r"instagram|my blog|(?:the )?forums?|social media|webhostingtalk|lowendtalk|"
           r"trustpilot|google|yelp|g2|capterra|(?:every|all) (?:\w+ )?(?:forums?|sites?|platforms?))\b|"
           r"\b(?:twitter|reddit|linkedin|facebook|tiktok|youtube) (?:thread|post|video)\b"),
    (0.85, r"\bmake sure (?:everyone|everybody|people|the world|nobody|no one|all)\b|"
           r"\btell(?:ing)? (?:everyone|everybody|every (?:client|customer|friend)|all my)\b"
           r"(?! (?:in|at|on|from) (?:the|our|my) (?:team|office|company|department|staff))"),
)
# Threats whatever the grammar: the words themselves are aimed at the provider.
THREAT_ALWAYS: tuple[tuple[float, str], ...] = (
    (0.9, r"\bhear(?:ing)? from (?:my|our) (?:lawyers?|attorneys?|solicitors?|legal (?:team|"
          r"department|counsel))\b"),
    (0.9, r"\b(?:talk|talking|speak|speaking|contact|contacting|call|calling|consult|consulting|"
          r"get|getting) (?:to |with )?(?:my|our) (?:lawyers?|attorneys?|solicitors?|legal team)"
          r"\b"),
    (0.9, r"\b(?:my|our) (?:lawyers?|attorneys?|solicitors?|legal (?:team|department|counsel))"
          r" (?:will|has been|have been|are|is|'ll)\s+(?:be\s+)?(?:in touch|contact\w*|informed|"
          r"notified|looking into|hear|writing|sending|send|writing to|pursu\w+)"),
    (0.9, r"\blegal (?:action|options|steps|proceedings)\b|\bsee you in (?:small claims )?court\b|\bsmall claims\b|"
          r"\b(?:lawsuit|class action)\b(?=[^.!?\n]{0,40}\b(?:you|your)\b)|\b(?:file|filing|start|"
          r"starting|bring|bringing|launch|join)\w* (?:a )?(?:lawsuit|class action)\b|\bthrough the courts\b|\bcourt (?:action|case|proceedings)\b|"
          r"\b(?:go|going) to court\b|\bcease and desist\b|\bletter before action\b|"
          r"\bclaim\w* (?:for )?damages\b|\b(?:take|taking) (?:you|this|your company) to court\b"),
    (0.9, r"\bsu(?:e|ing) (?:you|your|u)\b|\b(?:i|we)(?:'ll| will|'m going to| am going to| are "
          r"going to|'re going to) (?:be )?su(?:e|ing)\b|\bi'?ll sue\b"),
    (0.9, r"\b(?:destroy|ruin|trash) your (?:reputation|business|name|company)\b|"
          r"\bexpose (?:you|your company)\b|\bgo(?:ing)? public\b"),
    (0.95, r"\b(?:kill|hurt|beat|punch|find|hunt down|smash) (?:you|your (?:staff|team|techs?|"
           r"family|face))\b(?! know)|\bteach you a lesson\b|\bknow where (?:you|your \w+) (?:live|work|"
           r"is|are)\b|\bcome (?:down )?to your office\b|\byou'?ll regret\b|\bwatch your back\b"),
)
# Third parties and questions: "a customer of ours is threatening a chargeback".
THREAT_NOT = (
    r"\bhow (?:do|can|should|would) (?:i|we)\b|\bhow to\b|\bprocess\b|\bsomeone else\b|"
    r"\bthreaten\w*\b|\bcustomers? of ours\b|\bour (?:customer|client)s?\b|\ba (?:user|customer|"
    r"client) (?:is|has)\b|\brespond to\b|\bonce\b|\bdid (?:really |very )?well\b|\brecommend|"
    r"\bimpressed\b|\bgreat job\b|\bnotifications?\b|\bbuyers?\b|\bthe (?:buyer|customer|user) "
    r"(?:was|is)\b"
)

_DAYS = (r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|many|"
         r"over (?:a|an|\d+|two|three)|more than (?:a|an|\d+|two|three))")
_UNITS = r"(?:days?|hours?|weeks?|months?|hrs?)"
_WHEN = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last \w+|"
         r"this morning|the \d+\w*|\d+\w*)")
_IMPERATIVE = (r"(?:fix|fixed|do|done|sort|sorted|solve|solved|resolve|resolved|answer|reply|"
               r"respond|call|refund|restore|escalate|act|get|send|need|want|expect|"
               r"expecting|working)")
DEMAND: tuple[tuple[float, str], ...] = (
    (0.8, r"\bstill (?:waiting|no (?:reply|response|answer|update|word|news|fix|one)|nothing|"
          r"not (?:fixed|resolved|done|sorted|answered)|broken|haven'?t (?:heard|received|got|gotten)|"
          r"hasn'?t been (?:fixed|resolved|answered)|no update)\b"),
    (0.8, rf"\bwaiting (?:for |since |over |on you )?(?:{_DAYS} {_UNITS}|{_WHEN}\b|ages|forever|"
          r"an? (?:answer|reply|response|update|callback|call back)|(?:a|any) (?:tech|technician)|"
          r"someone|anyone)"),
    (0.75, rf"\b(?:it'?s|it has|has|have|i'?ve|we'?ve|that'?s) (?:now |already |almost |nearly )?"
           rf"been {_DAYS} {_UNITS}\b"),
    (0.75, r"\bon hold for\b|\bhurry up\b|\bget a move on\b|\bchop[ -]chop\b|\bpick up the phone\b|"
           r"\bday (?:two|three|four|five|six|seven|\d+) of\b|\bwhen will you (?:\w+ )?(?:fix|sort|"
           r"answer|reply|respond|send|get|call|resolve)\b|\bhow many more (?:days|hours|weeks|times)"
           r"\b|\btake (?:a|an|\d+|two|three|four|five) (?:days?|weeks?|hours?) to (?:get )?(?:a )?"
           r"(?:respon|repl|answer|fix)|\bactually (?:send|fix|do|answer|reply|respond|call|read)\b"),
    (0.8, rf"\b{_DAYS} {_UNITS} (?:and|with|without) (?:no|any) (?:reply|response|answer|update|"
          r"word)\b|\bno(?: ?one|body) (?:has )?(?:replied|responded|answered|got back|gotten back|"
          r"called back|come|bothered)\b"),
    (0.85, r"\basap\b|\ba\.s\.a\.p\b"),
    (0.8, rf"\b{_IMPERATIVE}\b[^.!?\n]{{0,40}}\b(?:immediately|right away|right now|straight away|"
          r"at once|without delay|urgently)\b"),
    (0.8, r"\b(?:fix|do|sort|answer|reply|respond|refund|call|send|restore|give)\b (?:it|this|"
          r"that|me|us|my \w+|the \w+) (?:right )?now\b"),
    (0.8, rf"\b{_IMPERATIVE}\b[^.!?\n]{{0,40}}\b(?:today|tonight|by (?:the )?end of (?:the )?"
          r"(?:day|business|week)|this week|by eod|by tomorrow|by tonight|within (?:the|an|one|\d+|two) "
          r"(?:hour|hours|minutes|day))\b"),
    (0.8, r"\b(?:why|when)\b[^.?!\n]{0,50}\byet\b|\b(?:done|fixed|ready|finished) yet\b"),
    (0.75, r"\bhow (?:much )?longer\b|\bhow long (?:do|must|should|will) (?:i|we) (?:have to )?"
           r"wait\b|\bwhy does it take \S+ (?:days|hours|weeks)\b"),
    (0.8, r"\b(?:my|the|this is (?:my|the)) (?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))"
          r" (?:email|e-mail|message|ticket|request|call|follow[- ]up|time (?:asking|i'?ve asked|"
          r"i'?m asking|i have asked))\b|\b(?:second|third|fourth|fifth|\d+(?:nd|rd|th)) time "
          r"asking\b"),
    (0.8, r"\b(?:asked|emailed|e-mailed|called|written|chased|raised this|reported this|phoned)\b"
          r"[^.!?\n]{0,30}\b(?:twice|three times|four times|\d+ times|several times|multiple "
          r"times|again and again|repeatedly|in (?:two|three|four|five|\d+|multiple|several) "
          r"(?:separate )?tickets)\b"),
    (0.75, r"\bfollow(?:ing)?[- ]up again\b|\bbump\b|\bchasing (?:this )?(?:up )?again\b|"
           r"\bask(?:ing)? again\b|\bchase you\b|\btick[ ,-]?tock\b|\b(?:wait|waiting) forever\b|"
           r"\bshould have been (?:fixed|done|resolved|sorted|answered) (?:hours|days|weeks|by now|"
           r"ages)\b|\bescalate (?:this|my|the)\b|\bprioriti[sz]e (?:this|my)\b|"
           r"\bwhere (?:the hell|the fuck|on earth) is\b|\btaking (?:so|this) long\b|"
           r"\btake so long\b|\bwhen (?:will|is) (?:it|this|someone)\b[^.?!\n]{0,20}\b(?:actually|"
           r"finally|ever)\b|\byou have (?:until|till|\d+ (?:hours|days)|one (?:hour|day))\b"),
    (0.75, r"\bsent (?:you )?(?:two|three|four|five|\d+|several|multiple) (?:emails|e-mails|"
           r"messages|tickets)\b|\b(?:promised|supposed to|said (?:it|you) would)\b[^.!?\n]{0,40}"
           r"\b(?:hours|days|weeks) ago\b|\b(?:ticket|request|case|issue) (?:has been|was|is) "
           r"(?:open|opened|outstanding|unresolved) (?:for|since)\b"),
    (0.75, r"\bis (?:any(?:one|body)) (?:there|reading|home|alive|going to|working on)\b|"
           r"\bhello\s*\?+|\bany(?:one|body)\s*\?{2,}|\bany (?:update|news|progress|word)s?\s*"
           r"(?:on this\s*)?\?{2,}"),
    (0.7, r"(?:^|[.!?]\s+)(?:respond|reply|answer) (?:to (?:me|my|this)|asap|immediately|now|the)\b"),
)


# -- anchors: one of these words occurs in every match of the pattern at the same index ----
_PROF = (
    "fuck fucks fucked fucking fuckin fucker fuckers fuckwit fucktard f fck fk fuk fcking fking "
    "fukin fuking motherfucker motherfuckers motherfucking shit shits shitty shite shitshow "
    "shithead shitheads bullshit horseshit dipshit dipshits sh s wtf ffs stfu asshole assholes "
    "arsehole arseholes dumbass dumbasses jackass jackasses bastard bastards bitch bitches "
    "bitching bitchy cunt cunts dickhead dickheads prick pricks piss pissed pissing goddamn "
    "goddamned god bollocks wanker wankers twat twats shitting bellend bellends knobhead knobheads"
)
_NEG_WORDS = (
    "useless pathetic worthless lazy stupid dumb incompetent clueless unprofessional arrogant "
    "rude hopeless joke scam garbage rubbish trash shit shite crap crappy shitty disgrace waste "
    "worst liars crooks bunch monkeys incapable embarrassment absolute complete total utter "
    "circus zoo shambles clown shitshow ignorant inept liability farce shameful disgraceful "
    "brainless thick slow"
)
PROFANITY_ANCHORS = _PROF
INHERENT_ANCHORS = (
    "idiot idiots idiotic moron morons moronic imbecile imbeciles clown clowns muppet muppets "
    "dumbass dumbasses jackass jackasses halfwit halfwits dimwit dimwits nitwit nitwits cretin "
    "cretins retard retards retarded buffoon buffoons numpty numpties nincompoop nincompoops "
    "dipshit dipshits asshole assholes arsehole arseholes prick pricks bastards wanker wankers "
    "twats dickhead dickheads jerks cowboys jokers tossers dunces dolts bozos goons lowlifes "
    "parasites leeches frauds con cheats swindlers shysters rip ripoff merchants nothing "
    "nothings piece pieces bellend bellends knobhead knobheads chocolate scumbag scumbags "
    "scammer scammers fraudster fraudsters crooks liars thieves artist artists charlatans "
    "amateurs amateur incompetent clueless inept brainless brain braindead brains geniuses experts"
)
INSULT_ANCHORS: tuple[str, ...] = (
    _NEG_WORDS,
    "being",
    _NEG_WORDS,
    "useless pathetic worthless lazy stupid incompetent clueless arrogant lying " + _PROF,
    _PROF + " off piss screw hell shame damn yourselves yourself",
    "job learn idea clue know",
    "read trained hired employs lets let allowed even actually ever wall clue "
    "fired iq knows understands understand useful helpful competent incapable unable near "
    "stupid dumb lazy incompetent thick ass arse shove shit kiss sod bugger hire brain child "
    "student intern monkey toddler chimp someone pretending act embarrass embarrassing "
    "embarrassed asleep paying called wrong brewery again geniuses experts " + _PROF,
    "read",
    _PROF,
)
THREAT_WITH_INTENT_ANCHORS: tuple[str, ...] = (
    "chargeback chargebacks charge charges",
    "dispute disputes disputing disputed",
    "dispute disputes disputing disputed",
    "bank card",
    "reverse reversing claw clawing pull pulling cancel",
    "bank card",
    "report reporting",
    "complaint",
    "ombudsman regulator ftc bbb press media police",
    "commissioner ico attorney consumer ombudsman trading fca ofcom cnil protection regulator "
    "regulators authorities police ftc bbb press media newspaper newspapers journalist journalists",
    "payment payments paying legal pursue pursuing pursued bank",
    "review reviews",
    "review reviews reddit twitter facebook linkedin hacker hackernews hn youtube tiktok "
    "instagram blog forum forums social webhostingtalk lowendtalk trustpilot google yelp g2 "
    "capterra sites site platforms platform thread post video x",
    "sure tell telling",
)
THREAT_ALWAYS_ANCHORS: tuple[str, ...] = (
    "lawyer lawyers attorney attorneys solicitor solicitors legal",
    "lawyer lawyers attorney attorneys solicitor solicitors legal",
    "lawyer lawyers attorney attorneys solicitor solicitors legal",
    "legal court courts small claims lawsuit class cease letter damages",
    "sue suing",
    "reputation business name company expose public",
    "kill hurt beat punch find hunt smash lesson where office regret watch",
)
DEMAND_ANCHORS: tuple[str, ...] = (
    "still",
    "waiting",
    "been",
    "hold hurry move chop pick day when many take actually",
    "reply response answer update word replied responded answered got gotten called come "
    "bothered",
    "asap",
    "immediately right straight once without urgently",
    "now",
    "today tonight end eod tomorrow within week",
    "yet",
    "longer long take",
    "second third fourth fifth sixth 1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th nth",
    "asked emailed mailed called written chased raised reported phoned",
    "again bump chase tick tock forever should escalate prioritise prioritize where taking take "
    "actually finally ever until till hours days hour day",
    "emails mails messages tickets ago open opened outstanding unresolved",
    "anyone anybody hello update updates news progress word words",
    "respond reply answer",
)
for _patterns, _anchors in ((INSULT, INSULT_ANCHORS), (THREAT_WITH_INTENT, THREAT_WITH_INTENT_ANCHORS),
                            (THREAT_ALWAYS, THREAT_ALWAYS_ANCHORS), (DEMAND, DEMAND_ANCHORS)):
    assert len(_patterns) == len(_anchors), "every pattern needs its anchors"


# -- beyond the word list: put-downs without profanity, sarcasm, veiled threats ------------
# Each entry: (label, kind, weight, regex, anchors). "inherent" entries are dropped when
# said of oneself or of the customer's own people ("our idiot intern").
_PEOPLE_NOUN = (
    r"(?:frauds?|liars?|losers?|cowards?|weasels?|worms?|rats?|snakes?|hacks|parasites?|"
    r"clowns?|idiots?|morons?|imbeciles?|amateurs?|incompetents?|con artists?|thieves|crooks?|"
    r"scammers?|muppets?|fools?|numpties|buffoons?|jokers?|failures?|halfwits?|cretins?)"
)
_PEOPLE_NOUN_ANCHORS = (
    "fraud frauds liar liars loser losers coward cowards weasel weasels worm worms rat rats "
    "snake snakes hacks parasite parasites clown clowns idiot idiots moron morons imbecile "
    "imbeciles amateur amateurs incompetent incompetents con artist artists thieves crook crooks "
    "scammer scammers muppet muppets fool fools numpties buffoon buffoons joker jokers failure "
    "failures halfwit halfwits cretin cretins"
)
_OBFUSCATED_F = r"(?:ph(?:u|a)c?k\w*|fvck\w*|fuk\w*|f[*#@$!]{1,3}(?:c?k|ck)\w*|f[*#@$!]{2,4}\w*)"
MORE: tuple[tuple[str, str, float, str, str], ...] = (
    # English put-downs without a rude word
    ("insult", "plain", 0.85,
     r"\b(?:brains?|memory|attention span|iq|intelligence) of an? (?:goldfish|rock|potato|"
     r"brick|toddler|gnat|squirrel|plank|doorknob|monkey|child|hamster|amoeba|fruit fly)\b|"
     r"\b(?:single|one|two|functioning|working) (?:functioning |working )?brain cells?\b",
     "brains brain memory attention iq intelligence cell cells"),
    ("insult", "plain", 0.85,
     rf"\byou(?: guys| people| lot| all)?,?\s+(?:[\w-]+\s+){{0,2}}?{_PEOPLE_NOUN}\b",
     _PEOPLE_NOUN_ANCHORS),
    ("insult", "inherent", 0.85,
     r"\b(?:spineless|worthless|lying|pathetic|useless|gutless|brainless|two-faced|"
     r"incompetent|clueless) (?:little |bunch of |lot of |pack of )?(?:liars?|frauds?|cowards?|"
     r"weasels?|worms?|rats?|snakes?|hacks?|losers?|idiots?|excuses? for|jokers?|clowns?|muppets?)\b",
     "spineless worthless lying pathetic useless gutless brainless two faced incompetent "
     "clueless"),
    ("insult", "inherent", 0.85, r"(?<![\w$@])(?:a[$@s][$s]|@ss|a\*\*)holes?\b",
     "hole holes sshole ssholes asshole assholes"),
    # sarcasm aimed at staff
    ("insult", "plain", 0.8,
     r"\b(?:congratulations|congrats|well done|bravo|good job|great job|nice (?:one|going|work)|"
     r"thanks(?: a lot| so much)?|thank you|wow|brilliant|listen|look|okay|ok|now|oh),? "
     r"(?:einstein|sherlock|genius|geniuses|professor|sweetheart|sweetie|honey|princess|champ|"
     r"sunshine|smart ?guy|hotshot|buster)\b",
     "einstein sherlock genius geniuses professor sweetheart sweetie honey princess champ "
     "sunshine smart smartguy guy hotshot buster"),
    ("insult", "plain", 0.8,
     r"\bdo (?:they|you|we|i) (?:actually |even |really |seriously )?pay you (?:to|for)\b|"
     r"\bget paid (?:to|for) (?:sit|do nothing|ignore|read)|\bwhat do (?:they|we|i) (?:even |"
     r"actually )?pay you for\b",
     "pay paid"),
    # profanity aimed at people is an insult
    ("insult", "plain", 0.9,
     rf"\b(?:ph(?:u|a)c?k|fvck|fuk) (?:off|you|yourselves?)\b|\byou(?: guys| people| lot| all)?"
     rf"\s+(?:{PROFANE_CORE}|{_OBFUSCATED_F})",
     _PROF + " phuck phucking phuk phack phak fvck fvcking fuk fukin fuking hole holes sshole"),
    # veiled threats
    ("threat", "plain", 0.9,
     r"\b(?:you'?ve|you have|you are|you're|consider yourselves?|consider yourself) (?:been )?"
     r"warned\b|\bsee what happens to you\b|\byou'?ll see what happens\b|\bwatch yourselves?\b|"
     r"\bwatch your step\b|\byour days (?:here )?are numbered\b",
     "warned happens watch yourself yourselves numbered"),
    ("threat", "plain", 0.9,
     r"\b(?:found out|found|know|got|have|looked up|tracked down)\b[^.!?\n]{0,20}\byour (?:home "
     r"address|house|family|kids|children|wife|husband)\b|\bwhere you live\b",
     "home house family kids children wife husband live"),
    ("threat", "plain", 0.9,
     r"\bmake sure you (?:never|don'?t ever|won'?t ever|can'?t) work\b|\byou'?ll never work "
     r"(?:in [\w ]{1,20} )?again\b|\b(?:get|have|make sure) you (?:get )?(?:fired|sacked)\b|"
     r"\bcost you your job\b",
     "work fired sacked cost"),
    # obfuscated profanity
    ("profanity", "plain", 0.8,
     rf"\b{_OBFUSCATED_F}|(?<![\w$@])(?:a[$@s][$s]|@ss)holes?\b|\bsh[1!]t\w*|\bb[1!]tch\w*|"
     r"\bc[*]nts?\b",
     "phuck phucking phuk phack phak fvck fvcking fuk fukin fuking f hole sshole sh1t sh "
     "b1tch b c cnt asshole assholes"),
    # German
    ("insult", "plain", 0.85,
     r"\b(?:ihr seid|sie sind|seid ihr|sind sie|du bist|bist du)\s+(?:\w+\s+){0,2}?(?:ein |eine |"
     r"echt |total |völlig |absolut )?(?:inkompetent\w*|unfähig\w*|nutzlos\w*|dumm\w*|bl(?:ö|oe)d\w*|"
     r"lächerlich|eine schande|betrüger|idioten|unverschämt|versager|witzfiguren|stümper)",
     "seid sind bist"),
    ("insult", "inherent", 0.85,
     r"\b(?:vollidioten?|idioten|trottel|versager|arschl(?:ö|oe|o)ch(?:er)?|dummk(?:ö|oe|o)pfe?|"
     r"deppen|vollpfosten|nichtsk(?:ö|oe)nner|stümper|saftladen|drecksladen|wichser|"
     r"witzfiguren|betrüger(?:bande)?|(?:inkompetente|unfähige|faule|dumme)[rn]? (?:mitarbeiter|"
     r"leute|haufen|truppe|firma|support|techniker|bande))\b",
     "vollidiot vollidioten idioten trottel versager arschloch arschlöcher arschloecher "
     "dummkopf dummköpfe dummkoepfe deppen vollpfosten nichtskönner nichtskoenner stümper "
     "saftladen drecksladen wichser witzfiguren betrüger betrügerbande inkompetente inkompetenter "
     "inkompetenten unfähige unfähiger unfähigen faule fauler faulen dumme dummer dummen"),
    ("profanity", "plain", 0.8,
     r"\b(?:schei(?:ß|ss)\w*|verdammt\w*|verfickt\w*|fick\w*|drecks\w*)",
     "scheiße scheisse scheiß scheiss scheißladen scheissladen scheißfirma scheissfirma verdammt "
     "verdammte verdammter verdammten verdammtes verfickt verfickte verfickter ficken fick fickt "
     "drecksladen drecksfirma"),
    ("threat", "plain", 0.9,
     r"\b(?:mein(?:em|en)? (?:anwalt|rechtsanwalt|anwältin)|verklagen|(?:sie|euch) anzeigen|"
     r"anzeige erstatten|rückbuchung|rücklastschrift|vor gericht|ich weiß, wo (?:sie|du) wohn)",
     "anwalt rechtsanwalt anwältin verklagen anzeigen anzeige rückbuchung rücklastschrift "
     "gericht wohnen wohnst"),
    # French
    ("insult", "plain", 0.85,
     r"\b(?:vous (?:êtes|etes)|t'es|tu es)\s+(?:\w+\s+){0,2}?(?:des |une |un |vraiment |"
     r"tous )?(?:incompétents?|nuls?|idiots?|incapables|bons? à rien|escrocs?|voleurs|menteurs|"
     r"minables|lamentables|une honte|une blague|ridicules|clowns|amateurs|abrutis?)",
     "êtes etes es"),
    ("insult", "inherent", 0.85,
     r"\b(?:connards?|connasses?|abrutis|crétins|imbéciles|escrocs|guignols|branleurs|"
     r"bande d'(?:incapables|idiots|incompétents|nuls|abrutis|escrocs|guignols)|"
     r"bande de (?:nuls|crétins|guignols|branleurs|voleurs))\b",
     "connard connards connasse connasses abrutis crétins imbéciles escrocs guignols branleurs "
     "bande d"),
    ("profanity", "plain", 0.8, r"\b(?:putain|merde|bordel|encul\w*|fais chier|foutre)\b",
     "putain merde bordel enculé enculés enculer encule chier foutre"),
    ("threat", "plain", 0.9,
     r"\b(?:mon avocat|porter plainte|poursuites? judiciaires?|vous poursuivre|au tribunal|"
     r"rétrofacturation|faire opposition|je sais où (?:vous habitez|tu habites))",
     "avocat plainte poursuites judiciaires judiciaire poursuivre tribunal rétrofacturation "
     "opposition habitez habites"),
    # Spanish
    ("insult", "plain", 0.85,
     r"\b(?:sois|son ustedes|ustedes son|eres|es usted)\s+(?:\w+\s+){0,2}?(?:unos |unas |un |"
     r"una |todos )?(?:incompetentes?|inútiles?|idiotas?|imbéciles?|estúpidos?|ladrones|"
     r"estafadores?|mentirosos?|una vergüenza|un chiste|una estafa|payasos|unos payasos)",
     "sois son ustedes eres es"),
    ("insult", "inherent", 0.85,
     r"\b(?:idiotas|imbéciles|gilipollas|inútiles|estafadores|ladrones|payasos|pendejos|"
     r"cabrones|incompetentes|panda de \w+|pandilla de \w+)\b",
     "idiotas imbéciles gilipollas inútiles estafadores ladrones payasos pendejos cabrones "
     "incompetentes panda pandilla"),
    ("profanity", "plain", 0.8, r"\b(?:mierda|joder|coño|putos?|putas?|hostias?|carajo)\b",
     "mierda joder coño puto putos puta putas hostia hostias carajo"),
    ("threat", "plain", 0.9,
     r"\b(?:mis? abogados?|demandar\w*|denunciar\w*|voy a denunciar|los tribunales|"
     r"contracargo|sé dónde viv\w+)",
     "abogado abogados demandar demandarles demandarlos demandaros denunciar denunciarles "
     "denunciarlos tribunales contracargo viven vives"),
    # Dutch
    ("insult", "plain", 0.85,
     r"\b(?:jullie zijn|u bent|je bent|jij bent|zijn jullie)\s+(?:\w+\s+){0,2}?(?:echt |"
     r"allemaal |een stel )?(?:incompetent\w*|waardeloos|nutteloos|idioten|oplichters|dieven|"
     r"leugenaars|prutsers|sukkels|een schande|een grap|clowns|amateurs|dom|achterlijk\w*)",
     "zijn bent"),
    ("insult", "inherent", 0.85,
     r"\b(?:idioten|klootzakken|klootzak|sukkels|prutsers|oplichters|eikels|debielen|"
     r"randdebielen|stelletje (?:idioten|prutsers|sukkels|amateurs|oplichters|incompetente \w+|"
     r"clowns|apen))\b",
     "idioten klootzakken klootzak sukkels prutsers oplichters eikels debielen randdebielen "
     "stelletje"),
    ("profanity", "plain", 0.8,
     r"\b(?:kut\w*|godverdomme|godverdomse|tering\w*|kanker\w*|klote\w*)",
     "kut kutbedrijf kutzooi kutservice godverdomme godverdomse tering teringbedrijf kanker "
     "kankerbedrijf klote kloteservice kotebedrijf klotebedrijf"),
    ("threat", "plain", 0.9,
     r"\b(?:mijn advocaat|aangifte doen|aangifte tegen|naar de rechter|rechtszaak|terugboeking|"
     r"storneren|stornering|ik weet waar (?:je|u|jij) woont)",
     "advocaat aangifte rechter rechtszaak terugboeking storneren stornering woont"),
    # Italian
    ("insult", "plain", 0.85,
     r"\b(?:siete|sei|lei è)\s+(?:\w+\s+){0,2}?(?:degli |dei |delle |un |una |tutti |proprio )?"
     r"(?:incompetenti|inutili|idioti|incapaci|ladri|truffatori|bugiardi|buffoni|una vergogna|"
     r"ridicoli|dilettanti|imbecilli|cretini)",
     "siete sei è"),
    ("insult", "inherent", 0.85,
     r"\b(?:idioti|imbecilli|cretini|stronzi|deficienti|incompetenti|incapaci|buffoni|"
     r"truffatori|coglioni|branco di \w+|massa di \w+)\b",
     "idioti imbecilli cretini stronzi deficienti incompetenti incapaci buffoni truffatori "
     "coglioni branco massa"),
    ("profanity", "plain", 0.8,
     r"\b(?:cazz\w*|merda|vaffanculo|fanculo|porca (?:miseria|puttana)|stronz\w*|minchia)\b",
     "cazzo cazzi cazzata cazzate merda vaffanculo fanculo porca stronzo stronzi stronzata "
     "minchia"),
    ("threat", "plain", 0.9,
     r"\b(?:(?:il )?mio avvocato|avvocati|vi denuncio|denunciarvi|sporgere denuncia|in tribunale|"
     r"storno|so dove abit\w+)",
     "avvocato avvocati denuncio denunciarvi denuncia tribunale storno abiti abitate abita"),
)
