"""The phrase rules behind emergency triage: which words in a complaint mean "act now".

Kept apart from the combining logic in suggestion.py so the vocabulary can be reviewed (and
argued about) on its own. Each rule is a regular expression plus what it implies: an
urgency floor, flags for the compliance officer or insurer, and a reason in plain words.
Reasons never quote the complainant, because they end up in audit logs and digests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .prefilter import GatedPattern, Words

_W = r"(?:[\w'’-]+\s+)"  # one word and its trailing space, for "up to n words between"
# Whose money: the writer's, or (an ombudsman's or a relative's account) someone else's.
_POSS = r"(?:my|our|his|her|their|the)"
# A short while ahead ("a couple of working days", "2 weeks") and the dates a client watches.
_FEW_DAYS = (r"(?:a|one|two|2|a\s+couple\s+of|a\s+few|\d)\s+(?:working\s+|business\s+)?"
             r"(?:days?|weeks?)")
_EVENT = r"(?:trial|hearing|court\s+date|completion|exchange|closing)"
# Who did it, when the writer did not: "I have paid", "we've copied" are the writer's own acts.
# Money nobody will account for: "... and they won't say where it is"
_NOT_SAYING_WHERE = (r"[^.!?\n]{0,100}?\b(?:won[’']t|will\s+not|refus\w*\s+to|can[’']t|cannot"
                     r"|(?:do|does|did)(?:n[’']t|\s+not))\s+(?:tell|say|explain|show|answer)\s+"
                     r"(?:me\s+|us\s+)?(?:where|what\s+happened\s+to)\s+(?:it|they|them)\b")
_WRITER = ("i", "we", "i have", "we have", "i had", "we had", "i’ve", "i've", "we’ve", "we've",
           "i’d", "i'd")
# A firm that has gone, as a client finds it: the office shut, the website gone (not the phones
# alone: a line that was dead once is a complaint about service).
_FIRM_GONE = (r"(?:(?:office|offices|premises)\s+(?:[\w'’-]+\s+){0,4}?(?:is|are|has\s+been"
              r"|have\s+been|was|were)\s+(?:now\s+)?(?:shuttered|boarded\s+up|closed\s+down"
              r"|shut\s+down|cleared\s+out|abandoned)\b|website\s+(?:has\s+)?"
              r"(?:disappeared|vanished|been\s+taken\s+down)\b|(?:firm|solicitors?|lawyers?"
              r"|practice|attorneys?)\s+(?:has\s+|have\s+|had\s+)?(?:vanished|disappeared"
              r"|closed\s+down|shut\s+down|shut\s+up\s+shop|been\s+(?:shut|closed)\s+down)\b)")
_MONEY_WORDS = (r"(?:money|funds|deposit|savings|compensation|settlement|inheritance|proceeds"
                r"|retainer)")
# the same as a match may begin with it (at a word: "£" alone begins none)
_MONEY_FIRST = (r"(?:" + _MONEY_WORDS + r"|(?:of|the|my|our|held|holds|holding|hold|with|has|have"
                r"|had|was|were)\s+[£$€]\s?\d)")


def _by_others(*verbs: str) -> str:
    """Any of `verbs` (plain words) unless the writer is its subject. The test is a lookbehind
    after each verb (fixed width, the verb included) rather than one before it: a pattern that
    begins with a lookbehind is tried at every position of every text, while one that begins
    with its verbs' letters lets `re` skip to them (four such alternatives cost the rules 18%
    of their speed)."""
    forms = []
    for verb in verbs:
        word = re.escape(verb)
        forms.append(word + "".join(
            r"(?<!\b" + re.escape(subject).replace(r"\ ", r"\s") + r"\s" + word + ")"
            for subject in _WRITER))
    return "(?:" + "|".join(forms) + ")"
# A negation reaches to the end of its clause: "papers I didn't understand and now my house is in
# his name" negates the understanding, not the house.
_NEGATION = re.compile(
    r"(?:\b(?:no|not|never|nor|without|neither)\b|\bnothing\b(?!\s+but\b)|n[’']t\b)"
    r"(?:(?!\b(?:and|but|so|because|then)\b)[^.;:!?\n]){0,30}$")


@dataclass(frozen=True)
class Rule:
    """A phrase rule. `negatable` rules are skipped when a negation closely precedes the match."""

    name: str
    urgency: str
    flags: frozenset[str]
    reason: str
    # The pattern, run only where the text's words allow (prefilter.py: 2.5 times faster).
    gated: GatedPattern
    negatable: bool = False
    category: str | None = None
    acronyms: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The whole pattern, as `re` runs it without the gate."""
        return self.gated.pattern


@dataclass(frozen=True)
class Hit:
    """A rule that fired, with the span it matched (for tests and debugging, never for logs)."""

    rule: Rule
    start: int
    end: int


def _rule(name: str, urgency: str, flags: set[str], reason: str, body: str, *,
          negatable: bool = False, category: str | None = None,
          case_sensitive: str | None = None) -> Rule:
    """Rules match the LOWERCASED text (cheaper than re.IGNORECASE: tests/bench/README.md), so
    bodies must be lowercase; acronyms such as "SRA" go in `case_sensitive` and match the
    original."""
    if re.search(r"(?<!\\)[A-Z]", body):
        raise ValueError(f"rule {name}: write the pattern in lowercase")
    acronyms = re.compile(r"\b(?:" + case_sensitive + r")\b") if case_sensitive else None
    return Rule(name, urgency, frozenset(flags), reason, GatedPattern(body), negatable, category,
                acronyms)


# A decisive step taken for a client, and the client's say that it needs.
_STEP = (r"(?:settled|accepted|agreed\s+to|signed|withdrew|withdrawn|dropped|dismissed"
         r"|discontinued|conceded|waived|sold)")
_SAY_SO = (r"(?:knowledge|consent|permission|authority|authori[sz]ation|instructions?|agreement"
           r"|approval|say-so)")
# A will as a document ("a new will", "her will", a power of attorney), not the verb ("he will").
_WILL = (r"(?:(?:a|the|her|his|their|my|our|mum[’']s|dad[’']s)\s+(?:new\s+)?(?:will|codicil)"
         r"|power\s+of\s+attorney|codicil)\b")
# Making or signing one, and someone who could not understand it.
_MAKING = (r"(?:sign\w*|made|make|drew\s+up|drawn\s+up|draft(?:ed)?|chang\w+|rewr\w+)\s+"
           r"(?:[\w'’-]+\s+){0,3}?" + _WILL)
_INCAPABLE = (r"(?:dementia|alzheimer\w*|lack(?:ed|s|ing)?\s+(?:the\s+)?(?:mental\s+)?capacity"
              r"|no\s+(?:mental\s+)?capacity|(?:he|she|they|mum|dad|mother|father)\s+(?:did|does"
              r"|could)(?:\s+not|n[’']t)\s+understand)")


# A client's case harmed on purpose by the lawyer (an allegation of bad faith): sabotage, a case
# "thrown" or "tanked" (not "thrown out"), a client "sold out", a blunder said to be deliberate,
# or a deliberate loss of the case or a miss of its hearing or deadline ("the other side is
# deliberately delaying the case" is a litigant's venting, not an allegation against the firm).
_DELIBERATELY = (r"(?:intentional(?:ly)?|deliberate(?:ly)?|on\s+purpose|purpose(?:ful)?ly"
                 r"|wil+ful+y|knowingly)")
_HARMED = (r"(?:lost|lose|losing|botch(?:ed|ing)?|missed|compromis(?:ed|ing)|undermin(?:ed|ing)"
           r"|tank(?:ed|ing)|blew|blown|threw|thrown|throwing|sank|sunk|ruin(?:ed|ing)"
           r"|wreck(?:ed|ing))")
_HIS_CASE = (r"(?:my|our|his|her|their|the)\s+(?:case|claim|trial|appeal|matter|hearing|deadline"
             r"|filing|defen[cs]e|chances?)\b")
_ON_PURPOSE_HARM = (
    # "my lawyer sabotaged my case"; not the other side who "sabotaged her own case" (r1013)
    r"sabotag\w*\b(?!\s+(?:his|her|their|its)\s+own\s+(?:case|claim|defen[cs]e|chances?|position"
    r"|argument)\b)"
    r"|(?:threw|thrown|throwing|tank(?:ed|ing)?)\s+" + _HIS_CASE + r"(?!\s+out\b)"
    r"|sold\s+(?:me|us|him|her|them)\s+(?:out|down\s+the\s+river)\b"
    r"|(?:blunders?|mistakes?|errors?|failures?|delays?|omissions?)\b[^.!?\n]{0,50}?\b(?:were"
    r"|was|been|are|is)\s+(?:\w+\s+)?(?:done\s+)?" + _DELIBERATELY + r"\b"
    r"|" + _DELIBERATELY + r"\s+(?:\w+\s+){0,2}?" + _HARMED + r"\b[^.!?\n]{0,20}?\b" + _HIS_CASE
    + r"|" + _HARMED + r"\s+" + _HIS_CASE + r"\s+(?:\w+\s+){0,2}?" + _DELIBERATELY + r"\b")


# "A false case of domestic violence against me", "accused me of domestic abuse": the writer
# answers an allegation (a court may already have dismissed it); no one's safety is at risk now.
_NOT_ACCUSED = "".join(
    rf"(?<!{words}\s)" for words in (
        r"false\scase\sof", r"false\scases\sof", r"false\scharge\sof", r"false\scharges\sof",
        r"false\sclaim\sof", r"false\sclaims\sof", r"allegation\sof", r"allegations\sof",
        r"accusation\sof", r"accusations\sof", r"accused\sme\sof", r"accusing\sme\sof",
        r"accused\sus\sof", r"accusing\sus\sof", r"accused\shim\sof", r"accused\sher\sof"))


# What a data breach hands over: papers, records and the details in them.
# Who may be an abuser, after "my": people in the writer's home or life.
_ABUSER = (r"(?:ex|ex-\w+|husband|wife|partner|boyfriend|girlfriend|father|stepfather|stepdad"
           r"|mother|stepmother|brother|sister|son|daughter|neighbou?r|landlord|uncle|dad|mum"
           r"|in-laws|son's\s+father|daughter's\s+father|children's\s+father|kids'\s+dad)")
_RECORDS = (r"(?:documents?|papers?|files?|case|matter|records?|details|information|data|letters?"
            r"|e-?mails?|mail|post|statements?|disclosure|passports?|bank|account|medical|names?"
            r"|address(?:es)?|will|lasting\s+power|power\s+of\s+attorney|deeds?|contract|invoice"
            r"|bill|purchase|sale|completion|divorce|opponent|photos?|id|reports?|assessments?"
        r"|bundles?)\b")


# The firm, or the writer's own lawyer, named as the object of a police report or a criminal case.
_THE_FIRM = (r"(?:the|his|her|their|my|our|this|your|that)\s+(?:own\s+)?(?:law\s+)?(?:firm"
             r"|lawyer|attorney|solicitor|advocate|conveyancer|notary|advis[eo]r|chambers)s?\b")
_POLICE_FOR_THE_FIRM = (
    r"(?:police|criminal\s+(?:action|charges?|complaint|case|proceedings|investigation)"
    r"|fraud\s+squad|action\s+fraud)\b[^.!?\n]{0,60}?\b(?:against|into)\s+" + _THE_FIRM
    + r"|report(?:ed|ing)?\s+" + _THE_FIRM + r"\s+to\s+the\s+police")

RULES: tuple[Rule, ...] = (
    _rule(
        "bank_details", "critical", set(),
        "says bank details were changed or a payment went astray (money at risk now)",
        r"(?:chang\w*|new|different|updated?|amended|altered)\s+" + _W +
        r"{0,3}(?:bank|account|payment)\s+"
        r"(?:details|account|information|number)|bank\s+details\s+" + _W +
        r"{0,4}(?:changed|updated|altered)"
        # Payment diversion in its common words (2026-12-07: 10 of 25 such sentences had been
        # rated below critical): the account not the firm's, the email fake, the money with a
        # criminal, a request to use a new account, the firm's email cloned
        r"|account\b[^.!?\n]{0,40}?\b(?:doesn[’']t|does\s+not|didn[’']t|did\s+not|isn[’']t|is\s+not"
        r"|wasn[’']t|was\s+not)\s+(?:belong\s+to\s+(?:you|your|the\s+firm)|yours\b"
        r"|in\s+your\s+name)"
        r"|(?:gone|went|sent|paid|transferred)\s+to\s+(?:a|the)\s+(?:criminal|fraudster|scammer"
        r"|hacker|thief|con\s+artist)s?\b"
        r"|(?:e-?mail|invoice|letter|message|text)\b[^.!?\n]{0,50}?\b(?:was|were|is"
        r"|turned\s+out\s+to"
        r"\s+be)\s+(?:a\s+)?(?:fake|fraudulent|bogus|spoofed|scam)\b"
        r"|(?:e-?mail|invoice|request|message|text|bank\s+details)\b[^.!?\n]{0,60}?\b(?:was|were"
        r"|is)(?:n[’']t|\s+not)\s+(?:really\s+)?from\s+(?:you|your\s+(?:firm|office)|the\s+firm)\b"
        r"|(?:what\s+(?:we|i)\s+thought\s+was|supposed\s+to\s+be)\s+(?:your|the\s+firm[’']s)\s+"
        r"(?:bank\s+)?account"
        r"|(?:your|the\s+firm[’']s|their)\s+(?:e-?mails?(?:\s+account)?|systems?)\s+(?:must|might"
        r"|may|is|was|has|have)\s+(?:have\s+)?(?:been\s+|be\s+)?(?:compromised|hacked|spoofed"
        r"|cloned)"
        r"|(?:invoices?|e-?mails?|requests?)\s+in\s+your\s+(?:firm[’']s\s+)?name"
        r"|(?:you|your\s+firm|the\s+firm|they)\s+(?:had\s+|have\s+|has\s+)?(?:changed|moved"
        r"|switched)\s+(?:banks|bank\s+accounts?)\b"
        r"|(?:an?\s+request|requests|(?:asked|asking|told|instructed)\s+(?:me|us)|instructions?)\s+"
        r"(?:\w+\s+){0,3}?(?:to\s+)?(?:use|pay\s+"
        r"(?:in)?to|send\s+(?:it\s+|the\s+\w+\s+)?to)\s+a\s+(?:new|different"
        r"|another)\s+(?:bank\s+)?"
        r"account"
        r"|clon(?:ed|ing)\s+(?:your|the\s+firm[’']s|their|the)\s+(?:[\w’']+\s+)?(?:e-?mail|website"
        r"|account"
        r"|identity|letterhead)"
        r"|(?:sent|paid|transferred|wired)\s+(?:[\w£$€,.]+\s+){0,4}?(?:in)?to\s+the\s+(?:new"
        r"|different|changed)\s+(?:bank\s+)?account"
        # "their bank account had changed", "the account details have been updated"
        r"|(?:bank|account|payment)\s+(?:details\s+|number\s+|account\s+)?(?:had|has|have|was"
        r"|were)\s+(?:just\s+|recently\s+)?(?:been\s+)?(?:changed|updated|altered|switched)\b"
        r"|(?:paid|transferred|sent|wired)\b[^.!?\n]{0,80}?\b(?:account|bank)\s+details\b"
        r"[^.!?\n]{0,80}?\b(?:no\s+record\s+of|never\s+(?:received|got)|(?:has|have|had)(?:n[’']t"
        r"|\s+not)\s+(?:received|got))\b"
        r"|payment\s+diversion|(?:sent|paid|transferred|went)\s+" + _W +
        r"{0,5}(?:to\s+)?(?:a|the)\s+"
        r"(?:wrong|fraudster'?s?|criminal'?s?|different|fake)\s+(?:bank\s+)?account"
        r"|(?:fake|fraudulent|spoofed|bogus|scam)\s+(?:e-?mails?|invoices?|account|bank\s+details)"
        r"|e-?mails?\s+(?:account\s+)?(?:was|were|had\s+been|has\s+been|got)\s+(?:hacked"
        r"|compromised|intercepted|spoofed)"
        r"|friday\s+fraud|(?:money|funds|deposit)\s+" + _W + r"{0,3}(?:intercepted|diverted)"
        # "asking me to pay the deposit to a new account", "asked for my card details",
        # "now you say the account is not yours"
        r"|(?:pay|send|transfer|wire|move)\s+(?:the\s+|my\s+|our\s+|your\s+)?(?:[\w'’-]+\s+){0,2}?"
        r"(?:to|into)\s+(?:a|the)\s+(?:new|different|another|changed)\s+(?:bank\s+)?account"
        r"|(?:new|changed|updated|different|revised)\s+(?:wire|wiring|payment|bank)\s+"
        r"(?:instructions|details)"
        r"|(?:asked|asking|asks)\s+(?:me\s+|us\s+)?for\s+(?:my\s+|our\s+)?(?:card|security|login"
        r"|online\s+banking)\s+(?:details|numbers?|codes?|passwords?|pin)"
        r"|(?:say|says|said|saying|told\s+(?:me|us))\s+(?:that\s+)?(?:it|the\s+account|this"
        r"|that)\s+(?:is|was)(?:\s+not|n[’']t)\s+(?:yours|your\s+account|their\s+account)"
        r"|(?:the|this|that)\s+account\s+(?:is|was)(?:\s+not|n[’']t)\s+(?:yours|theirs"
        r"|the\s+firm[’']s)"
        # "a new sort code", "different IBAN"; someone "pretending to be your firm" (a probe of
        # common phrasings, 2026-12-07)
        r"|(?:chang\w*|new|different|updated?|amended|altered)\s+(?:sort\s+code|routing"
        r"\s+number|iban|swift\s+code|bsb|account\s+number)"
        r"|(?:pretend\w*\s+to\s+be|pos(?:ing|ed|es)\s+as|impersonat\w*)\s+(?:you\b|your\s+"
        r"(?:firm|office|company|practice|staff|accounts|solicitors?|lawyers?)|(?:the|my|our)\s+"
        r"(?:(?:law\s+)?firm|solicitors?|lawyers?|conveyancers?|attorneys?)\b)",
        category="data_security"),
    _rule(
        "missing_funds",
        "critical",
        {"insurer_notification"},
        "says completion or client money is missing or went to the wrong place",
        r"(?:completion|purchase|sale|deposit|mortgage|client)\s+(?:funds|money|monies)\s+" + _W +
        r"{0,4}(?:missing|(?:not|never)\s+(?:arrived|reached|been\s+(?:received|sent|transferred)"
        r"|received"
        r"|transferred|sent)|disappeared|vanished|gone\s+missing|(?:has|have)n[’']t\s+(?:arrived"
        r"|been\s+sent))"
        r"|(?:money|funds|deposit)\s+(?:has|have)\s+(?:gone\s+missing|disappeared|vanished)"
        # probed (2026-12-07, an independent writer's sentences): a firm that has vanished
        # with the money (an office shut, the website gone), the office unable to
        # say where the money is, money "paid" to an account that is none of the payees'
        r"|" + _FIRM_GONE + r"[^\n]{0,200}?(?:\b" + _MONEY_WORDS + r"|[£$€]\s?\d)"
        + r"|" + _MONEY_FIRST + r"[^\n]{0,200}?\b" + _FIRM_GONE
        + r"|(?:unable|not\s+able|can(?:[’']|no)t|could\s+not|couldn[’']t)\s+(?:to\s+)?(?:tell"
        r"|say|explain|show|confirm)\s+(?:me\s+|us\s+)?where\s+(?:it|they|the\s+money|the\s+funds"
        r"|my\s+money|our\s+money|that\s+money)\s+(?:is|are|has\s+gone|have\s+gone|went"
        r"|ended\s+up)\b"
        r"|account\s+(?:number\s+|details\s+)?(?:they|you|he|she|it)\s+(?:quote|quoted|quotes"
        r"|gave|give|used|paid\s+(?:it\s+)?(?:in)?to)\s+(?:us\s+|me\s+)?(?:doesn[’']t|does\s+not"
        r"|didn[’']t|did\s+not|isn[’']t|is\s+not|wasn[’']t|was\s+not)\s+(?:belong\s+to\s+(?:me|us"
        r"|any\s+of\s+us|anyone\s+(?:i|we)\s+know)|(?:mine|ours))\b"
        r"|(?:funds|money)\s+(?:have|has|had)\s+(?:still\s+)?(?:not|never)\s+(?:arrived"
        r"|reached|landed|come\s+through|been\s+(?:received|transferred|sent))"
        r"|(?:funds|money)\s+(?:haven[’']t|hasn[’']t|hadn[’']t|never)\s+(?:arrived"
        r"|reached|landed|come\s+through|been\s+sent)"
        r"|(?:where\s+is|where's)\s+(?:my|the|our)\s+(?:money|funds|deposit)"
        r"|(?:completion|seller|buyer)\s+" + _W + r"{0,4}(?:not|never)\s+(?:received|got)\s+"
        r"(?:the\s+)?(?:funds|money)"
        r"|(?:money|funds|£[\d,.]+k?|it|deposit)\s+(?:was|were|has\s+been|had\s+been"
        r"|have\s+been)\s+(?:\w+\s+)?"
        r"(?:transferred|sent|paid|moved|taken)\s+(?:out\b|back\b|to\s+(?:a|an|the"
        r"|their)\s+(?:different|wrong"
        r"|unknown|other|old|closed))|where\s+has\s+(?:that|my|the|our|this)\s+(?:money"
        r"|£[\d,.]+)\s+gone"
        r"|(?:sent|paid|transferred|wired)\s+(?:the|our|my)\s+(?:\w+\s+)?(?:money"
        r"|funds)\s+(?:back\s+)?to\s+"
        r"(?:the|their|a|an)\s+(?:old|wrong|different|closed|unknown)|money\s+went\s+to"
        r"|stop\s+the\s+"
        r"(?:transfer|payment)|help(?:ed|ing|s)\s+(?:themselves|himself|herself|yourselves)\s+to"
        r"|taken\s+(?:out\s+of|from)"
        r"\s+(?:the|my|his|her|our|their|dad[’']s|mum[’']s)\s+(?:estate|account|client\s+account"
        r"|savings)"
        r"|unaccounted\s+for|not\s+showing\s+anywhere|(?:has|have)n[’']t\s+bounced\s+back"
        r"|(?:completion|settlement|closing)\s+(?:has\s+|had\s+)?(?:failed|fell\s+through"
        r"|collapsed)"
        r"|funds\s+(?:were|was)\s+never\s+(?:sent|paid|transferred|put|received)"
        r"|(?<!\bi\s)(?<!\bwe\s)(?:failed|forgot|neglected)\s+to\s+(?:send|transfer|pay|release"
        r"|remit|wire)\s+(?:over\s+)?"
        r"(?:the\s+|my\s+|our\s+)?(?:completion|purchase|deposit|sale|mortgage|settlement)\s+"
        r"(?:monies|money|funds)"
        r"|nothing\s+(?:has\s+)?(?:come|came|arrived|reached|landed)\s+(?:in\s+|into\s+|to\s+)?"
        r"(?:my|our)\s+(?:bank\s+)?account"
        r"|(?:money|funds|payment|transfer|wire|deposit)\s+(?:has|had|have)\s+(?:been\s+)?"
        r"(?:bounced|recalled)\b"
        # Savings gone, a wire that never arrived, a cheque that bounced (models/real wording).
        r"|(?:all\s+(?:of\s+)?" + _POSS + r"\s+(?:\w+\s+)?(?:money|savings|deposit)"
        r"|everything\s+(?:we|i)\s+(?:had\s+)?(?:saved|had)"
        r"|(?:our|my|his|her|their)\s+life\s+savings)\s+"
        r"(?:\w+\s+){0,3}?(?:gone|lost|stolen|vanished|disappeared|wiped\s+out)"
        r"|(?:never|not)\s+(?:gotten|got|received)\s+" + _POSS + r"\s+(?:money|funds|wire"
        r"|deposit|down\s+payment|settlement)\b"
        r"|(?:checks?|cheques?)\b[^.!?\n]{0,160}?\bbounced"
        # "our savings, our security - had just disappeared": money the subject, in one sentence
        r"|\b(?:money|funds|savings|bond|investments?|pension|deposit|proceeds|inheritance"
        r"|retainer)\b"
        r"[^.!?\n]{0,120}?\b(?:had|has|have)\s+(?:just\s+|simply\s+|all\s+)?(?:disappeared"
        r"|vanished)"
        r"|(?:sent|paid|transferred|returned|wired)\s+" + _POSS + r"\s+(?:\w+\s+){0,2}?(?:money"
        r"|funds|sum|deposit|proceeds)\s+back\s+to\b"
        # Withheld: the firm holds money the writer says is theirs now (models/real wording).
        r"|(?:refus\w*|won[’']t|will\s+not|would\s+not|wouldn[’']t|not\s+(?:willing"
        r"|prepared))\s+(?:to\s+)?"
        r"(?:give|release|return|pay|hand\s+over|send|transfer|pass\s+on|disburse|disperse"
        r"|distribute|remit|pay\s+(?:out|over))\s+(?:me\s+"
        r"|us\s+|him\s+|her\s+|them\s+)?(?:back\s+)?" + _POSS + r"\s+" + _W +
        r"{0,2}(?:checks?|cheques?|settlement|proceeds|deposit|inheritance"
        # not "the balance" or "the sum": a client refusing to pay the firm's bill (seed s0430)
        r"|completion\s+money|funds|share|money|cash|judgment\s+sum|award|compensation|damages"
        r"|payout|purchase\s+price|escrow)\b"
        # probed (2026-12-07): money the lawyer received and has not passed on, in the words
        # of several Englishes ("chopped my money", "won't cut me a check")
        r"|(?:collected|received|recovered|got)\s+(?:the\s+|my\s+|our\s+)?(?:\w+\s+){0,2}?"
        r"(?:compensation|settlement|insurance\s+money|money|funds|award|damages|payment"
        r"|cheque|check|judgment\s+sum|payout)\b[^.!?\n]{0,80}?\b(?:(?:has|have|had)(?:n[’']t"
        r"|\s+not|\s+never)\s+(?:paid|given|sent|passed|released|remitted|transferred)"
        r"|never\s+(?:paid|gave|sent|passed|released|remitted|transferred)|keeps?\s+saying"
        r"|won[’']t\s+(?:pay|release|give|send))"
        r"|(?:chop(?:ped)?|ate|eaten)\s+(?:up\s+)?(?:my|our)\s+(?:\w+\s+)?(?:money|funds|deposit"
        r"|settlement|compensation)"
        r"|sitting\s+on\s+(?:my|our)\s+(?:\w+\s+)?(?:settlement|money|funds|proceeds|checks?"
        r"|cheques?|inheritance|share|compensation)\b"
        r"|(?:won[’']t|will\s+not|refus\w*\s+to|not)\s+cut\s+(?:me|us)\s+(?:a|my|the)\s+(?:check"
        r"|cheque)"
        r"|(?:disbursed|paid\s+out|distributed|released)\b[^.!?\n]{0,40}?\b(?:never|not|didn[’']t"
        r"|haven[’']t|hasn[’']t)\s+(?:got|gotten|received|seen)\s+(?:my|our|a|any)\s+(?:share"
        r"|money|cut|portion|payment|penny|cent|dime)"
        r"|(?:money|funds|settlement|checks?|cheques?|deposit|proceeds|compensation|inheritance"
        r"|escrow)\b[^.!?\n]{0,100}?\b(?:won[’']t|will\s+not|refus\w*\s+to|wouldn[’']t)\s+(?:release"
        r"|disburse)\s+(?:it|them)\b"  # not "return it": "the landlord ... won't return it"
        r"|still\s+(?:has|holds|is\s+holding)\s+(?:the|my|our)\s+(?:\w+\s+){0,2}?(?:purchase\s+price"
        r"|money|funds|deposit|proceeds|settlement|balance)\s+in\s+(?:escrow|trust"
        r"|the\s+client\s+account)"
        r"|(?:trust|client|escrow)\s+account\s+(?:is|was)\s+(?:now\s+)?(?:empty|overdrawn|short"
        r"|in\s+deficit)"
        r"|(?:nobody|no\s+one|no-one)\s+(?:knows|can\s+tell\s+(?:me|us)|will\s+tell\s+(?:me|us))\s+"
        r"where\s+(?:my|our|the)\s+(?:\w+\s+)?(?:money|funds|deposit|settlement|savings)"
        r"|(?:won[’']t|will\s+not|refus\w*\s+to|can[’']t|cannot)\s+(?:tell|say|explain|show)\s+"
        r"(?:me\s+|us\s+)?(?:what\s+happened\s+to|where)\s+(?:the|my|our)\s+(?:\w+\s+)?(?:money"
        r"|funds|deposit|settlement|savings|proceeds)"
        r"|(?:supposed\s+to\s+(?:get|receive)|(?:was|were)\s+(?:owed|due))\s+[£$€]?[\d,.]+k?\b"
        r"[^.!?\n]{0,80}?\bonly\s+(?:sent|paid|given|got|received|transferred)\b"
        # "the executor is withholding money from me", "my share is being withheld"
        r"|withh(?:old|olding|olds|eld)(?!\s+tax)\s+(?:" + _POSS + r"\s+|me\s+|us\s+)?"
        r"(?:\w+\s+)?(?:money|funds|cash|inheritance|settlement|share|proceeds|deposit|payments?)\b"
        r"|(?:money|funds|cash|inheritance|settlement|share|proceeds|deposit)"
        r"(?:\s+of\s+(?:the\s+|my\s+|our\s+)?\w+)?\s+(?:is|are|was"
        r"|were|has\s+been|have\s+been)\s+(?:still\s+)?(?:being\s+)?withheld"
        r"|(?:checks?|cheques?|money|funds|deposit|settlement|inheritance)\s+(?:\w+\s+)?hostage"
        r"|(?:took|take|taken|ran|run|made)\s+off\s+with\s+" + _POSS + r"\s+(?:money|funds"
        r"|deposit|retainer|savings)"
        r"|no\s+return\s+of\s+(?:" + _POSS + r"\s+)?(?:money|funds|deposit)"
        r"|(?:now|currently)\s+in\s+foreclosure|foreclosure\s+(?:sale|auction|date)"
        r"|(?:about|going|likely\s+(?:going\s+)?)\s+to\s+lose\s+" + _POSS + r"\s+(?:\w+\s+)?"
        r"(?:home|house|townhome|townhouse|flat|condo|property)\b"
        # Promised money that has not come: "he said he would return the money to me. He hasn't."
        r"|(?:said|promised|told\s+me|assured\s+me)\s+(?:that\s+)?(?:he|she|they|it)\s+(?:would"
        r"|will)\s+"
        r"(?:return|send|pay|release|give|transfer)\s+(?:back\s+)?(?:the\s+|my\s+"
        r"|our\s+)?(?:money|funds"
        r"|settlement|proceeds|checks?|cheques?"
        r"|deposit)\b[^.!?\n]{0,40}[.!?;,]?\s*(?:but\s+)?(?:he|she"
        r"|they|it)\s+(?:has|have|had)(?:n[’']t|\s+not|\s+never)\b"
        r"|(?:held|holding|kept|keeping|sitting\s+on|(?:he|she|they|firm|lawyer|attorney"
        r"|solicitor|advocate)\s+(?:has|have|had)\s+had)\s+(?:on\s+to\s+)?(?:my|our"
        r"|the)\s+(?:settlement"
        r"|money|funds|proceeds|checks?|cheques?"
        # "he has had our money for so long" (r0996)
        r"|deposit)\s+(?:\w+\s+){0,6}?for\s+(?:\w+\s+)?(?:months|weeks|years|so\s+long|ages"
        r"|(?:over\s+|more\s+than\s+)?a\s+year)\b"
        # Money handed over to be paid on that never was: "the stamp duty I paid them was never
        # paid to HMRC", "the required fees have not been paid to the government"
        r"|(?:i|we)\s+(?:had\s+)?(?:paid|gave|handed|sent|transferred|wired)\b[^.!?\n]{0,80}?"
        r"\b(?:was|were|has|have|had)\s+(?:still\s+)?(?:never|not)\s+(?:been\s+)?(?:paid"
        r"|remitted)\b"
        r"|(?:fees?|duty|tax|premium|money|payments?|funds)\s+(?:have|has|had|was|were)\s+"
        r"(?:still\s+)?(?:not|never)\s+(?:been\s+)?paid\s+(?:over\s+)?to\s+(?:the\s+)?"
        r"(?:government|court|hmrc|irs|land\s+registry|council|home\s+office|uscis|registry"
        r"|lender|seller|tax\s+office|revenue)\b"
        # A lawyer gone with the money, or taking or keeping it without the client's say
        r"|(?:vanished|disappeared|absconded|fled|gone|left\s+the\s+country)\s+with\s+"
        r"(?:all\s+(?:of\s+)?)?(?:my|our|the|his|her|their|client)\s+(?:\w+\s+)?(?:money|funds"
        r"|deposit|retainer|savings|cash|settlement|completion)"
        r"|abscond\w*"
        r"|(?:took|taken|take|withdrew|withdrawn|moved|transferred|removed)\s+(?:\w+\s+){0,3}?"
        r"(?:money|funds|cash|£[\d,.]+k?|\$[\d,.]+k?)\s+(?:\w+\s+){0,4}?without\s+(?:(?:my|our"
        r"|his|her|their|the\s+client[’']s|anyone[’']s)\s+)?(?:permission|consent|knowledge"
        r"|authority|authori[sz]ation)"
        r"|(?:kept|keeping|keeps|pocketing|pocketed)\s+(?:all\s+(?:of\s+)?)?(?:my|our)\s+(?:\w+\s+)?"
        r"(?:money|retainer|settlement|checks?|cheques?|funds|inheritance|escrow)\b"
        # money that is the client's, not fees: "took my settlement money"
        r"|(?<!\bi\s)(?<!\bwe\s)(?:took|taken|takes|taking)\s+(?:all\s+(?:of\s+)?)?(?:my|our)\s+"
        r"(?:settlement"
        r"|escrow|inheritance|compensation|sale\s+proceeds|proceeds)\b"
        r"|kept\s+the\s+money|cashed\s+(?:my|our|the\s+client[’']s)\s+(?:\w+\s+)?(?:cheques?"
        r"|checks?)"
        # "gone from the client account", "missing from the statement"
        r"|(?:gone|missing|disappeared|vanished)\s+from\s+(?:the\s+|my\s+|our\s+|his\s+"
        r"|her\s+)?(?:client\s+account|account|estate|statement|trust|escrow|savings)\b"
        # money a lawyer paid to or used for themselves
        r"|(?:transferred|paid|moved|put|lent|loaned|given|gave)\s+(?:[\w'’£$,.-]+\s+){0,4}?"
        r"(?:to|into)\s+(?:him|her|them)sel(?:f|ves)\b|paid\s+(?:him|her|them)sel(?:f|ves)\b"
        r"|(?:into|to)\s+(?:his|her|their)\s+(?:own\s+|personal\s+|private\s+|operating\s+)+"
        r"(?:bank\s+)?account"
        r"|took\s+(?:my|our)\s+(?:settlement\s+)?(?:checks?|cheques?)\b"
        r"|(?:where|what\s+happened\s+to)\s+(?:the\s+|my\s+|our\s+)?(?:\w+\s+)?(?:money|funds"
        r"|deposit|retainer|settlement|proceeds|£[\d,.]+k?|\$[\d,.]+k?)\s+(?:went|has\s+gone"
        r"|have\s+gone|is\s+now)\b"
        r"|(?:will|would)\s+lose\s+(?:our|my|the|his|her|their)\s+(?:\w+\s+)?(?:home|house|flat"
        r"|property)\s+(?:if|unless)\b"
        r"|(?:taking|took|taken|take|stealing)\s+money\s+(?:out\s+of|from)\s+(?:[\w'’-]+\s+){0,3}?"
        r"(?:estate|account|client|trust|savings|compensation|damages)"
        # "using the estate money as his own", "treating our deposit as if it were theirs"
        r"|(?:us(?:ed|ing|es|e)|treat(?:ed|ing|s)?)\s+(?:the\s+|my\s+|our\s+|client\s+)?"
        r"(?:[\w’']+\s+){0,2}?(?:money|funds|account|savings|deposit|estate|inheritance)\s+"
        r"(?:as|like)\s+(?:if\s+(?:it|they)\s+(?:was|were)\s+)?(?:(?:his|her|their|its)\s+own"
        r"|(?:his|hers|theirs))\b"
        r"|used\s+(?:the\s+|my\s+|our\s+)?(?:\w+\s+)?(?:money|funds)\s+(?:(?:from|in|out\s+of)\s+"
        r"(?:[\w'’-]+\s+){0,4}?)?(?:to|for)\s+(?:pay\s+(?:for\s+)?)?(?:his|her|their|its)\s+own\b"
        r"|(?:he|she|they|firm|solicitor|lawyer|attorney)\s+(?:has\s+|had\s+|have\s+)?spent\s+"
        r"(?:my|our|the\s+client[’']s|the\s+estate[’']s)\s+(?:\w+\s+)?(?:money|funds"
        r"|deposit|savings|inheritance|compensation|settlement)"
        # "the sale proceeds never reached me", "the firm is holding my money and refuses to
        # release it", a firm gone under while holding it
        r"|(?:proceeds|money|funds|payment|settlement|inheritance|compensation|damages"
        # an amount, after a word (the rule's leading \b needs one): "the £250,000 from my sale"
        r"|(?:the|my|our|this|that|of)\s+[£$€][\d,.]+[km]?)\s+"
        r"(?:[\w'’-]+\s+){0,3}?(?:never|still\s+(?:has|have)\s+not|(?:has|have)n[’']t"
        r"|(?:has|have)\s+not)\s+"
        r"(?:reached|arrived|come\s+through|been\s+(?:paid|received|transferred))\b"
        # "my escrow money is gone", "the deposit is missing"
        r"|(?:money|funds|deposit|savings|inheritance|escrow|retainer|proceeds|settlement)\s+"
        r"(?:is|are|was|were)\s+(?:all\s+|now\s+|just\s+|simply\s+)?(?:gone|missing)"
        r"(?=\s*(?:[.!?,;:\n]|$|and\b|but\b|from\b|now\b|too\b|again\b|without\b))"
        # paid to someone else: "paid my inheritance to my brother instead of me"
        r"|(?:paid|sent|transferred|released|gave|given|wired)\s+(?:" + _POSS + r"\s+)?"
        r"(?:[\w'’£$€,.-]+\s+){0,3}?to\s+(?:[\w'’-]+\s+){1,3}?instead\s+of\s+(?:me|us)\b"
        r"|(?:paid|sent|transferred|released|wired)\s+(?:[\w'’£$€,.-]+\s+){0,4}?to\s+the\s+"
        r"wrong\s+(?:person|people|party|beneficiar\w+|client|payee)"
        # cheques cashed behind the client's back; estate funds sent abroad
        r"|(?:cashed|deposited|banked|endorsed)\s+(?:my|our|the)\s+(?:\w+\s+)?(?:cheques?"
        r"|checks?)\b[^.!?\n]{0,30}?\bwithout\b"
        r"|(?:transferred|moved|sent|wired)\s+(?:the|my|our)\s+(?:\w+\s+)?(?:money|funds"
        r"|savings|proceeds)\s+(?:[\w'’-]+\s+){0,4}?(?:abroad|overseas|offshore)\b"
        r"|(?:holding|holds|held|has)\s+(?:on\s+to\s+)?(?:my|our)\s+(?:\w+\s+)?(?:money|funds"
        r"|deposit|settlement|inheritance|share|proceeds)\b[^.!?\n]{0,40}\b(?:refus\w*|won[’']t"
        r"|will\s+not)\s+(?:to\s+)?(?:release|return|pay|give|transfer)"
        r"|(?:firm|solicitors?|lawyers?|practice|company)\s+(?:has\s+|have\s+|had\s+)?(?:gone\s+"
        r"bust|gone\s+into\s+(?:administration|liquidation)|collapsed|ceased\s+trading)\b"
        r"[^.!?\n]{0,80}\b(?:money|funds|deposit|savings|inheritance|retainer|proceeds)\b"
        # probed (2026-12-07, second round): money the firm was paid and has not passed on,
        # money it holds that is the writer's, and nobody saying where it is
        r"|(?:received|collected|recovered|got)\s+(?:the\s+|my\s+|our\s+)?(?:\w+\s+){0,3}?"
        r"(?:compensation|settlement|money|funds|award|damages|payout|pay-?out|proceeds"
        r"|inheritance|cheque|check)\b[^.!?\n]{0,80}?\b(?:i|we)\s+(?:still\s+)?(?:(?:have|had)"
        r"(?:n[’']t|\s+not|\s+never)\s+(?:yet\s+)?(?:been\s+paid|received|had|got|seen)"
        r"|(?:was|were)(?:n[’']t|\s+not|\s+never)\s+paid|never\s+(?:got|received|saw)"
        r"|can[’']?t\s+(?:have|get)\s+(?:it|them|my\s+money))\b"
        r"|(?:received|collected|recovered|got)\s+(?:the\s+|my\s+|our\s+)?(?:\w+\s+){0,3}?"
        r"(?:compensation|settlement|money|funds|award|damages|payout|proceeds|inheritance"
        r"|cheque|check)\b[^.!?\n]{0,80}?\bkeeps?\s+(?:making\s+excuses|stalling|putting\s+(?:me"
        r"|us)\s+off)\b"
        # "deposited my settlement in his account"
        r"|(?:deposited|put|paid|banked|cashed)\s+(?:my|our|the\s+client[’']s)\s+(?:\w+\s+)?"
        r"(?:settlement|money|funds|cheque|check|compensation|inheritance|deposit)\s+(?:in|into)\s+"
        r"(?:his|her|their)\s+(?:own\s+|personal\s+)?(?:bank\s+)?account"
        # "they sent the money but our solicitor says it never came in"
        r"|(?:money|funds|deposit|payment)\b[^.!?\n]{0,80}?\b(?:it|they)\s+never\s+(?:came\s+in"
        r"|arrived|turned\s+up|landed|reached)\b"
        # probed (2026-12-07, fourth round)
        r"|(?:he|she|they|firm|solicitors?|lawyers?|attorneys?|conveyancers?|executors?|you)"
        r"(?:\s+has|\s+have|\s+had|[’'](?:s|ve|d))\s+had\s+(?:my|our)\s+(?:[£$€]\d[\d,.]*k?|money"
        r"|funds|settlement"
        r"|deposit|inheritance|proceeds|compensation)\b[^.!?\n]{0,60}?\b(?:since\s+(?:january"
        r"|february|march|april|may|june|july|august|september|october|november|december"
        r"|last\s+(?:year|month|summer|spring|autumn|fall|winter)|\d{4})|for\s+(?:\w+\s+)?(?:months"
        r"|years|ages|so\s+long))\b"
        r"|(?:never|not|n[’']t)\s+(?:yet\s+)?(?:seen|got|gotten|received|had)\s+a\s+(?:single\s+)?"
        r"(?:dime|penny|cent)\s+of\s+(?:it|them|my|our|the|that|this)\b"
        r"|(?:account|estate|savings|trust|escrow)\s+(?:has|had|have|was|were)\s+(?:been\s+)?"
        r"(?:emptied|drained|cleaned\s+out|cleared\s+out|wiped\s+out)"
        r"|(?:firm|solicitors?|lawyers?|attorneys?|conveyancers?|you|they)\s+(?:has\s+|have\s+"
        r"|had\s+)?(?:frozen|froze)\s+(?:my|our)\s+(?:\w+\s+)?(?:funds|money|account|savings"
        r"|inheritance|share)\b"
        r"|(?:money|funds|settlement|payment|deposit|proceeds|inheritance)\b[^.!?\n]{0,60}?\b(?:was"
        r"|were)\s+(?:supposed|meant|due|promised)\s+to\s+(?:be\s+)?(?:transferred|paid|sent"
        r"|released|wired)\b[^.!?\n]{0,60}?\b(?:never|not|n[’']t)\b"
        # probed (2026-12-07, fifth round)
        r"|(?:still\s+)?(?:has|have|holds?|is\s+holding|kept|keeps)\s+(?:the|my|our)\s+"
        r"[£$€]\d[\d,.]*k?\b[^.!?\n]{0,80}?\b(?:won[’']t|will\s+not|refus\w*\s+to|wouldn[’']t)\s+"
        r"(?:give|pay|send|hand|return|release|transfer)\b"
        r"|(?:went|paid|sent|transferred)\s+(?:in)?to\s+(?:your|the\s+firm[’']s"
        r"|the\s+solicitors?[’']?"
        r"|his|her|their)\s+(?:firm[’']s\s+|own\s+)?(?:bank\s+)?account\s+(?:and\s+not|instead\s+of"
        r"|rather\s+than)\s+(?:mine|ours|my|our)\b"
        r"|cashed\s+(?:the|my|our)\s+(?:\w+\s+)?(?:cheques?|checks?)\b[^.!?\n]{0,60}?\b"
        r"(?:(?:has|have|had)(?:n[’']t|\s+not|\s+never)|never)\s+(?:given|paid|sent|passed)\b"
        r"|" + _by_others("paid", "sent", "transferred", "released")
        + r"\s+(?:out\s+)?(?:[\w’'£$€,.-]+\s+){0,3}?to\s+(?:you"
        r"|your\s+firm|(?:the|my|our)\s+(?:law\s+)?(?:firm|solicitors?|lawyers?|attorneys?"
        r"|conveyancers?))\b[^.!?\n]{0,80}?\b(?:(?:has|have|had)(?:n[’']t|\s+not|\s+never)"
        r"\s+(?:yet\s+)?|never\s+|(?:still\s+)?not\s+)(?:(?:paid|passed|sent|given|forwarded"
        r"|released|transferred)\b|(?:received|seen|had|got)\s+(?:a\s+(?:penny|cent|dime|thing)"
        r"|anything|any\s+of\s+(?:it|the\s+money)|(?:it|them)\b|the\s+(?:money|funds)|my\s+"
        r"(?:money|share|funds|compensation|settlement)))"
        r"|sitting\s+on\s+(?:my|our|the)\s+(?:[\w’']+\s+){1,3}?(?:settlement|money|funds"
        r"|proceeds|inheritance|share|compensation)\b"
        r"|(?:still\s+)?(?:holds?|holding|has|have|keeps?|keeping|kept)\s+(?:on\s+to\s+|onto\s+)?"
        r"[£$€]\d[\d,.]*k?\s+(?:of\s+(?:mine|ours|my\s+money|our\s+money)|(?:that\s+)?"
        r"(?:belongs|belonging)\s+to\s+(?:me|us))"
        # (the money words and an amount apart: together, they let this run on any text with "wh")
        r"|(?:money|funds|deposit|savings|settlement|proceeds|inheritance|compensation)\b"
        + _NOT_SAYING_WHERE +
        r"|(?:of|the|my|our)\s+[£$€]\d[\d,.]*k?\b" + _NOT_SAYING_WHERE +
        r"|(?:owed|due)\s+[£$€]\d[\d,.]*k?\b[^.!?\n]{0,100}?\b(?:won[’']t|will\s+not"
        r"|refus\w*\s+to|wouldn[’']t)\s+(?:release|pay|transfer|send|hand)\b"
    ),
    _rule(
        "data_breach", "critical", {"conduct_referral", "data_breach"},
        "reports a possible data breach (the 72-hour ICO clock may be running)",
        r"data\s+breach|breach\s+of\s+(?:my\s+)?(?:confidentiality|data|privacy|gdpr)"
        # probed (2026-12-07, an independent writer's sentences): sent to the other party
        # instead of their lawyer, to an estranged relative, a letter for another client,
        # someone quoting what only the firm was told
        r"|(?:sent|e-?mailed|posted|forwarded|copied|gave|handed|delivered|passed)\b"
        r"[^.!?\n]{0,60}?\bto\s+(?:him|her|them|my\s+(?:ex|ex-\w+|husband|wife|partner|employer"
        r"|landlord|boss)|the\s+other\s+(?:side|party))\s+(?:directly\s+)?instead\s+of\b"
        r"|(?:sent|posted|e-?mailed|forwarded|given|handed|shown|passed|disclosed|copied)\s+"
        r"(?:on\s+)?to\s+my\s+estranged\s+\w+"
        r"|(?:letters?|e-?mails?|documents?|files?|papers|post|parcel|envelope|bundle)\s+"
        r"(?:[\w'’-]+\s+){0,3}?(?:for|of|belonging\s+to|addressed\s+to|meant\s+for"
        r"|intended\s+for|about)\s+(?:another|a\s+different)\s+(?:\w+\s+)?client\b"
        r"|only\s+(?:ever\s+)?(?:shared|told|given|gave|sent|discussed|disclosed)\s+"
        r"(?:[\w'’-]+\s+){0,3}?(?:with|to)\s+(?:you|your\s+(?:firm|office|team))\b"
        r"[^\n]{0,120}?\b(?:only\s+way|must\s+have\s+(?:come|got|been)|from\s+(?:you|your))\b"
        r"|(?:quoted|knew|knows|read\s+out|repeated|mentioned)\b[^.!?\n]{0,100}?\bonly\s+"
        r"(?:ever\s+)?(?:shared|told|given|gave|sent|discussed|disclosed)\s+(?:[\w'’-]+\s+){0,3}?"
        r"(?:with|to)\s+(?:you|your\s+(?:firm|office|team))\b"
        r"|the\s+only\s+way\s+(?:he|she|they|my\s+\w+)\s+could\s+(?:have|know|get|have\s+got)"
        r"\s+(?:it|them|this|that|those|these)\s+is\s+(?:from|through|via)\s+(?:you|your)"
        # Data breaches in their common words (2026-12-07: 14 of 25 such sentences had been
        # rated below critical): lost, hacked, leaked, misaddressed, put online, looked at
        r"|" + _by_others("lost", "misplaced", "mislaid")
        # (not "lost my file": in a complaint, as often misfiled or lost in a new system)
        + r"\s+(?:all\s+(?:of\s+)?)?(?:my|our)\s+(?:\w+\s+)?(?:documents|papers|passport|deeds"
        r"|original\s+will|id\s+documents|bank\s+statements)\b"
        r"|(?:your|their|the\s+firm[’']s|the\s+firm|the\s+solicitors?[’']?)\s+(?:\w+\s+)?(?:system"
        r"|systems|e-?mails?|server|computers?|network|database|website|portal|laptop"
        r"|accounts?)\s+(?:was|were|has\s+been|had\s+been|got|have\s+been)\s+(?:hacked|breached"
        r"|compromised|stolen)\b"
        r"|(?:leak|leaks|leaked|leaking)\s+(?:of\s+)?(?:my|our|client|clients[’']?|personal)\b"
        r"|mis-?addressed|wrongly\s+addressed"
        r"|(?:your|their|his|her|the\s+firm[’']s)\s+(?:\w+\s+)?(?:laptop|phone|computer|tablet"
        r"|files?"
        r"|bag|briefcase|hard\s+drive|usb\s+stick|memory\s+stick)s?\s+(?:was\s+|were\s+"
        r"|has\s+been\s+"
        r"|had\s+been\s+|got\s+)?stolen\b"
        r"|" + _by_others("disclosed", "revealed", "gave", "sent", "shared", "showed", "forwarded",
                          "leaked", "passed") +
        r"\s+(?:on\s+)?(?:my|our)\s+(?:\w+\s+){0,2}?(?:records?|report|history|conviction|diagnosis"
        r"|details|information|data|address|file|notes|documents?|papers|passport|statements?)\s+"
        r"(?:\w+\s+){0,3}?to\s+(?:my|our|the|his|her|their|a|an)\s+(?:\w+\s+)?(?:employer|boss"
        r"|manager|colleagues?|neighbou?rs?|landlord|ex|ex-\w+|husband|wife|partner|family|abuser"
        r"|opponent|stranger)\b"
        r"|(?:posted|published|put|shared|uploaded)\s+(?:my|our)\s+(?:\w+\s+)?(?:details|address"
        r"|information|data|photos?|documents?|file|case|name)\s+(?:online"
        r"|on\s+(?:the\s+)?(?:internet"
        r"|facebook|social\s+media|twitter|instagram|a\s+website|the\s+web))"
        r"|accessed\s+(?:my|our)\s+(?:\w+\s+)?(?:file|records|account|data|details|information"
        r"|case)\s+(?:for\s+no\s+reason|without\s+(?:a\s+)?(?:reason|permission|authori[sz]ation)"
        r"|and\s+told)"
        r"|(?:received|got|was\s+sent|were\s+sent)\s+(?:my|our)\s+(?:\w+\s+){0,3}?(?:records|notes"
        r"|file|documents|papers|details|information|letters?|e-?mails?|statement|report)\b"
        r"[^.!?\n]{0,40}?\b(?:by\s+mistake|in\s+error|accidentally)"
        r"|(?:address|details|location|phone\s+number|number)\s+(?:was|were)\s+(?:included|shown"
        r"|given|disclosed|visible|left)\b[^.!?\n]{0,60}?\b(?:to|with|for)\s+(?:my|the|his|her)\s+"
        r"(?:abuser|ex|ex-\w+|other\s+side|opponent|husband|wife|partner|attacker|stalker)\b"
        r"|(?:sent|e-?mailed|posted|forwarded|disclosed|shared|given|passed|copied|cc[’']?d"
        r"|uploaded|attached|faxed|texted|delivered|handed)\s+" + _W +
        r"{0,7}(?:to|with)\s+(?:(?:the\s+)?(?:wrong|incorrect)\s+(?:person|people|address|e-?mail"
        r"|client|party|recipient|house|family|number|phone|mobile)|(?:someone|somebody)\s+else\b)"
        r"|(?:sent|e-?mailed|posted|forwarded|disclosed|copied|cc[’']?d"
        r"|gave|given)\s+"
        + _W + r"{0,7}(?:by\s+mistake|in\s+error|accidentally)"
        # someone else's papers or details ("someone else's passport", "another client's file"),
        # not "someone else's behaviour", nor their case going on ("another client's case was
        # heard before mine")
        r"|(?:(?:someone|somebody|some\s+one)\s+else[’']s|(?:another|other|wrong|different)\s+"
        r"(?:client|person"
        r"|people|family)[’']s?[’']?)\s+(?:[\w-]+\s+){0,2}?"
        r"(?!(?:case|matter)s?\s+(?:was|were|is|are|went|had|has|got|took|came|being|will)\b)"
        + _RECORDS
        + r"|(?:meant|intended)\s+for\s+(?:someone|somebody|another|a\s+different)"
        r"|not\s+(?:in\s+the\s+)?bcc"
        # to an address the writer has left, or someone else's papers sent to the writer
        r"|(?:sent|posted|delivered|e-?mailed|went)\s+" + _W
        + r"{0,6}to\s+" + _POSS + r"\s+(?:old|previous|former)\s+(?:address|house|home"
        r"|e-?mail)"
        r"|(?:sent|e-?mailed|posted|forwarded)\s+(?:me|us)\s+" + _W + r"{0,4}(?:for|about"
        r"|addressed\s+to|belonging\s+to|intended\s+for)\s+(?:a\s+|an\s+)?['‘’\"]?(?:mr|mrs|ms"
        r"|miss|dr)\b"
        r"|(?:didn[’']t|did\s+not|never)\s+(?:mean|intend)\s+to\s+send\s+(?:it|this|that|them"
        r"|the\s+\w+)\s+"
        r"to\s+me|not\s+(?:meant|intended)\s+for\s+me\b"
        r"|(?:in|into)\s+the\s+cc\b|instead\s+of\s+bcc|(?:left|lost|mislaid)\s+(?:my|the|a"
        r"|our)\s+(?:whole\s+)?"
        r"(?:file|files|papers|laptop|documents|bundle|passport)\s+(?:on|in|at)\b|(?:pretending"
        r"|claiming|purporting)"
        r"\s+to\s+be\s+from\s+(?:your|the)\s+(?:firm|office|solicitors?)|(?:got|get|gained"
        r"|broke)\s+(?:into|access\s+to)"
        r"\s+(?:your|the\s+firm[’']s)\s+(?:e-?mail|system|computer|server|portal)"
        # the client's file given to the other side of their case
        r"|(?:gave|give|gives|given|sent|sends|handed|hands|passed|disclosed|delivered|leaked)\s+"
        r"(?:the\s+)?(?:opposition|other\s+side|opposing\s+\w+\.?|other\s+party)\s+(?:\w+\s+){0,2}"
        r"(?:wrong|our|my|private|confidential)\s+(?:files?|records)\b"
        r"|(?:gave|give|gives|given|sent|sends|handed|hands|passed|disclosed|delivered|leaked"
        r"|includ(?:es|ed|ing))\s+(?:the\s+)?(?:wrong|our|my|private|confidential)\s+(?:files?"
        r"|records)\s+(?:\w+\s+){0,3}to\s+(?:the\s+)?(?:opposition|other\s+side|opposing\s+\w+"
        r"|other\s+party|defendants?)"
        r"|sent\s+me\s+(?:the\s+)?wrong\s+"
        r"(?:completion\s+statement|letter|documents?|file|attachment|bundle|statement)|(?:sent"
        r"|copied|cc[’']?d|posted"
        r"|e-?mailed)\s+" + _W +
        r"{0,5}to\s+(?:my|our|his|her|their)\s+(?:[\w-]+[’']s\s+)?(?:work|workplace|employer|office"
        r"|line\s+manager"
        r"|boss)\b"
        r"|(?:personal|confidential|private|sensitive)\s+(?:data|information|details|documents?"
        r"|files?)\s+"
        + _W +
        r"{0,4}(?:leaked|disclosed|exposed|shared)|(?:documents?|files?|papers|details"
        r"|records|folders?|data\s+room)\s+(?:for|of|about"
        r"|belonging\s+to)\s+(?:a\s+different|another|other)\s+(?:case|client|person|people"
        r"|matter|family|deal|company|transaction)"
        r"|(?:neighbour|stranger|another\s+person|other\s+client)[’']s\s+" + _W +
        r"{0,2}(?:offer|file|documents?"
        r"|details|statement|passport|report|letter|mortgage|remortgage|will|papers)"
        r"|(?:revealed|exposed|disclosed|leaked|shared|gave|given|provided|passed"
        r"|published)\s+" + _W +
        r"{0,5}(?:private|personal|confidential)\s+(?:contact\s+|e-?mail\s+)?(?:details"
        r"|information|data"
        r"|e-?mail\s+address(?:es)?|address(?:es)?)"
        r"|(?:private|personal|confidential)\s+" + _W +
        r"{0,2}(?:details|information|data|address(?:es)?)\s+" + _W +
        r"{0,3}(?:revealed|exposed|leaked|disclosed)"
        r"|confidential\s+information\b[^.!?\n]{0,80}\b(?:provided|given|disclosed|shared|passed"
        r"|revealed)"
        r"|(?:all|every)\s+" + _W + r"{0,3}(?:e-?mail\s+)?addresses\s+" + _W +
        r"{0,4}(?:visible|in\s+the\s+(?:to|cc)\b)"
        r"|(?:told|informed|conferred\s+with|spoke\s+(?:to|with)"
        r"|contacted)\s+(?:the\s+)?(?:opposing|other)\s+"
        r"(?:party|side|parties)\s+" + _W + r"{0,6}without\s+"
        r"(?:my|our|his|her|their|the\s+client[’']s)\s+(?:permission|consent|knowledge)"
        # "sent my divorce papers to my ex's address", "emailed my records to another client"
        r"|(?:sent|e-?mailed|mailed|posted|forwarded|gave|given|handed|disclosed|shared|passed"
        r"|told|revealed)\s+"
        r"(?:my|our|his|her|their|the\s+client[’']s|(?:(?:mr|mrs|ms|miss|dr)\.?\s+)?[\w-]+[’']s)\s+"
        r"(?:\w+\s+){0,3}?(?:papers"
        r"|documents?|files?|records|details|letters?|reports?|statements?|information|info"
        r"|address|data|notes"
        r"|decree|order|judgment|certificate|passport|results|history|status|diagnosis)"
        r"\s+(?:\w+\s+){0,2}?(?:to|with)\s+(?:(?:my|our|his|her|the|a|an)\s+)?(?:[\w-]+\s+)?"
        r"(?:ex\b"
        r"|ex-?(?:wife|husband"
        r"|partner)|former\s+(?:wife|husband|partner|employer)|abuser|employer|landlord"
        r"|neighbou?r|opponent|other\s+side|opposing\s+\w+|other\s+client|another\s+client"
        r"|different\s+client|stranger|boss|family|everyone|the\s+press"
        r"|(?:some\s+)?(?:random|unknown)\s+(?:person|people|guy|man|woman|address))"
        r"|(?:files?|papers|documents|laptop|bundle|records|passport|deeds)\s+(?:was|were"
        r"|had\s+been|has\s+been|have\s+been|got)\s+(?:left|lost|stolen|mislaid)\b"
        r"|(?:my|our|her|his)\s+(?:new\s+|current\s+|home\s+)?address\b[^.!?\n]{0,80}\b(?:to"
        r"|with)\s+(?:the\s+)?(?:other\s+side|opposing\s+\w+|my\s+ex\b|ex-?(?:wife|husband"
        r"|partner)|respondent|perpetrator|abuser)"
        r"|(?<!\bi\s)(?<!\bwe\s)(?:copied|cc[’']?d|included|added)\s+(?:in\s+)?(?:the\s+)?"
        r"(?:other\s+side|opposing\s+\w+|my\s+ex\b|ex-?(?:wife|husband|partner)|defendants?|respondents?"
        r"|(?:my|our|his|her)\s+(?:employer|boss|manager|landlord|colleagues?|neighbou?rs?))\s+"
        r"(?:in|into|on)\b"
        # told passively: "my details were sent to the other side's solicitor"
        r"|(?:details|information|data|records|address|(?:bank|medical)\s+\w+)\s+"
        r"(?:was|were|had\s+been|has\s+been|have\s+been|got)\s+(?:sent|e-?mailed|forwarded"
        r"|passed|given|disclosed|shown|posted)\s+(?:on\s+)?to\s+(?:the\s+|my\s+|our\s+)?"
        r"(?:other\s+side|opposing\s+\w+|opponent|ex\b|ex-?(?:wife|husband|partner)|employer"
        r"|landlord|neighbou?r|another\s+client|a\s+stranger|someone\s+else|abuser"
        r"|perpetrator)"
        r"|(?<!\bi\s)(?<!\bwe\s)(?:told|gave|given|revealed|disclosed|passed\s+on)\s+(?:him|her"
        r"|them|my\s+ex(?:-?(?:husband|wife|partner))?\b"
        r"|(?:the\s+)?other\s+side|(?:the\s+)?other\s+party)\s+(?:where\s+(?:i|we|me|us)\b"
        r"[^.!?\n]{0,30}?\b(?:live|living|am|are|stay\w*)\b|my\s+(?:new\s+)?address)"
        r"|(?:stranger|someone\s+else|somebody\s+else|another\s+(?:person|client)"
        r"|wrong\s+person|(?:my|a)\s+neighbou?r)\s+(?:got|received|was\s+sent|has\s+been\s+sent)\s+"
        r"(?:a|my|the|your|our)\s+(?:letter|e-?mail|documents?|file|papers|statement)"
        r"|addresses\s+(?:[\w'’-]+\s+){0,2}?(?:showing|visible|exposed|on\s+show)"
        r"|(?:files?|papers|documents?|details|information|records|photos?|address)\s+(?:was|were"
        r"|has\s+been|have\s+been|got)\s+(?:(?:posted|published|shared|put)\s+(?:on|online)\b"
        r"|leaked)"
        # probed (2026-12-07): a report sent on without consent, a case talked about on social
        # media, a file in a skip, finances discussed in front of others, a number given away
        r"|(?:medical|personal|private|confidential|health|bank|financial)\s+(?:records?|reports?"
        r"|details|information|data|documents?|history)\b[^.!?\n]{0,80}?\bwithout\s+(?:(?:my|our"
        r"|his|her|their)\s+(?:permission|consent|authori[sz]ation|knowledge|agreement)"
        r"|(?:asking|telling|consulting|checking\s+with)(?:\s+(?:me|us|him|her|them))?\b)"
        r"|" + _by_others("emailed", "e-mailed", "sent", "posted", "forwarded", "gave", "given",
                          "showed", "shown") + r"\s+"
        r"(?:my|our)\s+(?:\w+\s+)?(?:ex|ex-\w+|employer|boss|manager|husband|wife|partner"
        r"|landlord|neighbou?rs?|family|colleagues?|in-laws)\s+(?:a\s+copy\s+of\s+|copies\s+of\s+)?"
        r"(?:my|our|all\s+(?:of\s+)?my)\s+(?:\w+\s+)?" + _RECORDS +
        r"|found\s+(?:my|our|client|clients[’']?|someone\s+else[’']s|other\s+(?:people"
        r"|clients)[’']s?)"
        r"\s+(?:\w+\s+)?(?:files?|papers|documents|records)\s+(?:\w+\s+){0,2}?(?:in|on|outside"
        r"|next\s+to)\s+(?:a\s+|the\s+)?(?:skip|bins?|street|pavement|road|dump|car\s+park)\b"
        r"|(?:talk\w*|post\w*|wrote|writing|gossip\w*|discuss\w*)\s+about\s+(?:my|our|his|her"
        r"|the\s+client[’']s)\s+(?:case|matter|divorce|claim|file|affairs)\s+(?:on|in)\s+"
        r"(?:facebook|social\s+media|twitter|instagram|tiktok|the\s+pub|public)"
        r"|(?:file|files|papers|documents|records)\s+(?:was|were|had\s+been|has\s+been|have\s+been)\s+"
        r"(?:found|dumped|left|thrown)\s+(?:in|on|outside)\s+(?:a\s+|the\s+)?(?:skip|bin|street"
        r"|pavement|road|dump|car\s+park)"
        # the firm discussing them, not "I had to discuss my finances in front of strangers"
        # (seed s0490, a wheelchair user's meeting moved to a coffee shop: staff conduct)
        r"|(?<!\bto\s)(?<!\bi\s)(?<!\bwe\s)(?:discuss\w*|talk\w*\s+about|read\s+out|mention\w*)\s+"
        r"(?:my|our)\s+(?:\w+\s+)?(?:finances"
        r"|case|divorce|health|diagnosis|debts?|records|details|affairs)\b[^.!?\n]{0,60}?\b(?:in\s+"
        r"front\s+of|within\s+earshot\s+of)"
        r"|(?<!\bi\s)(?<!\bwe\s)(?:gave|given|passed|shared|sold|disclosed)\s+(?:my|our)\s+(?:phone"
        r"\s+number|number|mobile|e-?mail(?:\s+address)?|address|details|contact\s+details)\s+to\b"
        r"[^.!?\n]{0,40}?\bwithout\s+(?:asking|telling|consulting|my|our)\b"
        r"|(?:another|a\s+different|other)\s+(?:client|customer|person|visitor)s?\s+(?:read"
        r"|saw|has\s+seen|had\s+seen|could\s+(?:see|read)|were\s+able\s+to\s+(?:see|read)"
        r"|picked\s+up)\b"
        # probed (2026-12-07, fourth and fifth rounds)
        r"|(?:my|our)\s+(?:file|case|details|records|divorce|business|affairs)\b[^.!?\n]{0,60}?\b"
        r"(?:told|telling|tells|gossip\w*\s+(?:to|with))\s+(?:people|everyone|everybody|others"
        r"|half\s+the\s+\w+|the\s+(?:whole\s+)?(?:village|town|street|estate|neighbourhood))\b"
        r"|(?:documents?|papers|passport|id|file|letter|post"
        r"|envelope)\b[^.!?\n]{0,60}?\b(?:unsealed"
        r"\s+envelope|arrived\s+(?:already\s+)?(?:opened|torn\s+open|open\b))"
        r"|(?:meant|intended|addressed)\s+for\s+(?:me|us)\s+(?:was|were|got|has\s+been"
        r"|had\s+been)\s+"
        r"(?:given|delivered|sent|handed|posted|e-?mailed)\s+to\b"
        r"|read\s+(?:out\s+)?(?:my|our)\s+(?:new\s+|home\s+)?(?:address|details"
        r"|name\s+and\s+address"
        r"|medical\s+\w+|diagnosis)\s+(?:out\s+)?(?:loud|aloud)"
        r"|(?:details|address|addresses|information|data|names?)\s+(?:was|were)\s+(?:in|on"
        r"|included\s+in|visible\s+(?:in|on|to))\s+(?:an?\s+|the\s+)?(?:group\s+)?(?:e-?mail"
        r"|message"
        r"|mailing)\b[^.!?\n]{0,60}?\b(?:sent|copied|cc)\w*\s+to\s+(?:over\s+|more\s+than\s+"
        r"|about\s+|around\s+|nearly\s+)?(?:\d+|dozens|hundreds|everyone|all)\b"
        # probed (2026-12-07, second round): the writer's affairs told to someone in their life,
        # copied to them, or sent to a stranger; an address the other side now knows
        r"|" + _by_others("told", "informed", "tell", "tells", "telling", "discussed", "discusses",
                          "discussing", "discuss", "gossiped", "gossiping", "talked", "talking",
                          "talks") + r"\s+"
        r"(?:(?:my|our|his|her)\s+(?:\w+\s+)?(?:case|divorce|claim|matter|affairs|situation)"
        r"\s+)?(?:to\s+|with\s+)?(?:my|our)\s+(?:\w+\s+)?(?:neighbou?rs?|employer|boss|manager"
        r"|colleagues?|workplace|landlord|family|friends?|ex|ex-\w+|sister|brother|mother|mum"
        r"|father|dad|parents|children|son|daughter|in-laws|husband|wife|partner)\b"
        r"(?:[^.!?\n]{0,30}?\babout\s+(?:my|our|the)\s+(?:\w+\s+)?(?:case|divorce|claim|matter"
        r"|affairs|finances|situation|file|diagnosis|medical|health|illness|conviction|arrest"
        r"|debts?|separation|custody|abuse|history|records?)\b|[^.!?\n]{0,60}?\bwithout\s+"
        r"(?:my|our)\s+(?:permission|consent|knowledge|authori[sz]ation|agreement))"
        r"|" + _by_others("copied", "ccd", "cc'd", "cc’d", "cced", "cc'ed", "cc’ed", "bccd",
                          "bcc'd", "bcc’d", "bcced", "bcc'ed", "bcc’ed", "included", "added")
        + r"\s+(?:my|our)\s+(?:\w+\s+)?"
        r"(?:neighbou?rs?|employer|boss|manager|colleagues?|landlord|ex|ex-\w+|husband|wife"
        r"|partner|family|sister|brother|mother|father|parents|in-laws)\s+(?:in|into|on)\b"
        r"|(?:sent|e-?mailed|posted|forwarded|gave|given|shared|disclosed|passed)\s+"
        r"[^.!?\n]{0,60}?\bto\s+(?:(?:a|some)\s+(?:complete\s+|total\s+)?stranger"
        r"|strangers|(?:someone|somebody|a\s+person|people)\s+(?:i|we)(?:\s+have|\s+had|[’']ve"
        r"|[’']d)?\s+(?:never|don[’']t|do\s+not|didn[’']t|did\s+not)\s+(?:heard\s+of|hear\w*\s+of"
        r"|know|knew|met"
        r"|meet))\b"
        r"|(?:other\s+side|my\s+ex|ex-?(?:husband|wife|partner)|abuser|opponent)\s+(?:now\s+|has\s+"
        r"|have\s+)?(?:knows?|found\s+out|got\s+hold\s+of|has|obtained|learn[te]d?)\s+(?:my|our)\s+"
        r"(?:new\s+|home\s+|current\s+|secret\s+)?(?:address|location|whereabouts)\b"
        r"[^.!?\n]{0,80}?\b(?:you|your|(?:the|my)\s+(?:firm|solicitor|lawyer|attorney))\b",
        negatable=True, category="data_security"),
    _rule(
        "dishonesty", "critical", {"conduct_referral"},
        "alleges dishonesty, theft or fraud (a conduct matter)",
        r"dishonest\w*|lied|lying\s+to|lies"
        # not the writer called one: "the other side's solicitor called me a liar"
        r"|liar(?<!called\sme\sa\sliar)(?<!calls\sme\sa\sliar)(?<!calling\sme\sa\sliar)"
        r"(?<!called\sus\sliar)s?"
        r"|(?:was|is|it[’']s|that[’']s|told\s+(?:me|us)|a\s+(?:total|complete|blatant|outright"
        r"|flat))\s+(?:a\s+)?(?:total\s+|complete\s+|blatant\s+|outright\s+)?lie\b"
        r"|fraud(?:ulent|ulently|ster)?(?!\s+(?:e-?mail|invoice))"
        r"|(?<!petty\s)theft(?!\s+(?:case|charges?|offen[cs]es?|conviction|matter|trial))"
        r"|thie(?:f|ves)|stole|stolen"
        r"|steal\w*|misappropriat\w*|embezzl\w*|forged|forgery|falsif\w*"
        r"|sign(?:ed|ing)\s+my\s+name|illegal\w*\s+(?:transaction|transfer|sale)"
        r"|(?:said|told\s+me|claimed|assured\s+me)\s+(?:that\s+)?(?:he|she|they|it)\s+(?:had\s+"
        r"|has\s+|was\s+)?"
        r"(?:filed|sent|done|submitted|lodged|registered"
        r"|paid)\b[^.!?\n]{0,60}\bbut\b[^.!?\n]{0,30}\bnever\b"
        r"|cover(?:ed|ing)?[- ]up|deliberately\s+(?:misled|mislead\w*|lie[ds]?|lying)"
        r"|deceiv\w*|deception|deceit\w*"
        r"|con(?:ned|ning)\s+(?:me|us|him|her|them|my|our|the|a|an)\b"
        r"|con\s+(?:artists?|man|men|job)\b|\bcrook(?:s|ed)?\b|\bcollu(?:de|ded|ding|sion)\b"
        r"|\bin\s+cahoots\b|\bkick-?backs?\b|\bbrib(?:e|es|ed|ery|ing)\b|perjur\w*"
        r"|double[- ]deal\w*|(?:concealed|hid|hidden|hiding)\s+" + _W + r"{0,4}from\s+(?:me|us"
        r"|the\s+(?:court|judge|client|family|beneficiaries))\b"
        r"|padd(?:ed|ing)\s+(?:the|my|our|his|her|their)\s+(?:bills?|invoices?|hours|fees)"
        # "She said she did, but she hasn't": a step claimed and not taken
        r"|(?:said|told\s+(?:me|us)|claimed)\s+(?:that\s+)?(?:he|she|they)\s+(?:did|had|has)\b"
        r"[^.!?\n]{0,20}?\bbut\s+(?:he|she|they)\s+(?:has|have|had|did)(?:n[’']?t|\s+not)\b"
        # "he states he's been in contact with [the] client in jail, but hasn't" (r0148)
        r"|(?:says|states|stated|claims|tells\s+(?:me|us))\s+(?:that\s+)?(?:he|she|they)"
        r"(?:[’'](?:s|ve|d)|\s+(?:has|have|had|did))\b[^.!?\n]{0,60}?,?\s*but\s+(?:(?:he|she"
        r"|they)\s+)?(?:has|have|had|did)(?:n[’']?t|\s+not)\b"
        # "I think they are still lying" (r0736), "he is lying about the fees"; not papers
        # "lying around"
        r"|(?:he|she|they|you|lawyer|solicitor|attorney|advocate|firm)(?:[’'](?:s|re)|\s+(?:is"
        r"|are|was|were|has\s+been|have\s+been|keeps?|kept))\s+(?:still\s+|just\s+|clearly\s+"
        r"|obviously\s+)?lying\b(?!\s+(?:on|in|around|down|there|about\s+(?:in|on)\b))"
        # "She did one step and kept lying that it was the government body" (r1005); not "I
        # kept lying awake"
        r"|\b(?:kept|keeps|keep)\s+(?:on\s+)?lying\b(?!\s+(?:on|in|around|down|there|awake|still"
        r"|low|about\s+(?:in|on)\b))"
        r"|misused?\s+(?:my|our"
        r"|client)\s+"
        r"(?:money|funds)|pocketed|(?:took|taken|kept|helped\s+yourselves\s+to)\s+(?:my"
        r"|our)\s+money\s+without"
        r"|not\s+(?:been\s+)?(?:honest|truthful)|untruthful"
        r"|(?:lie|lying)\s+to\s+(?:the|a|my|anyone|anybody|them|him|her|me|us)\b|to\s+lie\b"
        # "blackmail", "undue influence" over a will, "behind my back", "exploitation"
        r"|blackmail\w*|(?:us(?:ed|ing)|exert\w*|exercis\w*|appl(?:ied|ying)|put|putting)\s+"
        r"undue\s+influence|undue\s+influence\s+(?:on|over)\b"
        r"|behind\s+(?:my|our|his|her|their)\s+backs?\b"
        r"|exploitation\b|exploit(?:ed|ing)\s+(?:me|us|him|her|them|my|our|his|their"
        r"|the\s+(?:client|estate|elderly|vulnerable))\b"
        r"|false\s+(?:assurances?|promises?|date|statement"
        r"|information|declaration|figures?|impression|entry|affidavit|witness\s+statement"
        r"|statement\s+of\s+truth|evidence|testimony|certificate)"
        # a document back-dated, not a benefit ("my pension was backdated", "the CMS can only
        # backdate to when I applied")
        r"|back-?dat(?:ed|ing)\s+(?:it|them|(?:the|a|my|his|her|our|their|this|that)\s+(?:\w+\s+)?"
        r"(?:letter|document|file\s+note|attendance\s+note|note|signature|contract|will|form"
        r"|agreement|e-?mail|record|invoice|bill|deed|transfer|lease|statement|assignment|notice"
        r"|minute)s?)\b"
        r"|(?:letter|document|note|contract|will|form|agreement|e-?mail|record|invoice|bill|deed"
        r"|lease|statement|assignment|notice|minute)s?\s+(?:was|were|had\s+been|has\s+been"
        r"|have\s+been)\s+back-?dated"
        # probed forms (2026-12-07): a bill for what never happened, a document changed after
        # signing, the court told what the client never said, a lawyer who was never one
        r"|(?:invoice|bill|statement\s+of\s+account|account)\s+(?:lists|listed|includes|included"
        r"|shows|showed|has|had|contains|contained|charges?\s+(?:me\s+|us\s+)?for)\b[^.!?\n]{0,60}?"
        r"\b(?:never|didn[’']t|did\s+not)\s+(?:took\s+place|take\s+place|happen(?:ed)?"
        r"|occur(?:red)?)"
        # probed (2026-12-07, an independent writer's sentences): calls billed that never
        # happened, a signature that is not the writer's, a reference number that does not exist
        r"|(?:calls?|meetings?|conferences?|attendances?|visits?|appointments?)\s+(?:to|with)\s+"
        r"(?:me|us)\s+(?:that|which)\s+(?:never|didn[’']t|did\s+not)\s+(?:took\s+place"
        r"|take\s+place|happen(?:ed)?|occur(?:red)?)"
        r"|(?:isn[’']t|is\s+not|wasn[’']t|was\s+not|that[’']?s\s+not|not)\s+my\s+signature\b"
        r"|(?:never|didn[’']t|did\s+not)\s+sign(?:ed)?\s+(?:any|that|this)\s+(?:\w+\s+)?"
        r"(?:transfer|tr1|deed|consent|power\s+of\s+attorney|statement\s+of\s+truth"
        r"|affidavit)\b"
        r"|(?:reference|receipt|case|claim|application|tracking|filing)\s+(?:number|no\.?|ref)?\s*"
        r"(?:they|he|she|you|the\s+firm)\s+(?:gave|sent|provided|quoted)\s+(?:me|us)\s+"
        r"(?:doesn[’']t|does\s+not|didn[’']t|did\s+not)\s+exist\b"
        r"|(?:altered|changed|amended|rewrote|edited)\s+(?:the|my|his|her|our|their)\s+(?:\w+\s+)?"
        r"(?:will|contract|document|deed|agreement|statement|lease)\s+(?:after|once)\b"
        r"[^.!?\n]{0,40}?\bsigned"
        r"|told\s+the\s+(?:court|judge|tribunal)\s+(?:that\s+)?[^.!?\n]{0,60}?\b(?:when|but"
        r"|though)\s+(?:i|we)\s+(?:never|had\s+not|hadn[’']t|did\s+not|didn[’']t)\b"
        r"|(?:never|not|didn[’']t|did\s+not|doesn[’']t|does\s+not)\s+(?:have|had|hold|held)\s+"
        r"(?:a\s+)?(?:valid\s+|current\s+)?(?:practi[cs]ing\s+certificate|licen[cs]e\s+to\s+practi[cs]e"
        r"|law\s+licen[cs]e)"
        r"|(?:pretend\w*|claim\w*)\s+to\s+be\s+(?:a\s+)?(?:qualified\s+|registered\s+|licensed\s+)?"
        r"(?:solicitor|lawyer|attorney|barrister)"
        # "giving you false and misleading advices" to get the client's money (r1042)
        r"|false\s+(?:and\s+misleading\s+)?advices?\b"
        r"|destroy\w*\s+(?:the\s+)?(?:evidence|notes"
        r"|file|documents|records)|deliberately\s+(?:inflated|hid|hidden|concealed|changed"
        r"|altered|overcharged)"
        r"|(?:doctored|tampered)|pressur\w+\s+(?:him|her|me|them|my\s+\w+)\s+into"
        r"|in\s+cash\s+(?:directly\s+)?to\s+"
        r"(?:him|her)|nobody\s+checks|(?:will|would)\s+not\s+check|won[’']t\s+check"
        r"|abuse\s+of\s+(?:an?\s+)?"
        r"(?:old|elderly|vulnerable|position|trust)|(?:changed|altered)\s+(?:that|the)\s+date"
        r"|misled\s+the\s+(?:court|judge|tribunal)|(?:court|judge|tribunal)\s+(?:was|were"
        r"|has\s+been)\s+misled"
        # "he scammed me", "bad faith", "self dealing": allegations in the words people use
        r"|scam(?:med|ming|mers?)?\b(?!\s+(?:e-?mails?|calls?|texts?|invoices?))|defraud\w*"
        r"|bad\s+faith|self[- ]dealing|misrepresent\w*|conspir\w*|extort\w*"
        r"|cheat(?:ed|ing)\s+(?:me|us|my|our|the\s+estate|them|him|her)\b"
        r"|cheated\s+by\s+(?:my|our|the|his|her|their)\b|(?:being|been)\s+cheated\b"
        # a case settled behind the client's back: "settled it without my knowledge or consent"
        r"|settle[ds]?\s+(?:\w+\s+){0,5}?without\s+(?:my|our|his|her|their)\s+(?:knowledge"
        r"|consent|permission|authori[sz]ation|agreement)"
        r"|(?:hours|time|entries|calls|meetings)\s+(?:are|were|have\s+been"
        r"|being)\s+(?:\w+\s+)?(?:invented|made\s+up"
        r"|fabricated)|fabricat\w*"
        r"|misled\s+(?:me|us|him|her|them|my|our|the\s+client)\b|misleading\s+(?:me|us)\b"
        r"|swindl\w*|trick(?:ed|ing)\s+(?:me|us|him|her|them|my|our)\b"
        r"|told\s+the\s+(?:judge|court|tribunal)\b[^.!?\n]{0,80}\b(?:not\s+true|untrue"
        r"|false)\b"
        r"|(?:secretly|covertly)\s+(?:working|acting)\s+for\b"
        # the police or a criminal case against the firm (r0922: "I want police to start
        # criminal action against his firm"); money not spent as it was given for (r0929: "he
        # did not use the money for its intended purpose"); client money "abused" (r0926)
        r"|" + _POLICE_FOR_THE_FIRM
        + r"|(?:did\s+not|didn[’']t|never)\s+use\s+(?:the|my|our|that|this)\s+(?:money|funds"
        r"|payment|cash|deposit)\s+for\s+(?:its|the|their)\s+(?:intended|agreed|stated|proper)"
        r"\s+purpose|(?:trust|client|escrow)\s+(?:funds|money|account)\s+(?:\w+\s+){0,3}?"
        r"(?:abused|misused|raided|plundered|squandered|siphoned|diverted|misapplied)\b"
        # the client's land taken and sold (r0953: "he instead took the entire land and sold
        # some"); a trick to keep the client's money (r0957: "using this trick to deny us our
        # money")
        r"|(?:he|she|they|lawyer|advocate|attorney|solicitor|firm)\s+(?:\w+\s+)?(?:took|grabbed"
        r"|seized)\s+(?:over\s+)?(?:the|our|my|his|her|their)\s+(?:\w+\s+)?(?:land|property"
        r"|plot|farm|estate)\b[^.!?\n]{0,40}?\b(?:and|then)\s+sold\b"
        r"|(?:tricks?|ploys?|schemes?|ruses?)\s+to\s+(?:deny|keep|withhold|take|steal|cheat)\s+"
        r"(?:us|me|them|him|her|my|our|their|the\s+client)\b"
        r"|working\s+for\s+the\s+other\s+side"
        r"|(?:charg|bill|invoic)(?:ed|ing)\s+(?:me\s+|us\s+|the\s+estate\s+)?for\s+"
        r"(?:\w+\s+){0,3}?(?:that\s+|which\s+)?(?:was\s+|were\s+|he\s+|she\s+|they\s+"
        r"|it\s+|had\s+)?(?:never|not|didn[’']t|did\s+not|wasn[’']t|weren[’']t)\s+(?:been\s+)?"
        r"(?:done|did|do|work|worked|provided|performed|carried\s+out|attend|attended|happen"
        r"|happened|took\s+place)\b"
        r"|(?:working|in\s+league|siding|colluding)\s+with\s+(?:the\s+)?(?:other\s+side|opposing"
        r"|opponent|prosecution|defen[cs]e|insurer|(?:my|his|her)\s+ex\b)[^.!?\n]{0,40}\bagainst"
        r"\s+(?:me|us|my|our)\b"
        r"|sign\w*\s+(?:a\s+|the\s+|some\s+)?blank\s+(?:documents?|forms?|pages?|sheets?"
        r"|papers?|cheques?|checks?)"
        # "now my house is in his name" (not "the house is in her name", a divorce question)
        r"|(?:now\s+(?:my|our)\s+(?:house|home|property|flat|land)\s+is\s+in"
        r"|(?:house|home|property|flat|land)\s+(?:is\s+|was\s+|has\s+been\s+)?(?:now\s+in"
        r"|transferred\s+(?:in)?to|registered\s+(?:in|to)))\s+(?:his|her|their)\s+(?:own\s+)?"
        r"names?\b"
        r"|made\s+up\s+(?:the\s+|some\s+|his\s+|her\s+)?(?:evidence|figures|documents?|entries"
        r"|hours|statements?|a\s+story|lies|times?)\b|back-?handers?"
        r"|falsely\s+(?:told|claimed|stated|said|certified|represented|informed|assured|billed"
        r"|charged|signed|swore|sworn)\b"
        r"|pretend(?:ed|ing)\s+to\s+have\s+(?:filed|sent|done|issued|lodged|paid|submitted|made"
        r"|applied|registered|served)\b"
        r"|(?:told\s+(?:me|us)|said|claimed|assured\s+(?:me|us))\b[^.!?\n]{0,80}?\b(?:court"
        r"|registry|tribunal|hmrc|home\s+office|uscis|insurer)\s+(?:has|have|had)\s+no\s+record"
        r"|overcharg\w*\s+(?:\w+\s+){0,2}?(?:deliberately|on\s+purpose|knowingly)"
        r"|(?:hid|hidden|hiding|concealed|buried)\s+(?:it|this|that|them|the\s+\w+)\s+in\s+"
        r"(?:the|my|our)\s+(?:bill|invoice|statement|accounts?)"
        r"|(?:solicitor|lawyer|attorney|firm|he|she)\s+(?:has\s+|had\s+)?(?:made|named|appointed"
        r"|wrote|put)\s+(?:him|her|them)sel(?:f|ves)\s+(?:in\s+)?(?:as\s+)?"
        r"(?:the\s+)?(?:\w+\s+)?(?:beneficiary|beneficiaries|executor|trustee|attorney|will)"
        r"|(?:leaves|left|leaving)\s+(?:[\w'’-]+\s+){0,3}?to\s+(?:the\s+)?(?:solicitor|lawyer"
        r"|attorney|firm)\s+(?:him|her)self"
        # harm done to the client's own case on purpose: "blunders that I believe were
        # intentionally done", "deliberately lost the appeal", "he sabotaged my case"
        r"|" + _ON_PURPOSE_HARM,
        negatable=True, category="integrity_misconduct"),
    _rule(
        "without_authority", "high", {"conduct_referral", "insurer_notification"},
        "says the lawyer settled, signed or gave something up without the client's authority",
        # Decisive steps taken for the client without asking: each is hard to undo, a conduct
        # matter (acting without instructions) and a likely claim. High, as the real texts are
        # labelled; "settled without my consent" is also an allegation of dishonesty (critical).
        _STEP + r"\s+(?:[\w'’-]+\s+){0,6}?(?:without|w/o)\s+(?:(?:(?:my|our|his|her|their"
        r"|the\s+client[’']s)\s+)?(?:\w+\s+)?" + _SAY_SO + r"|(?:even\s+)?(?:asking|telling"
        r"|consulting|informing|checking\s+with)\s+(?:me|us|him|her|them)\b)"
        # "Without my consent, and with specific instructions to the contrary, he accepted a
        # settlement" (models/real r0735)
        r"|(?:without|w/o)\s+(?:my|our|his|her|their)\s+(?:\w+\s+)?" + _SAY_SO
        + r"\b[^.!?\n]{0,80}?\b(?:he|she|they|the\s+(?:lawyer|attorney|solicitor|firm))\s+"
        r"(?:\w+\s+)?" + _STEP + r"\b"
        # "I never authorised him to settle", "we did not authorise the sale"
        r"|(?:never|not|didn[’']t|did\s+not)\s+(?:authori[sz]e|instruct|approve|agree\s+to)d?\s+"
        r"(?:(?:him|her|them|you|anyone|the\s+firm)\s+to\s+(?:settle|accept|sign|withdraw|drop"
        r"|sell)|(?:the|this|that|any)\s+(?:settlement|offer|sale|agreement|plea))\b",
        negatable=True, category="instructions"),
    _rule(
        "capacity", "critical", {"conduct_referral", "vulnerability"},
        "says a will or power of attorney was made for someone who could not understand it, or "
        "under pressure (a conduct matter)",
        # (not "made her will in 2010, years before her dementia", not "the new solicitor will")
        _MAKING + r"(?:(?!\bbefore\b|\bprior\s+to\b)[^.!?\n]){0,150}?\b" + _INCAPABLE
        + r"|" + _INCAPABLE + r"\b[^.!?\n]{0,150}?\b" + _MAKING
        + r"|sign\w*\s+(?:[\w'’-]+\s+){0,5}?(?:while|when|whilst)\s+(?:he|she|they|i|we)\s+"
        r"(?:was|were)\s+(?:[\w'’-]+\s+){0,2}?(?:in\s+hospital|dying|on\s+morphine|sedated"
        r"|unconscious|delirious|in\s+intensive\s+care)"
        r"|(?:pressur|coerc|forc|bull)\w*\s+(?:[\w'’-]+\s+){0,3}?into\s+(?:chang|sign|mak"
        r"|rewrit)\w*\s+(?:[\w'’-]+\s+){0,2}?" + _WILL,
        negatable=False, category="integrity_misconduct"),
    _rule(
        "conflict", "high", {"conduct_referral"},
        "alleges a conflict of interest (a conduct matter)",
        r"conflicts?\s+of\s+interest|acting\s+for\s+both\s+sides|(?:represent\w*"
        r"|act\w*)\s+(?:for\s+)?(?:both|the\s+other"
        r"\s+(?:side|party)|my\s+(?:ex|opponent))\b[^.!?\n]{0,40}\b(?:as\s+well|too|also"
        r"|at\s+the\s+same\s+time)", negatable=True, category="integrity_misconduct"),
    _rule(
        "self_harm", "critical", {"vulnerability", "safeguarding"},
        "mentions suicide or self-harm: safeguarding, a person must make contact today",
        r"suicid\w*|kill(?:ing)?\s+(?:myself|himself|herself)|end(?:ing)?\s+(?:my|his"
        r"|her)\s+(?:own\s+)?life"
        r"|end(?:ing)?\s+it\s+all|tak(?:e|ing)\s+(?:my|his|her|their)\s+(?:own\s+)?li(?:fe|ves)"
        r"|self[- ]harm\w*"
        # The warning signs as screening questions and crisis lines list them, read whole
        # (2026-12-07: 17 of 30 such sentences had been rated below critical): no reason to
        # live, wanting to be dead or gone, a method, not being here
        r"|(?:no|nothing\s+(?:left\s+)?to)\s+(?:reason\s+)?(?:for\s+me\s+)?(?:to\s+)?live\s+for\b"
        r"|no\s+reason\s+(?:for\s+me\s+)?to\s+(?:live|go\s+on|carry\s+on|keep\s+going)\b"
        r"|(?:life|living)\s+(?:is|isn[’']t|is\s+not|was|wasn[’']t)\s+(?:not\s+|no\s+longer\s+)?"
        r"worth\s+living\b|(?:life|living)\s+(?:isn[’']t|is\s+not|is\s+no\s+longer)\s+worth\s+it\b"
        r"|(?:rather|prefer\s+to)\s+be\s+dead\b"
        r"|(?:i|i[’']d)\s+(?:just\s+|really\s+)?(?:want|wish|would\s+like|like)\s+to\s+disappear\b"
        r"(?!\s+(?:on|for\s+a|to\s+(?:the|a)\b))"
        r"|(?:don[’']t|do\s+not|no\s+longer)\s+want\s+to\s+be\s+alive"
        r"|(?:jump\w*|throw\w*\s+myself)\s+(?:off|from|in\s+front\s+of|under)\s+(?:a|the)\s+"
        r"(?:bridge|building|roof|train|cliff|car|bus|lorry|truck|balcony|tower)"
        r"|hang(?:ing)?\s+myself|(?:ways|how)\s+to\s+(?:die|kill\s+myself|end\s+(?:it|my\s+life))"
        r"|(?:take|taking|took|swallow\w*)\s+(?:all\s+(?:of\s+)?)?(?:my|the)\s+(?:pills|tablets"
        r"|medication|meds|sleeping\s+pills|painkillers)\s*(?:at\s+once|in\s+one\s+go|[.!,;\n]|$)"
        r"|(?:in\s+case|for\s+when)\s+i[’']?m\s+(?:not|no\s+longer)\s+(?:here|around)"
        r"|(?:not|no\s+longer)\s+being\s+(?:here|around)\s*(?:any\s*more|[.!,;\n]|$)"
        r"|won[’']t\s+be\s+(?:around|here)\s+(?:much\s+longer|for\s+(?:much\s+)?longer|for\s+long"
        r"|any\s*more)"
        r"|give\s+up\s+on\s+(?:life|living)|(?:had|have|[’']ve\s+had)\s+enough\s+of\s+(?:life"
        r"|living"
        r"|being\s+alive)|tired\s+of\s+(?:living|life|being\s+alive)"
        # not "I want it all to end": more often the case than the writer's life
        r"|want\w*\s+(?:the\s+pain|my\s+life)\s+to\s+(?:end|stop|be\s+over)"
        r"|harm(?:ing)?\s+myself"
        r"|hurt(?:ing)?\s+myself|cutting\s+myself|cut\s+myself(?!\s+(?:off|short|out|free))"
        r"|burn(?:ing|t|ed)\s+myself|starv(?:ing|ed)\s+myself"
        r"|(?:go\s+to\s+sleep|fall\s+asleep|sleep)\s+and\s+(?:never|not)\s+wake\s+up"
        r"|(?:plan\w*|want\w*|going|thinking\s+(?:of|about)|thought\s+(?:of|about))\s+(?:to\s+)?"
        r"end(?:ing)?\s+(?:things|everything)\b(?!\s+with\b)|want\s+to\s+die|wish\s+i\s+(?:was"
        r"|were)\s+dead"
        r"|better\s+off\s+dead"
        r"|(?:don[’']t|do\s+not)\s+want\s+to\s+(?:be\s+here|live|go\s+on"
        r"|wake\s+up)\s*(?:any\s*more)?"
        r"|(?:no|(?:don[’']t|do\s+not|can[’']t|cannot|can\s+not)\s+see\s+(?:the|any|a)"
        r"|what[’']s\s+the|what\s+is\s+the)\s+(?:point|reason)\s+(?:in\s+|to\s+|of\s+)?"
        r"(?:living|live|going\s+on|carrying\s+on|carry\s+on|being\s+here)|overdose|can(?:[’']|no)t\s+cope\s+any\s*more"
        r"|(?:don[’']t|do\s+not)\s+know\s+how\s+(?:much\s+)?(?:longer|more)\s+i\s+can\s+(?:go\s+on"
        r"|take|cope|carry\s+on)"
        r"|can(?:[’']|no)t\s+go\s+on|can(?:[’']|no)t\s+(?:take|cope\s+with)\s+(?:this"
        r"|it)\s+any\s*more"
        # probed (2026-12-07): warning signs in everyday words
        r"|better\s+off\s+without\s+me\b|better\s+off\s+if\s+i\s+(?:was|were)(?:n[’']t|\s+not)"
        r"\s+(?:around|here|alive)|better\s+off\s+if\s+i\s+(?:died|was\s+gone|were\s+gone)"
        r"|(?:wish|want)\s+i\s+(?:wasn[’']t|weren[’']t|was\s+not|were\s+not)\s+(?:around|here"
        r"|alive)\b|stockpil\w+\s+(?:my\s+|the\s+)?(?:tablets|pills"
        r"|medication|meds|painkillers)"
        r"|(?:can[’']t|cannot|can\s+not|don[’']t|do\s+not)\s+see\s+(?:a|any)\s+future\b"
        r"(?!\s+(?:for|in|with)\s+(?:the|this|my|our|that)\s+(?:case|claim|appeal|matter|business"
        r"|company|deal|firm|job))"
        r"|feel\w*\s+(?:like\s+)?(?:there[’']s|there\s+is)\s+no\s+way\s+out\b"
        r"|(?:don[’']t|do\s+not)\s+know\s+what\s+i\s+(?:might|will|would|may)\s+do\s+to\s+myself"
        # probed (2026-12-07, second round): "not sure I can keep going", "I can't keep going"
        r"|(?:not\s+sure|(?:don[’']t|do\s+not)\s+know\s+(?:if|whether)|doubt)\s+i\s+can\s+(?:keep"
        r"\s+going|go\s+on|carry\s+on)(?=\s*(?:[.,;:!?\n]|$|like\s+this|any\s*more|much\s+longer))"
        r"|can(?:[’']|no)t\s+keep\s+going(?=\s*(?:[.,;:!?\n]|$|like\s+this|any\s*more))"
        # probed (2026-12-07, an independent writer's sentences) and the preparations screening
        # tools ask about: affairs settled and goodbyes written beside "not much longer",
        # standing at a drop, a car driven off one, "can't carry on living like this"
        r"|(?:sorted|settled|put|getting)\s+(?:out\s+)?(?:all\s+)?my\s+affairs\b"
        r"[^\n]{0,150}?\b(?:won[’']t\s+matter|much\s+longer|not\s+be\s+(?:here|around)"
        r"|when\s+i[’']?m\s+gone|goodbye)"
        r"|(?:writ\w*|wrote|left)\s+(?:goodbye|farewell|suicide)\s+(?:letters?|notes?|messages?)"
        r"|(?:standing|sitting)\s+(?:on|at)\s+(?:the\s+edge\s+of\s+)?(?:the|a)\s+"
        r"(?:bridge|ledge|cliff\s*(?:top|edge)?|roof\s+edge)\b"
        r"|(?:driv\w*|crash\w*|steer\w*)\s+(?:my|the)\s+car\s+(?:off|into)\s+(?:a|the)\s+"
        r"(?:bridge|cliff|wall|tree|river|lake|sea|quarry)"
        r"|(?:carry|go)\s+on\s+living\s+(?:like\s+this|this\s+way)\b"),
    _rule(
        "safety", "critical", {"vulnerability", "safeguarding"},
        "mentions a risk to someone's safety: safeguarding, a person must act today",
        r"terrified|(?:really|truly|genuinely)\s+(?:scared|frightened)|(?:afraid|scared"
        r"|frightened)\s+to\s+go\s+(?:home|out)"
        # Domestic abuse in its common words, read whole (2026-12-07: 17 of 30 such sentences
        # had been rated below critical): violence done, threats, fleeing, being tracked
        r"|(?:he|she|they|my\s+" + _ABUSER + r")\s+(?:has\s+|had\s+|just\s+|then\s+)?(?:hit|pushed"
        r"|shoved|slapped|punched|kicked|beat|beaten|strangled|choked|grabbed|attacked|assaulted"
        r"|raped|bit|stabbed|threw\s+\w+\s+at)\s+(?:me|us|my\s+(?:children|kids|son|daughter|mum"
        r"|mother))\b(?!\s+(?:with\s+(?:a|an|the|his|her|their)\s+(?:bill|claim|letter|fee|invoice"
        r"|costs?|demand|lawsuit|request)|up\s+for|for|into|to|on|in|at|by|over|out)\b)"
        r"|(?:assaulted|attacked|abused|beaten|raped|hit|strangled|stabbed|threatened|hurt)\s+by\s+"
        r"(?:my|her|his|their|our|the)\s+" + _ABUSER + r"\b"
        r"|(?:he|she|they|my\s+" + _ABUSER + r")\s+(?:is|has\s+been|gets|can\s+be)\s+(?:very\s+"
        r"|physically\s+|emotionally\s+|verbally\s+|so\s+)?(?:abusive|violent|dangerous)\b"
        r"|(?:he|she|they|my\s+" + _ABUSER + r")\s+(?:has|had|owns|keeps|carries|has\s+got)\s+"
        r"(?:a\s+)?(?:gun|knife|knives|firearm|weapon|shotgun|rifle)s?\b"
        r"|(?:he|she|they|my\s+" + _ABUSER + r")\s+(?:has\s+|had\s+)?(?:broke|broken)\s+into\s+"
        r"(?:my|our)\s+(?:house|home|flat|car|place)"
        r"|(?:he|she|they|my\s+" + _ABUSER + r")\s+(?:\w+\s+){0,2}?(?:track\w*|monitor\w*"
        r"|control\w*)\s+(?:all\s+(?:of\s+)?)?(?:me|us|my\s+(?:phone|location|movements|money"
        r"|finances|children|kids"
        r"|family))\b(?!\s+(?:for|about)\s+(?!months|weeks|years|days|ages|a\s+(?:year|month)))"
        r"|police\s+(?:have|has|had)\s+been\s+(?:called|round"
        r"|out)\b[^.!?\n]{0,60}?\b(?:because\s+of"
        r"|about)\s+(?:him|her|them|my\s+" + _ABUSER + r")\b"
        r"|(?:flee|fled|fleeing|escaped?|escaping)\s+(?:from\s+)?(?:my|our|the)\s+(?:home|house"
        r"|flat"
        r"|marriage|relationship)\b|(?:in|at|to|into)\s+a\s+(?:women[’']?s\s+)?(?:refuge"
        r"|safe\s+house)\b"
        r"|(?:he|she|they|my\s+" + _ABUSER + r")\s+(?:has\s+|had\s+)?(?:said|told\s+(?:me|us)"
        r"|threatened|warned\s+(?:me|us))\s+(?:that\s+)?(?:i|we)(?:[’']d"
        r"|\s+would|[’']ll|\s+will)\s+(?:be\s+sorry|regret\s+it|pay\s+for\s+(?:it|this))"
        r"|threat\w*\s+to\s+(?:take|remove|snatch|abduct)\s+(?:him|her|them)\b"
        r"|(?:is|are|poses?)\s+a\s+(?:danger|risk|threat)\s+to\s+(?:me|us|the\s+(?:children|kids)"
        r"|my\s+(?:children|kids|son|daughter|family)|(?:him|her)self|others)\b"
        r"|(?:afraid|scared|frightened)\s+(?:of|for)\s+(?:him|her|them|my\s+safety|my\s+life"
        r"|my\s+children)"
        r"|feel\s+unsafe|know\s+where\s+you\s+live"
        r"|(?:he|she|they|my\s+ex)\s+(?:\w+\s+)?knows?\s+where\s+(?:i|we)\s+(?:live|am|are|stay)"
        r"|(?:father|dad|mother|mum|stepfather|stepdad|stepmother|husband|wife|partner|ex|boyfriend"
        r"|girlfriend|uncle|brother)\s+(?:hits|beats|punche[sd]|kick(?:s|ed)|strangle[sd]|choke[sd]"
        r"|assault(?:s|ed)|attack(?:s|ed)|abuses|abused|hurts|hurt)\s+(?:her|him|them)\b"
        # probed (2026-12-07, fourth round)
        r"|(?:don[’']t|do\s+not|no\s+longer|never)\s+feel\s+safe\s*(?:at\s+home|in\s+(?:my|our)"
        r"\s+(?:own\s+)?(?:home|house|flat|bed)|any\s*more|[.!?,\n]|$)"
        r"|(?:call(?:ed)?|ring|rang|phoned?)\s+the\s+police\s+(?:because|when|after|as)\s+(?:he|she"
        r"|my\s+ex|they)\b"
        r"|threat\w*\s+to\s+(?:take|remove|snatch|abduct)\s+(?:the|my|our)\s+(?:children|kids"
        r"|child|son|daughter|baby)\b"
        r"|followed\s+me|threatened\s+(?:me|my\s+(?:family|children|wife"
        r"|husband))\b(?!\s+with\s+(?:legal|court|costs?|action|proceedings|bankruptcy|debt"
        r"|enforcement|bailiffs|eviction|an?\s+(?:claim|lawsuit|suit|letter|bill|fine|court"
        r"|county|injunction|order|eviction|solicitor|lawyer|attorney)\b))"
        r"|no\s+reason\s+to\s+live|" + _NOT_ACCUSED + r"domestic\s+(?:abuse|violence)"
        r"|(?:abusive|violent)\s+(?:partner"
        r"|husband|wife"
        r"|ex\b|ex-\w+|relationship|father|son|boyfriend|girlfriend)|coercive\s+control"
        r"|threat(?:s|ened|ening)?"
        r"\s+(?:to|of)\s+(?:kill|hurt|harm|attack|violence)|(?:afraid|scared"
        r"|fear(?:ful)?)\s+for\s+(?:my|our|his"
        r"|her|their)\s+(?:life|lives|safety)|(?:in|at)\s+(?:immediate\s+)?(?:danger"
        r"|risk\s+of\s+harm)"
        r"|unsafe\s+at\s+home|women's\s+refuge|stalk(?:ed|ing|er)"
        r"|(?:torment|terrori[sz])(?:ing|ed|es)\s+(?:me|us|my\s+(?:children|kids|family))"
        r"|keeps?\s+(?:turning|showing)\s+up\s+(?:at|outside)"
        r"|breach\w*\s+(?:[\w'’-]+\s+){0,3}?(?:non-?molestation|restraining|protection"
        r"|occupation)\s+order|(?:non-?molestation|restraining|protection)\s+order\s+"
        r"(?:[\w'’-]+\s+){0,3}?breach\w*"
        r"|(?:he|she|they|my\s+ex|my\s+(?:husband|wife|partner))\s+(?:would|will|is\s+going\s+to"
        r"|was\s+going\s+to|gonna)\s+(?:hurt|harm|kill|attack|beat)\s+(?:me|us|the\s+"
        r"(?:children|kids)|my\s+(?:children|kids|son|daughter|wife|husband|family|mum|mother"
        r"|dad|father))\b"
        r"|financial(?:ly)?\s+abus\w*"
        # probed (2026-12-07): threats, damage, hiding, children at risk
        r"|(?:he|she|they|my\s+ex|ex-?(?:husband|wife|partner))(?:[’'](?:s|ve|d))?\s+"
        r"(?:\w+\s+){0,3}?(?:sending|sent"
        r"|making|leaving|left)\s+(?:me\s+)?threatening\s+(?:messages|texts|calls|voicemails)"
        r"|(?:he|she|they|my\s+ex|ex-?(?:husband|wife|partner)|husband|partner)\s+(?:\w+\s+)?"
        r"smash(?:ed|es|ing)\s+(?:the|my|our|up)\b"
        r"|(?:i[’']m|i\s+am|we[’']re|we\s+are|been|now)\s+(?:in\s+)?hiding\b"
        r"(?!\s+(?:the|my|it|them|this|that|a|an|our|his|her)\b)"
        r"|(?:he|she|they|my\s+ex)\s+(?:has\s+|had\s+)?found\s+out\s+where\s+(?:i|we)\s+(?:live"
        r"|am|are|now\s+live|stay|are\s+staying)"
        r"|(?:he|she|they|my\s+ex)\s*(?:[’']d|\s+would|\s+will|[’']ll|\s+is\s+going\s+to"
        r"|\s+was\s+going\s+to|\s+gonna)\s+(?:burn|torch|set\s+fire\s+to)\s+(?:down\s+)?(?:the"
        r"|my|our)\s+(?:house|home|flat|car|place)"
        r"|(?:children|kids|child|daughter|son|baby)\s+(?:is|are|will\s+be|would\s+be)\s+(?:(?:at\s+"
        r"risk|in\s+danger)\b(?!\s+of\s+(?!harm|abuse|violence|being\s+(?:hurt|harmed|abused)))"
        r"|not\s+safe\b|unsafe\b)"
        # "turned up at my house with a knife", "threatened me with a gun"
        r"|(?:turned|showed|came)\s+up\s+(?:at|outside)\s+(?:my|our)\s+(?:\w+\s+)?(?:house"
        r"|home|door|flat|work|school)\b[^.!?\n]{0,40}?\bwith\s+an?\s+(?:knife|gun|weapon|machete"
        r"|firearm|axe)"
        r"|(?:threatened|attacked|came\s+at|went\s+for)\s+(?:me|us|my\s+\w+)\s+with\s+an?\s+"
        r"(?:knife|gun|weapon|machete|firearm|axe)"
        r"|(?:afraid|scared|frightened|terrified)\s+(?:that\s+)?(?:he|she|they)(?:\s+will|\s+might"
        r"|\s+would|\s+may|[’'](?:ll|d))\s+(?:\w+\s+)?(?:hurt|attack|kill|come\s+(?:to|round"
        r"|after)|turn\s+up\s+at|find\s+(?:me|us|where))\b"
        # probed (2026-12-07, second round): the person the writer fears is free again
        r"|(?:my\s+ex|ex-?(?:husband|wife|partner|boyfriend|girlfriend)|(?:my\s+|the\s+)(?:abuser"
        r"|attacker|stalker))\s+(?:is|has\s+been|was|got|gets|is\s+getting|will\s+be|being)\s+"
        r"(?:\w+\s+)?(?:out\s+of|released\s+from|let\s+out\s+of|out\s+on)\s+(?:prison|jail"
        r"|custody|bail)\b"
        r"|(?:husband|wife|partner|ex|boyfriend|girlfriend|stepfather|father|son)\s+(?:hits"
        r"|beats|punche[sd]|kick(?:s|ed)|strangle[sd]|choke[sd]|assault(?:s|ed)|attack(?:s|ed))\s+"
        r"(?:me|us|my\s+(?:children|kids|son|daughter))\b"
        # probed (2026-12-07, second round): violence told with a pronoun, not a fight in court
        r"|(?:he|she)\s+(?:has\s+|had\s+)?(?:beat|beaten|punched|strangled|choked|assaulted"
        r"|raped|kicked)\s+(?:me|us|my\s+(?:children|kids|son|daughter))\b"
        r"(?!\s+(?:with|in|at|to|on|by|over|out)\b)"
        r"|threatening\s+(?:me|us|my\s+(?:family|children|wife|husband))\b(?!\s+with\s+(?:legal"
        r"|court|costs?|action|proceedings|bankruptcy|debt|enforcement|bailiffs|a\s+claim))"
        # probed (2026-12-07, an independent writer's sentences) with the risk checklists'
        # questions (DASH: injury, fear, threats to kill, weapons; a child or adult at risk at
        # home; a person with nowhere to sleep tonight; a body in danger now)
        r"|(?:afraid|scared|frightened|terrified)\s+to\s+(?:leave|go\s+outside|open\s+the\s+door"
        r"|answer\s+the\s+door|go\s+to\s+sleep)\b"
        r"|i[’']?m\s+(?:so\s+|really\s+|very\s+|genuinely\s+)?(?:scared|frightened)"
        r"(?=\s*(?:[.!\n]|$|for\s+my\s+(?:life|safety|kids|children)))"
        r"|(?:came\s+back|returned|come\s+home|came\s+home)\s+(?:from\s+\w+\s+)?(?:\w+\s+){0,2}?"
        r"with\s+(?:\w+\s+)?(?:bruises|bruising|injuries|burns|a\s+black\s+eye|cuts)\b"
        # a threat, not an injury told ("the crash put him in hospital")
        r"|(?:ll|will|going\s+to|gonna|would|d|to)\s+(?:put|send|land)\s+(?:him|her|you|them|me"
        r"|us)\s+in(?:to)?\s+(?:the\s+)?hospital\b"
        r"|finish\s+(?:me|him|her|you|us)\s+off\b|(?:he|she|they)(?:[’']d|\s+would|[’']ll"
        r"|\s+will)\s+finish\s+(?:me|us)\b"
        r"|(?:waved|waving|brandish\w*|pulled|pointed|pointing)\s+(?:out\s+)?(?:a|his|her|the)\s+"
        r"(?:knife|gun|machete|axe|hammer|bat|crowbar|blade|weapon)\s+at\s+(?:me|us|my)\b"
        r"|(?:burn|torch)\w*\s+(?:down\s+)?(?:my|our|the)\s+(?:house|home|flat|place)\s+"
        r"(?:down\s+)?with\s+(?:me|us|my\s+\w+|the\s+\w+)\s+(?:still\s+)?in(?:side)?\b"
        r"|lock(?:s|ed|ing)?\s+(?:him|her|them|me|us|my\s+\w+|dad|mum|mom|mother|father|nan|gran"
        r"|grandma|grandad)\s+in\s+(?:his|her|their|my|our"
        r"|the|a)\s+(?:room|bedroom|house|flat|shed|cupboard|garage)\b"
        r"|(?:has(?:n[’']t|\s+not)|have(?:n[’']t|\s+not))\s+(?:eaten"
        r"|had\s+(?:any(?:thing)?\s+)?(?:food|anything\s+to\s+eat)|been\s+fed)\s+(?:since"
        r"|for|in)\b|no\s+food\s+in\s+the\s+(?:house|flat|home|fridge)\b"
        r"|(?:mummy|mommy|mum|mom|mother|dad|daddy|father|nan|gran|grandma|grandad|baby)\s+"
        r"(?:won[’']t|will\s+not|wouldn[’']t|isn[’']t|is\s+not)\s+wak(?:e|ing)\s+up\b"
        r"|touch(?:es|ed|ing)?\s+(?:her|him|them|my\s+\w+)\s+(?:at\s+night|in\s+(?:bed|the\s+bath)"
        r"|inappropriately)\b|sexual(?:ly)?\s+(?:abus\w*|assault\w*)\s+(?:of\s+)?(?:her|him|my"
        r"|the|a)\s+(?:\w+\s+)?(?:child|children|kids|daughter|son|niece|nephew|grand\w+"
        r"|girl|boy)\b"
        r"|(?:no\s*(?:one|body)|no-one)\s+(?:to|has\s+(?:been\s+)?(?:able\s+)?to|came\s+to)\s+"
        r"(?:do\s+(?:his|her|their|my)\s+(?:feeds|medication|meds|insulin|dressings)|feed\s+(?:him"
        r"|her|them)|give\s+(?:him|her|them)\s+(?:his|her|their)\s+(?:medication|meds|insulin))\b"
        r"|(?:not\s+(?:been\s+able\s+to|had)|unable\s+to|couldn[’']t|could\s+not|can[’']t|cannot)"
        r"\s+(?:collect|get|afford|take|have)\s+(?:my|his|her|their)\s+(?:insulin|medication|meds"
        r"|medicine|inhalers?|epipen|oxygen)\s+(?:for|since)\b"
        r"|without\s+(?:my|his|her|their)\s+(?:insulin|medication|meds|oxygen|dialysis|epipen)\s+"
        r"(?:for|since)\b"
        r"|chest\s+pains?\s+(?:all|this|since\s+this)\s+(?:morning|afternoon|evening|day|night)\b"
        r"|(?:left\s+arm|face)\s+(?:has\s+)?(?:gone|went|is\s+going|is)\s+numb\b"
        r"|(?:nowhere|no\s*where|no\s+place)\s+(?:safe\s+)?(?:for\s+(?:us|me|them|my\s+\w+)\s+)?"
        r"to\s+(?:sleep|stay|go|live)\s+(?:tonight|today|with\s+(?:my|the|our)\s+(?:\w+\s+)?"
        r"(?:kids|children|girls|boys|baby|babies|son|daughter))\b"
        r"|(?:sleeping|sleep|slept|living|staying|stay|live)\s+(?:rough\b|in\s+(?:my|the|a|our)\s+"
        r"(?:car|van)\b|on\s+the\s+streets?\b|in\s+a\s+(?:tent|doorway)\b|(?:in|at)\s+(?:a|the)"
        r"\s+(?:bus|train|coach)\s+station\b)"
        r"|(?:been|waiting|sitting|sat|stuck)\s+(?:in|at)\s+(?:a|the)\s+(?:bus|train|coach)\s+"
        r"station\s+since\b|refuge\s+(?:is|was)\s+full\b"),
    _rule(
        "imminent_event", "critical", set(),
        "says a trial, hearing, completion or exchange is only days or a couple of weeks away",
        # "two weeks away from the trial", "completion is now within a few days"
        r"(?:(?:about|approximately|around|roughly|nearly|almost|just|only|less\s+than)\s+)?"
        + _FEW_DAYS + r"\s+away\s+from\s+(?:the\s+|my\s+|our\s+|his\s+|her\s+)?"
        r"(?:jury\s+|final\s+|court\s+)?" + _EVENT + r"\b"
        r"|" + _EVENT + r"\s+(?:is|are|[’']s)\s+(?:now\s+)?(?:in|within)\s+"
        r"(?:about\s+|only\s+|just\s+)?" + _FEW_DAYS + r"\b"
        # "in mere days the children have a court date"
        r"|\bin\s+(?:mere|a\s+few|just\s+a\s+few|two|three|2|3)\s+days\b[^.;!?\n]{0,60}?\b"
        + _EVENT + r"\b"
        # "I'm due in court in the morning" (probed 2026-12-07, fourth round)
        r"|(?:due|going\s+to\s+be|will\s+be|i[’']m|i\s+am|we[’']re|we\s+are|have\s+to\s+be)\s+"
        r"(?:in|at)\s+court\s+(?:in\s+the\s+morning|first\s+thing|this\s+(?:afternoon|morning))",
        negatable=True),
    _rule(
        "limitation_running_out", "critical", set(),
        "says years have passed and nothing has been issued: a limitation period may be about to "
        "run out",
        r"(?:almost|nearly|close\s+to|coming\s+up\s+(?:to|on)|just\s+(?:under|short\s+of))\s+"
        r"(?:two|three|six|2|3|6)\s+years\b[^.!?\n]{0,80}(?:\bnot|n[’']t"
        r"|\bnever)\s+(?:yet\s+)?(?:\w+\s+)?"
        r"(?:filed|issued|started|lodged|commenced|brought)"),
    _rule(
        "imminent_deadline", "critical", set(), "says a deadline or time limit is only days away",
        r"(?:less\s+than|under|only|just)\s+(?:a|one|two|three|four|five|six|seven|eight|nine|ten"
        r"|\d{1,2}|a\s+few"
        r"|a\s+couple\s+of)\s+(?:working\s+)?(?:days?|weeks?)\s+(?:away|left|to\s+go|remaining"
        r"|before)|(?:only|just)"
        r"\s+(?:a\s+)?few\s+days\s+left|(?:before|until)\s+(?:the\s+)?time\s+runs\s+out"
        r"|time\s+is\s+running\s+out"
        r"|(?:deadline|time\s+limit|limitation\s+period)\s+(?:is|expires|runs\s+out"
        r"|ends)\s+(?:today|tomorrow"
        r"|this\s+week|on\s+(?:monday|tuesday|wednesday|thursday|friday))"
        r"|(?:due|expires?|runs?\s+out|ends?|closes?|is|are)\s+(?:in|within)\s+(?:less\s+than"
        r"|under|only)\s+(?:a|one|two|three"
        r"|four|five|six|seven|eight|nine|ten|\d{1,2}|a\s+few|a\s+couple\s+of)\s+(?:working\s+"
        r"|business\s+)?"
        r"(?:days?|hours?)", negatable=True),
    _rule(
        "missed_deadline", "high", {"insurer_notification"}, "says a deadline was already missed",
        r"miss(?:ed|ing)\s+" + _W +
        r"{0,3}(?:deadline|time\s+limit|limitation|court\s+date|hearing|filing\s+date"
        r"|completion\s+date|date\s+for)|(?:deadline|time\s+limit|limitation\s+(?:period|date))\s+"
        + _W +
        r"{0,4}(?:passed|expired|missed|lapsed|gone\s+by|ran\s+out|(?:has|had)\s+run\s+out)"
        r"|out\s+of\s+time|(?:time"
        r"|statute)[- ]barred"
        r"|struck\s+out|past\s+the\s+deadline|after\s+the\s+deadline|default\s+judg(?:e)?ment"
        r"|(?:statute\s+of\s+limitations?|limitation\s+period|time\s+limit)\s+(?:has\s+|had\s+)?"
        r"(?:now\s+)?(?:run|ran|expired|passed|lapsed)\b"
        r"|(?:failed|forgot|neglected)\s+to\s+(?:file|lodge|submit|serve|register|issue|respond"
        r"|send|apply)\s+"
        + _W + r"{0,6}(?:in\s+time|on\s+time|by\s+the\s+deadline|before\s+the\s+deadline)"
        # "you let the limitation period expire"
        r"|(?:let|allowed)\s+(?:the\s+|my\s+|our\s+)?(?:limitation\s+period|time\s+limit|deadline"
        r"|statute\s+of\s+limitations?)\s+(?:to\s+)?(?:expire|lapse|pass|run\s+out|go\s+by)"),
    _rule(
        "loss", "high", {"insurer_notification"}, "claims a financial loss or compensation",
        r"compensate\s+(?:me|us|my|our)|compensation\s+for|(?:want|demand|expect|seek|claim"
        r"|ask\w*\s+for"
        r"|request\w*|entitled\s+to|pay\s+(?:me|us))\s+" + _W +
        r"{0,3}compensation|out\s+of\s+pocket"
        r"|financial(?:ly)?\s+(?:loss|losses)|worse\s+off|losses|damages"
        r"|(?:lost|lose|losing)\s+(?:my|our)\s+(?:buyer|sale|purchase|house|home|deposit|deal"
        r"|chain|mortgage\s+offer)\b|lost\s+(?:me|us)\s+(?:the\s+|my\s+|our\s+)?(?:£|\$|€|\d"
        r"|money|thousands|a\s+fortune|sale|house|deposit|buyer)"
        r"|(?:sell|sold|selling|accept\w*)\s+(?:it\s+|the\s+\w+\s+)?for\s+[£$€][\d,.]+k?\s+less"
        r"|(?:lost|lose|losing)\s+" + _W +
        r"{0,3}(?:£|\$|€|money|thousands|out|the\s+(?:sale|house|home|property"
        r"|purchase|buyer|deal|mortgage|offer|case|claim|deposit|chain))|cost\s+(?:me|us)\s+(?:£"
        r"|\$|€|\d|thousands"
        r"|a\s+fortune|dearly|money)|pay\s+for\s+(?:the|your|this)\s+(?:mistake|error)s?"
        # "I had to pay a penalty of £3,000 to the lender"
        r"|(?:had|have|having|forced)\s+to\s+pay\s+(?:a\s+|an\s+)?(?:\w+\s+)?(?:penalty|penalties"
        r"|fine|late\s+(?:fee|charge)s?|interest|twice|again)\b"),
    _rule(
        "refund", "high", set(), "asks for a refund or a reduction of the bill",
        r"refund\w*|reimburs\w*|(?:my|our|the)\s+(?:fees?|costs?|money|deposit)\s+back|money\s+back"
        # "you pay back the £2,000 deposit", not "I'll have to pay back costs" (seed s0677)
        r"|(?<!\bto\s)pay\s+(?:me|us)\s+back\b|(?<!\bto\s)pay\s+back\s+(?:the|my|our)\s+"
        r"(?:[£$€][\d,.]+k?\s+)?(?:deposit|fees?|money|overpayment|retainer|funds)\b"
        r"|(?:waive|write\s+off|reduce|reduction\s+(?:of|in))\s+" + _W +
        r"{0,3}(?:fees?|bill|invoice|costs?|charges?)"),
    _rule(
        "error", "normal", {"insurer_notification"}, "alleges an error in the legal work",
        r"negligen\w*|(?:made|make|making)\s+(?:a\s+|an\s+)?(?:serious\s+|big\s+|huge\s+|basic\s+"
        r"|costly\s+)?"
        r"(?:mistake|error|blunder)|wrong\s+advice|advised\s+(?:me\s+|us\s+)?(?:wrongly"
        r"|incorrectly)"
        r"|incorrect\s+advice|(?:mistakes?|errors?)\s+in\s+(?:the|my|our)\s+(?:will|contract"
        r"|lease|transfer|deed"
        r"|claim|application|forms?|documents?|paperwork|conveyancing)", negatable=True),
    _rule(
        "escalation", "high", set(),
        "threatens to go to the ombudsman, a regulator or another lawyer",
        r"ombudsman|solicitors?\s+regulation\s+authority|law\s+society|(?:the|a)\s+regulator"
        r"|council\s+for\s+"
        r"licensed\s+conveyancers|solicitor[- ]general|(?:consult|instruct|see|go\s+to"
        r"|take\s+advice\s+from)\s+"
        r"(?:another|an\s+independent|a\s+different)\s+(?:solicitor|lawyer|firm)|legal\s+action"
        r"|take\s+"
        r"(?:you|this|it|the\s+matter|things)\s+(?:to\s+court|further|higher)"
        r"|report(?:ing)?\s+(?:this|you|it|him|her|the\s+firm)"
        r"\s+to\s+the\s+police|sue\s+(?:you|the\s+firm)|small\s+claims"
        r"|trading\s+standards|information\s+commissioner|report\s+(?:you|this|the\s+firm"
        r"|your\s+firm)|the\s+press|newspapers?"
        # US and Commonwealth bodies: "I'm going to the bar association with this"
        r"|bar\s+(?:association|council|standards\s+board)|state\s+bar|disciplinary\s+(?:board"
        r"|committee|counsel|tribunal)|grievance\s+committee|law\s+institute|legal\s+(?:services\s+)?"
        r"(?:commissioner|complaints?\s+(?:commission|board))",
        case_sensitive=r"LeO|SRA|CLC|SLCC|LSRA|FOS|CILEx|CILEX|ICAEW|ICO|MP"),
    _rule(
        "vulnerability", "high", {"vulnerability"},
        "mentions vulnerability (illness, disability, bereavement, age or mental health)",
        r"cancer|terminal(?:ly)?\s+ill|chemo\w*|seriously\s+ill|illness|in\s+hospital"
        r"|hospitali[sz]ed|hospice"
        r"|disab(?:led|ility|ilities)|wheelchair|deaf|dementia|alzheimer\w*|bereave\w*"
        r"|passed\s+away"
        r"|died|grieving|grief|widow(?:ed)?|elderly|pensioner|(?:[7-9]\d|1[01]\d)[- ]year[- ]old"
        r"|aged\s+(?:[7-9]\d|1[01]\d)|mental\s+health|depress(?:ed|ion)|anxiety|panic\s+attacks?"
        r"|ptsd"
        r"|a\s+stroke|pregnan\w*|autis\w*|learning\s+(?:difficult|disabilit)\w*|dyslexi\w*"
        r"|vulnerable|frail"
        r"|heart\s+attack|nervous\s+breakdown|(?:i\s+am"
        r"|i[’']m)\s+(?:a\s+)?(?:full[- ]time\s+)?carer|poor\s+health"
        r"|sick\s+leave|registered\s+blind|hard\s+of\s+hearing"
        r"|multiple\s+sclerosis|parkinson[’']?s|motor\s+neuron[e]?|chronic\s+(?:illness|pain"
        r"|fatigue)|epilep\w*|bipolar|schizophreni\w*"
        # probed (2026-12-07): bereavement, age, health and language in other words
        r"|(?:wife|husband|mother|father|mum|dad|son|daughter|partner|brother|sister|child"
        r"|grandmother|grandfather|granny|grandad)\s+(?:has\s+|had\s+)?passed\s+on\b"
        r"|sickle\s+cell|in\s+and\s+out\s+of\s+hospital|partially\s+sighted|visually\s+impaired"
        r"|english\s+is\s+not\s+my\s+(?:first|native|main)\s+language"
        # not "I'm 71 and in good health" (seed s0470, s0239: age alone is no vulnerability) nor
        # "we were now homeless for a bit" between a sale and a purchase (r0209)
        r"|suffer\w*\s+(?:with|from)\s+(?:my\s+|bad\s+)?nerves|(?:made|left|become|became)\s+"
        r"homeless", negatable=True,
        # "I have MS", not "Ms Smith"
        case_sensitive=r"(?<=have\s)MS|(?<=with\s)MS|(?<=of\s)MS"),
    _rule(
        "discrimination", "high", {"conduct_referral"},
        "alleges discrimination or a refusal of reasonable adjustments",
        r"discriminat\w*|racis[mt]\w*|sexis[mt]\w*|homophob\w*|transphob\w*|islamophob\w*"
        r"|anti-?semit\w*"
        r"|misogyn\w*|ableis[mt]|because\s+(?:of\s+)?(?:i\s+am|i[’']m|my)\s+(?:a\s+)?(?:race"
        r"|religion|disab\w+|age"
        r"|gender|accent|colou?r|black|asian|muslim|jewish|gay|woman|female|foreign|pregnan\w+"
        r"|sexuality|ethnicity)"
        r"|(?:no|refused|refusing|ignored"
        r"|failed\s+to\s+make)\s+(?:any\s+)?reasonable\s+adjustments?"
        r"|(?:couldn[’']t|could\s+not|can[’']t|cannot)\s+understand\s+(?:my|his|her)\s+accent"
        r"|(?:doesn[’']t|don[’']t|won[’']t|wouldn[’']t|does\s+not|do\s+not|will\s+not|would\s+not)\s+"
        r"(?:act\s+for|help|represent|serve|deal\s+with|want)\s+people\s+like\s+(?:me|us)\b",
        negatable=False, category="staff_conduct"),
    _rule(
        "complaint_age", "high", set(),
        "says an earlier complaint is near or past the 8-week mark",
        r"(?:complained|complaint|raised\s+(?:this|it|my\s+concerns))\s+" + _W +
        r"{0,10}(?:(?:[7-9]|1\d|eight"
        r"|nine|ten|seven|twelve)\s+weeks|(?:[2-9]|1[0-2]|two|three|four|five|six"
        r"|several)\s+months)\s+ago"
        r"|(?:over|more\s+than|nearly|almost|past)\s+(?:8|eight)\s+weeks\s+" + _W +
        r"{0,6}complain\w*"
        r"|complain\w*\s+(?:[^.!?]{0,120}[.!?]\s+)?(?:[^.!?]{0,60})(?:over|more\s+than|nearly"
        r"|almost|past)\s+"
        r"(?:(?:8|eight)\s+weeks|two\s+months)"
        r"|(?:8|eight)[- ]week\s+(?:deadline|limit|period|mark)"
        # "it has been ten weeks since my complaint" (a probe, 2026-12-07)
        r"|(?:(?:[89]|1\d|eight|nine|ten|eleven|twelve|several)\s+weeks|(?:[2-9]|1[0-2]|two|three"
        r"|four|five|six|several)\s+months)\s+since\s+(?:i\s+(?:made|sent|raised|lodged)\s+)?(?:my|our"
        r"|the|a)\s+(?:formal\s+|original\s+|first\s+)?complaint"),
)

# Rule-only flags (no model head): a personal-data breach starts the 72-hour ICO decision clock;
# a subject access request its one-month clock (service/duties.py).
DATA_BREACH = "data_breach"
SUBJECT_ACCESS = "subject_access"

# A request for one's own personal data (UK GDPR Art 15) or its erasure (Art 17), in the words
# people use: recognised so that it gets its one-month clock, whether or not it is also a
# complaint (F16).
SUBJECT_ACCESS_RULE = _rule(
    "subject_access", "normal", {SUBJECT_ACCESS},
    "asks for the personal data we hold (a subject access request: one month to answer)",
    r"subject\s+access(?:\s+request)?|data\s+subject\s+(?:access\s+)?request|right\s+of\s+access"
    r"|(?:copy|copies|details)\s+of\s+(?:all\s+)?(?:the\s+)?(?:my\s+)?(?:personal\s+)?(?:data"
    r"|information)\s+(?:that\s+)?(?:you|your\s+firm|the\s+firm)\s+(?:hold|holds|have|keep|store)"
    r"|(?:what|which|all)\s+(?:personal\s+)?(?:data|information)\s+(?:that\s+)?(?:you|your\s+firm"
    r"|the\s+firm)\s+(?:hold|holds|have|keep|store)\w*\s+(?:on|about)\s+me"
    r"|(?:send|give|provide)\s+me\s+(?:a\s+copy\s+of\s+)?(?:all\s+)?(?:my|the)\s+personal\s+"
    r"(?:data|information)|article\s+15|(?:delete|erase|remove)\s+(?:all\s+)?(?:of\s+)?my\s+"
    r"(?:personal\s+)?(?:data|information|details)|right\s+to\s+(?:be\s+forgotten|erasure)",
    case_sensitive=r"SAR|DSAR",
)
RULES = RULES + (SUBJECT_ACCESS_RULE,)

# Areas of law, for the register's "area complained about" (F19): the matter the complaint
# concerns, never read from the category ("delay" says nothing about the area). A handler sets it
# with `area NAME`; until then it is read from the words that name the matter.
AREAS = ("conveyancing", "probate", "wills_trusts", "family", "litigation", "personal_injury",
         "employment", "immigration", "criminal", "housing", "commercial", "consumer_credit",
         "other")
_AREA_BODIES = (
    ("conveyancing",
     r"conveyanc\w*|(?:house|flat|property|home)\s+(?:sale|purchase)|(?:sale|purchase)\s+of\s+"
     r"(?:my|our|the)\s+(?:house|flat|home|property)|exchange\s+of\s+contracts"
     r"|completion\s+(?:date|statement|funds)|remortgage|leasehold|freehold|land\s+registry"
     r"|searches|stamp\s+duty|buyer'?s\s+solicitor|seller'?s\s+solicitor"
     r"|(?:sale|purchase)\s+of\s+\d+\w*\s+\w+|due\s+to\s+complete"
     r"|complet(?:e|ion)\s+(?:on|tomorrow|today|date|funds)"
     r"|\bexchange\b(?!\s+(?:of\s+)?(?:e-?mails?|messages|letters|views))"),
    ("probate",
     r"probate|(?:the|my\s+\w+'?s?)\s+estate\b|executors?|administrators?\s+of|grant\s+of"
     r"|beneficiar\w+|inheritance\s+tax"),
    ("wills_trusts",
     r"\bwill\s+(?:writing|drafting)|my\s+will\b|new\s+will|lasting\s+power\s+of\s+attorney"
     r"|power\s+of\s+attorney|\btrusts?\b(?!\s+me)"),
    ("family",
     r"divorce|separation|child\s+arrangements|custody|contact\s+with\s+my\s+(?:children|son"
     r"|daughter)|financial\s+remedy|prenup\w*|matrimonial|family\s+court|maintenance"),
    ("personal_injury",
     r"personal\s+injury|(?:road\s+traffic|car|work(?:place)?)\s+accident|whiplash"
     r"|injury\s+claim|clinical\s+negligence|medical\s+negligence"),
    ("employment",
     r"employment\s+tribunal|unfair\s+dismissal|(?:my\s+)?employer\b|settlement\s+agreement"
     r"|redundancy|grievance"),
    ("immigration", r"immigration|visa|asylum|leave\s+to\s+remain|home\s+office|citizenship"),
    ("criminal",
     r"criminal|police\s+(?:station|interview)|magistrates|crown\s+court|charged\s+with"
     r"|prosecution|bail\b"),
    ("housing",
     r"tenan\w+|landlord|eviction|possession\s+(?:order|proceedings)|disrepair|section\s+21"),
    ("consumer_credit",
     r"car\s+finance|consumer\s+credit|(?:personal\s+)?loan\s+agreement|credit\s+agreement"
     r"|debt\s+(?:collection|recovery)|broker\s+commission|hire\s+purchase"),
    ("litigation",
     r"litigation|court\s+(?:case|claim|proceedings)|county\s+court|small\s+claims|my\s+claim"
     r"|the\s+claim\b|defendant|claimant|judg(?:e)?ment|tribunal"),
    ("commercial",
     r"my\s+(?:company|business)|shareholder|commercial\s+lease|contract\s+dispute"
     r"|partnership\s+agreement|company\s+(?:formation|sale|purchase)"),
)
_AREA_WORDS = tuple((area, GatedPattern(body)) for area, body in _AREA_BODIES)


def area_of_law(text: str) -> str | None:
    """The area of law the words name most often (ties: the order of AREAS); None if none."""
    lowered = text.lower()
    words = Words.of(lowered)
    counts = [(sum(1 for _ in pattern.finditer(lowered, words)), -i, area)
              for i, (area, pattern) in enumerate(_AREA_WORDS)]
    best = max(counts, default=(0, 0, None))
    return best[2] if best[0] else None


_THIRD_PARTY = GatedPattern(
    r"beneficiar(?:y|ies)|on\s+behalf\s+of\s+(?:my|our)\b|writing\s+for\s+my|(?:i\s+am"
    r"|i[’']m)\s+not\s+"
    r"(?:your|a|the\s+firm's)\s+client|not\s+(?:your|the)\s+client|your\s+client\b(?!\s+care)"
    r"|the\s+borrower|as\s+(?:her|his"
    r"|their)\s+(?:attorney|deputy|carer|daughter|son)|my\s+(?:late\s+)?(?:mother|father|mum|mom"
    r"|dad|husband"
    r"|wife|partner|son|daughter|brother|sister|aunt|uncle|grandmother|grandfather|gran|nan"
    r"|parents?)(?:[’']s|s[’'])"
    r"\s+(?:\w+\s+){0,2}(?:estate|matter|case|file|sale|purchase|will|affairs|behalf|solicitors?"
    r"|conveyancing)"
    r"|the\s+estate\s+of|the\s+(?:lender|bank)\s+(?:you\s+act|instructed\s+you)")


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 40):start]))


def rule_hits(text: str) -> list[Hit]:
    """Every rule that fires on `text` (its first match that is not negated), in rule order."""
    lowered = "".join(c if len(low := c.lower()) != 1 else low for c in text) \
        if len(text.lower()) != len(text) else text.lower()  # keep spans aligned with `text`
    hits: list[Hit] = []
    words = Words.of(lowered)
    for rule in RULES:
        span = next((m for m in rule.gated.finditer(lowered, words)
                     if not (rule.negatable and _negated(lowered, m[0]))), None)
        if span is None and rule.acronyms is not None:
            acronym = rule.acronyms.search(text)
            span = acronym.span() if acronym else None
        if span is not None:
            hits.append(Hit(rule, *span))
    return hits


def mentions_third_party(text: str) -> bool:
    """True when the writer seems not to be the client (beneficiary, relative, the other side)."""
    lowered = text.lower()
    return next(_THIRD_PARTY.finditer(lowered, Words.of(lowered)), None) is not None
