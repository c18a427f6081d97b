"""Emergency rules combined with the classifier's guess into one Suggestion a handler can read.

The classifier is good at "what is this about" and poor at "is a hearing three days away";
the rules are the reverse. Rules may only RAISE urgency and add flags, never lower what
the model said, and every conclusion carries a reason in plain words. Pure: the message
date, country and time zone are parameters; nothing here reads the clock.
"""

from __future__ import annotations

from typing import Any

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone as dt_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .dates import TOMORROW, WEEKDAYS, DateMention, find_dates
from .lexicon import OTHER_PEOPLE, OUR_PEOPLE
from .salutations import without_salutations
from .rules import DATA_BREACH, Hit, area_of_law, mentions_third_party, rule_hits

CATEGORIES = ("delay", "communication", "advice_quality", "instructions", "costs_information",
              "costs_excessive", "documents_funds", "staff_conduct", "integrity_misconduct",
              "data_security", "complaint_handling", "other")
URGENCIES = ("low", "normal", "high", "critical")
FLAGS = ("conduct_referral", "insurer_notification", "third_party", "vulnerability",
         "safeguarding")
PRECEDENCE = ("integrity_misconduct", "data_security")
CRITICAL_WORKING_DAYS = 10
# A message read as an enquiry still names a date nobody may let pass: a hearing, a limitation
# date, an eviction. Within this many working days (today, tomorrow, the next working day) it is
# critical however it reads: "I am due in court tomorrow and my barrister has walked away, what
# are my options?" must reach a person today. Completions and exchanges are left to the complaint
# reading: a buyer's note on completion day is routine conveyancing, not an emergency.
ENQUIRY_WORKING_DAYS = 1
ENQUIRY_PRESSING_EVENTS = frozenset({
    "hearing", "court date", "trial", "tribunal", "sentencing", "appeal deadline",
    "limitation date", "filing deadline", "deadline", "expiry date", "eviction", "repossession",
    "bailiffs' visit", "police interview", "inquest", "lawsuit", "mediation", "deposition"})
# Hostile input is input: a single huge "word" once exhausted memory in the n-gram hasher. Every
# regex, the date finder and the vectoriser see at most this much text and no longer words
# (real complaint letters run to a few thousand words; no English word is 50 letters long).
MAX_TEXT_CHARS = 20_000
MAX_WORD_CHARS = 50
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD_CHARS + 1))
MONTH_FIRST_COUNTRIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM"})
SENTENCE_WINDOW = 400  # characters either side of a date searched for its sentence
# The model's own critical probability that is enough to raise to critical even when it is
# not the top urgency: a missed emergency costs far more than a false alarm.
CRITICAL_PROBABILITY = 0.3
# The binary critical head's threshold (classifier.CRITICAL_HEAD): chosen on the grouped CV of
# 895 real texts, where, beyond what the rules and the urgency head found, 0.2 found 8 more
# critical texts for 63 more false alarms, 0.3 5 for 17, and 0.4 none for 5.
CRITICAL_HEAD_PROBABILITY = 0.3
# A flag is suggested from the model at this probability (chosen by cross-validation for
# recall: a missed conduct referral or insurer notification costs more than a spare one).
FLAG_PROBABILITY = 0.4
# When is the model unsure? Chosen on grouped cross-validation over the real texts
# (tests/bench/tune_classifier.py, README "Triage"): a category is marked uncertain when its
# probability is below CATEGORY_SURE or within CATEGORY_MARGIN of the runner-up; a message is
# "not_complaint" only below COMPLAINT_LOW and "complaint" only from COMPLAINT_HIGH, with an
# "uncertain" band between, where a person decides.
# On the real texts (grouped CV) sure 0.4 / margin 0.1 marks 62% uncertain, right 75% of the time
# when sure; on the seed (CV) 45% and 89%. The complaint head's probabilities are compressed
# upwards (most mail is complaints), so "not_complaint" is below 0.5, exactly where is_complaint
# turns false, and 0.5-0.7 is the uncertain band: all real complaints and 98.6% of seed ones stay
# out of not_complaint.
CATEGORY_SURE = 0.4
CATEGORY_MARGIN = 0.1
COMPLAINT_LOW = 0.5
COMPLAINT_HIGH = 0.7
COMPLAINT_SIGNALS = ("complaint", "not_complaint", "uncertain")

# Other Englishes and other proceedings (a probe, 2026-12-07), with what a reason calls each:
# "my matter is coming up on Thursday", "fixed for arguments on 9/12", "the matter is posted for
# Monday" (Indian English), judgment delivered, a bail application, a visa interview, an auction
# or sheriff sale, an arbitration, "the last date to pay".
OTHER_EVENTS: tuple[tuple[str, str], ...] = (
    (r"(?:matter|case|application|appeal|petition|suit)\s+(?:is\s+|was\s+)?(?:coming|comes|come)"
     r"\s+up", "hearing"),
    (r"fixed\s+for\s+(?:arguments?|hearing|trial|judg(?:e)?ment|orders|evidence"
     r"|final\s+hearing)", "hearing"),
    (r"(?:matter|case|hearing|application|appeal)\s+(?:is|was|has\s+been)\s+posted\s+for",
     "hearing"),
    (r"bail\s+(?:application|hearing)", "hearing"),
    (r"judg(?:e)?ment\s+(?:is\s+|will\s+be\s+)?(?:delivered|handed\s+down|pronounced|due)",
     "judgment"),
    (r"transfer\s+(?:of\s+(?:the\s+)?(?:property|title|house|flat|land)|date|day)", "completion"),
    (r"(?:visa|immigration|asylum|citizenship)\s+interview", "interview"),
    (r"auction|sheriff[’']?s?\s+sale|foreclosure\s+sale|trustee[’']?s?\s+sale", "auction"),
    (r"arbitration", "arbitration"),
    # US and UK procedure: an arraignment, a pretrial or status conference, a docket or
    # calendar call, a case management or directions hearing, an appeal "heard on Tuesday"
    (r"arraignment|pre-?trial(?:\s+(?:conference|hearing|review))?|status\s+(?:conference|hearing)"
     r"|(?:docket|calendar|trial)\s+call|case\s+management\s+(?:conference|hearing)"
     r"|directions\s+hearing|first\s+appearance|plea\s+hearing", "hearing"),
    (r"(?:appeal|case|matter|application|claim|petition)\s+(?:is|will\s+be|gets)\s+heard",
     "hearing"),
    (r"custody\s+evaluation|home\s+study", "custody evaluation"),
    # not "due date": a bill's ("the due date on your invoice")
    (r"(?:final|last|cut-?off)\s+date(?:\s+(?:to|for)\b)", "deadline"),
    # probed (2026-12-07, second round): "my claim will be time-barred on Friday", "I will lose
    # my house on Thursday"
    (r"(?:time|statute)[- ]barred", "limitation date"),
    # A grid of event verbs and date forms (2026-12-07): the events told as verbs, not nouns
    (r"(?:be(?:ing)?\s+|get(?:ting)?\s+)?sentenced", "sentencing"),
    (r"repossess(?:ed|ing)", "repossession"),
    (r"(?:we|i|they)(?:\s+are|\s+am|[’'](?:re|m))?\s+(?:complete|completing)\b", "completion"),
    (r"(?:we|i)(?:\s+are|\s+am|[’'](?:re|m))\s+moving\b"
     r"(?!\s+(?:on\s+(?:from|with|to)\b|forward|ahead|away\s+from))",
     "completion"),
    (r"(?:leave|vacate|move\s+out\s+of|be\s+out\s+of)\s+(?:the|my|our|this)\s+(?:flat|house|home"
     r"|property|premises|accommodation)", "eviction"),
    (r"(?:appeal|application|claim|defen[cs]e|response|form|papers?|documents?|evidence|statement"
     r"|bundle)\s+(?:has|have|needs?|must)\s+(?:to\s+)?be\s+(?:lodged|filed|submitted|served|issued"
     r"|sent|in)\b", "deadline"),
    (r"(?:must|have\s+to|has\s+to|need\s+to|needs\s+to|got\s+to)\s+(?:file|lodge|submit|serve|issue"
     r"|send\s+in|hand\s+in)\s+(?:my|our|the|a|his|her)\s+(?:\w+\s+)?(?:defen[cs]e|appeal|claim"
     r"|response|application|evidence|statement|form|papers|documents|bundle|reply|objection)",
     "deadline"),
    (r"last\s+day\s+(?:to|for)\s+(?:appeal|file|lodge|submit|respond|reply|apply|object|register"
     r"|pay|accept|sign|serve|issue)", "deadline"),
    (r"(?:visa|leave\s+to\s+remain|permit|mortgage\s+offer|tenancy|lease|injunction"
     r"|protection\s+order"
     r"|non-?molestation\s+order)\s+(?:runs\s+out|run\s+out|ends|lapses|expires)", "expiry date"),
    (r"(?:appeal|case|matter|application|claim|petition)\s+(?:is\s+being|will\s+be|is\s+to\s+be)"
     r"\s+heard", "hearing"),
    (r"judg(?:e)?ment\s+is\s+being\s+(?:delivered|handed\s+down|given)", "judgment"),
    (r"fdr|fhdra|(?:first|financial)\s+(?:hearing\s+)?dispute\s+resolution(?:\s+appointment)?",
     "hearing"),
    (r"(?:immigration|asylum|tribunal|court|planning|benefits?|pip|esa|visa|deportation)\s+appeal",
     "hearing"),
    (r"jury\s+selection|voir\s+dire", "trial"),
    (r"notice\s+to\s+quit|section\s+(?:21|8)\s+notice", "eviction"),
    # a forced sale as much as our own: "the sale of our home is going ahead on Tuesday"
    (r"sale\s+of\s+(?:my|our|the|his|her|their)\s+(?:family\s+)?(?:house|home|flat|property)\s+"
     r"(?:is\s+|will\s+)?(?:going|goes|go|set|scheduled|booked|due|completes?|completing)\b",
     "completion"),
    (r"(?:meant|supposed|due|going|scheduled|set)\s+to\s+move(?:\s+in|\s+out)?", "completion"),
    (r"los(?:e|ing)\s+(?:my|our|the|his|her|their)\s+(?:family\s+)?(?:house|home|flat"
     r"|property)", "loss of the home"),
)
_OTHER_EVENT_FORMS = tuple((re.compile(form), name) for form, name in OTHER_EVENTS)
_EVENT = re.compile(
    r"\b(?P<event>hearings?(?!\s+(?:from|back|anything|nothing|aid|about|of\s+(?:this|it)))"
    r"|court\s+(?:date|hearing"
    r"|appearance|case)|(?<=in\s)court|(?<=at\s)court|trial|tribunal|sentencing"
    # "Court tomorrow", "court on Monday", "heading to court Monday": the word court straight
    # before its day
    r"|court(?=\s*(?:is\s+)?[,:-]?\s*(?:" + TOMORROW + r"|on|next|this|" + "|".join(WEEKDAYS)
    + r")\b)"
    r"|appeal\s+(?:deadline|hearing)"
    r"|limitation|exchange(?!\s+(?:of\s+)?(?:e-?mails?|messages|letters|calls|words|views))"
    r"|exchanging"
    r"|completion(?!\s+statement)|complete\s+on|completing|due\s+to\s+complete|mediation|inquest"
    r"|deadline|time\s+limit|possession\s+(?:order|hearing|date)"
    + "".join("|" + form for form, _ in OTHER_EVENTS) +
    # "my three years runs out next Thursday": a limitation period told by its length
    r"|years?\s+(?:runs|run|running)\s+out"
    r"|listed\s+(?:(?:the|my|our)\s+(?:case|matter|hearing|claim)\s+)?for"
    r"|moving\s+(?:date|day)|move\s+(?:in|out|date)|expir(?:es|y|ing)|eviction|evict(?:ed|ing)"
    r"|repossession|(?:our|my|the)\s+(?:house\s+)?move\b(?!\s+(?:to|away|from)\b)"
    r"|bailiffs?"
    r"|(?:police|voluntary)\s+interview|interview\s+under\s+caution"
    # US and real-world wording (models/real): closings, summonses, filings due, being sued.
    r"|closing(?!\s+(?:costs?|statement|disclosure|fees?))|settlement\s+conference|deposition"
    # a US closing as a verb: "we close on Friday", "supposed to close this week"; not "close to",
    # "close the file", "close my account"
    r"|(?:(?:supposed|scheduled|set|due|going|expected|meant)\s+to|we(?:[’']ll|\s+will)?"
    r"|(?:sale|purchase|deal|loan|house)\s+(?:will|should|is\s+to))\s+close"
    r"(?!\s+(?:to|the|my|our|his|her|their|its|it|a|an|down|out|up|off|friends?|ranks"
    r"|by\s+\d+(?:am|pm)?\b))"
    r"|statute\s+of\s+limitations"
    r"|(?:oppositions?|response|reply|defen[cs]e|filing|brief|motion|papers)\s+(?:is\s+"
    r"|are\s+)?due"
    r"|(?:be|being|get|getting)\s+sued|court\s+summons)\b",
    re.IGNORECASE)
_EVENT_NAMES = {
    "hearings": "hearing",
    "complete on": "completion",
    "completing": "completion",
    "due to complete": "completion",
    "exchanging": "exchange",
    "move in": "completion",
    "move out": "completion",
    "move date": "completion",
    "moving date": "completion",
    "moving day": "completion",
    "court": "court date",
    "court case": "court date",
    "court hearing": "hearing",
    "court appearance": "court date",
    "limitation": "limitation date",
    "expires": "expiry date",
    "expiry": "expiry date",
    "expiring": "expiry date",
    "bailiff": "bailiffs' visit",
    "bailiffs": "bailiffs' visit",
    "appeal deadline": "appeal deadline",
    "appeal hearing": "hearing",
    "police interview": "police interview",
    "voluntary interview": "police interview",
    "interview under caution": "police interview",
    "evicted": "eviction",
    "our move": "completion",
    "my move": "completion",
    "the move": "completion",
    "our house move": "completion",
    "my house move": "completion",
    "the house move": "completion",
    "evicting": "eviction",
    "closing": "completion",
    "settlement conference": "hearing",
    "statute of limitations": "limitation date",
    "court summons": "court date",
    "time limit": "deadline",
    "possession order": "eviction",
    "possession hearing": "hearing",
    "possession date": "eviction",
}
_NO_EVENT = re.compile(r"(?:\b(?:no|not|never|without|nor)\b|n[’']t\b)\W+(?:\w+\W+){0,2}$",
                       re.IGNORECASE)
_CALLED_OFF = re.compile(
    r"^[^.;!?\n]{0,40}\b(?:cancelled|canceled|adjourned|vacated|postponed|called\s+off"
    # "my lawyer has withdrawn" takes the lawyer away, not the hearing
    r"|been\s+moved|(?<!has\s)(?<!have\s)(?<!had\s)withdrawn|fell\s+through"
    r"|pulled\s+out)\b(?!\s+(?:to|until|till))",
    re.IGNORECASE)
# A deadline someone with power over the client has set, straight before its date: "the judge
# gave me until Friday", "I have until Wednesday", "sign the agreement by the end of the week",
# "file my response by Wednesday", "submit the documents and answers by Dec 16".
_DEADLINE = re.compile(
    r"(?:\b(?:have|has|had|given|gave\s+(?:me|us|him|her|them)|got|allowed|granted)"
    r"\s+(?:(?:only|just|got|been\s+given)\s+)?until"
    # "I have to respond to the motion by Friday" (not "please reply by Friday": an ultimatum
    # to the firm, not a date in the case)
    r"|\b(?:have|has|had|need|needs|must)\s+(?:got\s+)?(?:to\s+)?(?:respond|reply|answer"
    r"|object|appeal|apply|register)\s+(?:[\w'’&,-]+\s+){0,6}?(?:by|before)"
    r"|\b(?:(?:sign|file|submit|serve|lodge|pay|accept|vacate|issue)(?:s|ing)?|move\s+out"
    r"|be\s+out\s+of\s+(?:the|my|our|this)\s+(?:property|house|home|flat|premises)|be\s+(?:signed"
    r"|issued|filed"
    r"|submitted|served|lodged|paid|accepted))\s+(?:[\w'’&,-]+\s+){0,6}?(?:by|before))\s+$",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]")
# Money another party keeps back ("the landlord has refused to pay back the deposit"), told in a
# message read as no complaint, is the writer's new matter, not money at risk in the firm's
# hands: the missing-funds rule raises nothing there unless the sentence also names the writer's
# lawyer or the firm. An executor, a trustee or an unnamed holder still raises it.
_OTHER_SIDE = re.compile(r"\b(?:the|my|our|his|her|their)\s+(?:former\s+|new\s+|current\s+)?"
                         + OTHER_PEOPLE, re.IGNORECASE)
_OUR_SIDE = re.compile(r"\b(?:you|your)\b|\b(?:my|our|the|his|her|their)\s+(?:former\s+"
                       r"|own\s+|previous\s+)?" + OUR_PEOPLE, re.IGNORECASE)
# Fraud alleged in a message read as no complaint that names no lawyer or firm anywhere (not
# "you", not "the solicitor", not "my father's attorney") is about someone else: a reader asking
# what to do about a relative's forged signature (r1011, r1012) is a new matter, not a conduct
# emergency of the firm's. On the grouped CV of 1,024 texts it removed 8 false criticals and no
# critical one.
_A_LAWYER = re.compile(r"\b(?:you|your)\b|(?:\b(?:my|our|the|his|her|their|this|that)"
                       r"|[’']s)\s+(?:former\s+|own\s+|previous\s+)?" + OUR_PEOPLE, re.IGNORECASE)
# A date in a sentence that only imagines the event, or that says it is not urgent, raises nothing.
_HYPOTHETICAL = re.compile(r"\b(?:what\s+(?:if|happens\s+if|would\s+happen\s+if)|suppos(?:e|ing)"
                           r"|hypothetical(?:ly)?|imagine|in\s+theory|were\s+to"
                           r"|if\s+(?:\w+\s+){1,3}were)\b",
                           re.IGNORECASE)
_NOT_URGENT = re.compile(r"\b(?:not|isn[’']t)\s+(?:at\s+all\s+|really\s+)?urgent"
                         r"|\bno\s+(?:rush|hurry|urgency)\b", re.IGNORECASE)


def bound_text(text: str) -> str:
    """The first MAX_TEXT_CHARS of `text`, every word cut to MAX_WORD_CHARS: what triage reads.

    Slicing comes first, so the work done here is bounded too, whatever the input's size.
    """
    head = text[:MAX_TEXT_CHARS]
    return _LONG_WORD.sub(lambda m: m.group()[:MAX_WORD_CHARS], head)


# A line break inside a paragraph: plain-text mail is often wrapped at about 72 characters, and
# "listed for\nMonday" must read as one sentence. Lists, quotes and blank lines stay as they are.
_WRAPPED = re.compile(r"(?<=\S)[ \t]*\n(?![ \t]*(?:\n|[-*•>]|\d{1,2}[.)]\s))[ \t]*")


def unwrapped(text: str) -> str:
    """`text` with the line breaks of hard-wrapped paragraphs read as spaces, which the rules'
    sentence and clause boundaries need."""
    return _WRAPPED.sub(" ", text)


# Contractions typed without their apostrophe, as on a phone ("havent", "didnt", "im"): the rules
# read "haven't" and "have not" ("the money hasn't arrived"). Only forms that are no other word:
# "were", "ill", "its", "id", "hell" and "well" stay as they are.
_BARE_CONTRACTION = re.compile(
    r"\b(?:(has|have|had|did|does|do|is|are|was|were|could|would|should|must|need|wo|ca)nt"
    r"|(i)m|(i|you|we|they)ve|(you|they)re)\b", re.IGNORECASE)
_APOSTROPHE = ("n't", "'m", "'ve", "'re")


def with_apostrophes(text: str) -> str:
    """`text` with apostrophe-less contractions written out with theirs."""
    return _BARE_CONTRACTION.sub(_restored, text)


def _restored(match: re.Match[str]) -> str:
    index = next(i for i in range(1, 5) if match.group(i) is not None)
    return match.group(index) + _APOSTROPHE[index - 1]


def triage_reading(text: str) -> str:
    """What triage reads of a text, the classifier (training and predicting) and the rules alike:
    `bound_text`, without the greeting and sign-off (salutations.py), hard-wrapped lines joined,
    contractions typed without apostrophes written out."""
    return _reading(bound_text(text))


# A fetched batch is classified first and each message's rules read it again: the readings of
# one batch's texts are kept (mailbox.batch_size is 100 by default), keyed by the bounded text,
# so the cache holds at most 2 * 128 * MAX_TEXT_CHARS characters (about 5 MB of plain English).
@lru_cache(maxsize=128)
def _reading(bounded: str) -> str:
    return with_apostrophes(unwrapped(without_salutations(bounded)))


@dataclass(frozen=True)
class _Reading:
    """What a text is about and how urgent it is. The classifier's guess and the suggestion
    built on it both read a text this way; the suggestion's values may differ (rules raise)."""

    category: str
    category_confidence: float
    category_top: tuple[tuple[str, float], ...]
    urgency: str
    urgency_confidence: float
    is_complaint: bool


@dataclass(frozen=True)
class Prediction(_Reading):
    """What the classifier says about one text (the shape the triage rules build on)."""

    complaint_probability: float
    urgency_probabilities: tuple[tuple[str, float], ...] = ()
    flag_probabilities: tuple[tuple[str, float], ...] = ()
    # The binary critical head's probability (None: a model trained without one).
    critical_probability: float | None = None
    # The category shown second when unsure, chosen by the second category head, with the
    # category head's probability (None: a model without that head; then it is category_top's).
    category_second: tuple[str, float] | None = None

    @property
    def category_top2(self) -> tuple[tuple[str, float], ...]:
        """The two categories a handler chooses between when the model is unsure."""
        return top_two(self.category_top, self.category_second)

    def probability_of(self, urgency: str) -> float:
        """The model's probability for one urgency (0.0 when the model did not say), for rules
        that raise on a low but real chance."""
        return dict(self.urgency_probabilities).get(urgency, 0.0)


@dataclass(frozen=True)
class Suggestion(_Reading):
    """The triage result shown to a handler: a suggestion only; a person confirms it."""

    flags: frozenset[str]
    reasons: tuple[str, ...]
    # Added for issue 15, with defaults so that older callers keep working.
    category_uncertain: bool = False
    complaint_probability: float = 1.0
    complaint_signal: str = "complaint"
    # Added for issue 19: other categories the rules found (the register's secondary categories)
    # and the area of law the words name (F19).
    secondary: tuple[str, ...] = ()
    area: str | None = None
    category_second: tuple[str, float] | None = None  # as Prediction's

    @property
    def category_top2(self) -> tuple[tuple[str, float], ...]:
        """The two categories a handler chooses between when the model is unsure."""
        return top_two(self.category_top, self.category_second)


def top_two(top: tuple[tuple[str, float], ...],
            second: tuple[str, float] | None) -> tuple[tuple[str, float], ...]:
    """The first choice and the category shown beside it: the second head's, where there is one.
    Whether the model is unsure is still the category head's own margin (category_is_uncertain
    on category_top)."""
    return (top[0], second) if top and second is not None else top[:2]


@dataclass(frozen=True)
class DatedEvent:
    """A hearing, completion or similar tied to a date the message mentions."""

    event: str
    day: date
    working_days: int


def suggest(text: str, message_date: datetime, prediction: Prediction | None, *,
            country: str = "GB", subdivision: str | None = None,
            timezone: str = "Europe/London") -> Suggestion:
    """Combine the rules with `prediction` (None when no model is installed).

    `message_date` should be timezone-aware; a naive value is taken as UTC.
    """
    text = triage_reading(text)
    if message_date.tzinfo is None:
        message_date = message_date.replace(tzinfo=dt_timezone.utc)
    local_day = message_date.astimezone(ZoneInfo(timezone)).date()
    without_model = prediction is None
    if prediction is None:
        prediction = Prediction("other", 0.0, (), "normal", 0.0, True, 0.5)
        reasons = ["no classifier installed: category needs a person; read as a complaint until a "
                   "person decides, so its clocks run from receipt"]
    else:
        reasons = [
            f"classifier: {prediction.category} ({prediction.category_confidence:.2f})",
            f"classifier urgency: {prediction.urgency} ({prediction.urgency_confidence:.2f})"
        ]
    hits = rule_hits(text)
    category, category_confidence = _precedence(prediction, hits, reasons)
    # With no model there is no reading at all: the regulatory default is a complaint (its
    # acknowledgement and clocks), which a handler can turn into an enquiry ("complaint no").
    signal = "complaint" if without_model else complaint_signal(prediction.complaint_probability)
    top = prediction.category_top
    uncertain = category_is_uncertain(top) or not prediction.category_confidence
    _explain_doubt(prediction, signal, uncertain, reasons)
    # Emergencies are raised unless the message is confidently not a complaint: a missed critical
    # costs a client's money or court date, a spare one costs a handler a minute.
    may_complain = signal != "not_complaint"
    urgency, urgency_confidence = prediction.urgency, prediction.urgency_confidence
    critical_p = prediction.probability_of("critical")
    if urgency != "critical" and may_complain and critical_p >= CRITICAL_PROBABILITY:
        urgency, urgency_confidence = "critical", prediction.probability_of("critical")
        reasons.append(f"classifier gives critical a probability of {urgency_confidence:.2f}")
    head_p = prediction.critical_probability
    if (urgency != "critical" and may_complain and head_p is not None
            and head_p >= CRITICAL_HEAD_PROBABILITY):
        urgency, urgency_confidence = "critical", head_p
        reasons.append(f"the critical head gives critical a probability of {head_p:.2f}")
    raised_to = _raise_for_events(text, local_day, may_complain, country, subdivision, reasons)
    raised_to = _max_urgency(raised_to,
                             _raise_for_rules(text, hits, may_complain, urgency, reasons))
    if _rank(raised_to) > _rank(urgency):
        # a rule fired: no doubt about the floor it sets
        urgency, urgency_confidence = raised_to, 1.0
    if signal == "uncertain" and _rank(raised_to) >= _rank("critical"):
        # An emergency rule found the detriment a complaint alleges (money at risk, a breach, a
        # date about to pass): the acknowledgement and the clocks must not wait for a person.
        signal = "complaint"
        reasons.append(
            "read as a complaint: an emergency rule fired, so it is not left waiting as an "
            "enquiry")
    flags = _flags(text, category, prediction, hits, reasons)
    secondary = tuple(dict.fromkeys(h.rule.category for h in hits
                                    if h.rule.category and h.rule.category != category))
    return Suggestion(category, category_confidence, prediction.category_top, urgency,
                      urgency_confidence, prediction.is_complaint, frozenset(flags),
                      tuple(dict.fromkeys(reasons)), category_uncertain=uncertain,
                      complaint_signal=signal,
                      complaint_probability=prediction.complaint_probability, secondary=secondary,
                      area=area_of_law(text), category_second=prediction.category_second)


def complaint_signal(probability: float) -> str:
    """"complaint", "not_complaint" or "uncertain" (between the thresholds: a person decides)."""
    if probability >= COMPLAINT_HIGH:
        return "complaint"
    return "not_complaint" if probability < COMPLAINT_LOW else "uncertain"


def category_is_uncertain(top: Sequence[tuple[str, float]]) -> bool:
    """Unsure when the best category is weak or barely ahead of the next one."""
    if not top:
        return True
    runner_up = top[1][1] if len(top) > 1 else 0.0
    return top[0][1] < CATEGORY_SURE or top[0][1] - runner_up < CATEGORY_MARGIN


def _explain_doubt(prediction: Prediction, signal: str, uncertain: bool,
                   reasons: list[str]) -> None:
    if uncertain and len(prediction.category_top2) > 1:
        (first, p1), (second, p2) = prediction.category_top2
        reasons.append(f"category uncertain: {first} ({p1:.2f}) or {second} ({p2:.2f}); "
                       "a person should choose")
    if signal == "uncertain":
        probability = prediction.complaint_probability
        reasons.append(f"unsure whether this is a complaint ({probability:.2f}); "
                       "a person should decide")


def _raise_for_events(text: str, today: date, is_complaint: bool, country: str,
                      subdivision: str | None, reasons: list[str]) -> str:
    urgency = "low"
    for event in dated_events(text, today, country=country, subdivision=subdivision):
        if event.working_days > CRITICAL_WORKING_DAYS:
            continue
        article = "an" if event.event[0] in "aeiou" else "a"
        reason = (f"mentions {article} {event.event} on {event.day.isoformat()}, "
                  f"{_distance(event, today)}")
        if is_complaint:
            urgency = "critical"
            reasons.append(reason)
        elif (event.event in ENQUIRY_PRESSING_EVENTS
              and event.working_days <= ENQUIRY_WORKING_DAYS):
            urgency = "critical"
            reasons.append(f"{reason} (raised though it reads as an enquiry: too close to wait)")
        else:
            reasons.append(f"{reason} (not raised: reads as an enquiry, not a complaint)")
    return urgency


def _raise_for_rules(text: str, hits: Sequence[Hit], is_complaint: bool, model_urgency: str,
                     reasons: list[str]) -> str:
    """Critical signals count on any message (but money another party keeps back, in an
    enquiry: _OTHER_SIDE; and fraud in an enquiry that names no lawyer: _A_LAWYER); "high" ones
    only on complaints (an enquiry that mentions a bereavement is not thereby urgent)."""
    urgency = "low"
    for hit in hits:
        if hit.rule.urgency == "high" and not is_complaint:
            reasons.append(f"{hit.rule.reason} (not raised: reads as an enquiry, not a complaint)")
        elif not is_complaint and hit.rule.name == "missing_funds" and _kept_by_another(text, hit):
            reasons.append(f"{hit.rule.reason} (not raised: an enquiry about money another "
                           "party keeps)")
        elif not is_complaint and hit.rule.name == "dishonesty" and not _A_LAWYER.search(text):
            reasons.append(f"{hit.rule.reason} (not raised: an enquiry that names no lawyer or "
                           "firm of the writer's)")
        elif _rank(hit.rule.urgency) > _rank(model_urgency):
            urgency = _max_urgency(urgency, hit.rule.urgency)
            reasons.append(f"{hit.rule.reason}: {hit.rule.urgency}")
        else:
            reasons.append(hit.rule.reason)
    return urgency


def _kept_by_another(text: str, hit: Hit) -> bool:
    """Whether the hit's sentence names another party (a landlord, a builder...) and not the
    writer's lawyer or the firm."""
    sentence = _sentence_of(text, hit.start, hit.end)
    return bool(_OTHER_SIDE.search(sentence)) and not _OUR_SIDE.search(sentence)


def _sentence_of(text: str, start: int, end: int) -> str:
    """The sentence around a match, looked for within a window (long texts stay linear)."""
    low = max(0, start - SENTENCE_WINDOW)
    high = min(len(text), end + SENTENCE_WINDOW)
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, low, start)), default=low)
    stop = _SENTENCE_END.search(text, end, high)
    return text[begin:stop.start() if stop else high]


def _flags(text: str, category: str, prediction: Prediction, hits: Sequence[Hit],
           reasons: list[str]) -> set[str]:
    flags: set[str] = set()
    for hit in hits:
        flags |= hit.rule.flags
    if mentions_third_party(text):
        flags.add("third_party")
        reasons.append("the writer may not be the client (beneficiary, relative or other side)")
    if category == "integrity_misconduct":
        flags.add("conduct_referral")
    if category == "data_security" and DATA_BREACH not in flags:
        flags.add(DATA_BREACH)
        reasons.append("a possible personal-data breach: decide within 72 hours whether to notify "
                       "the ICO")
    for flag, probability in prediction.flag_probabilities:
        if probability >= FLAG_PROBABILITY and flag in FLAGS:
            flags.add(flag)
            reasons.append(f"classifier suggests {flag} ({probability:.2f})")
    return flags


def dated_events(text: str, reference: date, *, country: str = "GB",
                 subdivision: str | None = None) -> list[DatedEvent]:
    """Hearings, completions etc. tied to a date on or after `reference`, nearest first.

    A date counts when an event word shares its sentence, is not negated ("no hearing date
    yet") and the sentence does not say the event was called off.
    """
    events: dict[tuple[str, date], DatedEvent] = {}
    # 03/12 is 3 December in most of the world and March 12 in the US.
    for mention in find_dates(text, reference, day_first=country.upper()
                              not in MONTH_FIRST_COUNTRIES):
        if mention.date < reference or mention.text.lower().startswith(("within", "after")):
            continue  # past, or an ultimatum ("reply within 14 days") rather than an appointment
        event = _event_for(text, mention)
        if event is None:
            continue
        days = working_days_between(reference, mention.date, country, subdivision)
        events.setdefault((event, mention.date), DatedEvent(event, mention.date, days))
    return sorted(events.values(), key=lambda e: (e.day, e.event))


def _event_for(text: str, mention: DateMention) -> str | None:
    # The sentence around the date, looked for within a window so that many dates in one long
    # unpunctuated text cost linear, not quadratic, time.
    low = max(0, mention.start - SENTENCE_WINDOW)
    high = min(len(text), mention.end + SENTENCE_WINDOW)
    start = max((m.end() for m in _SENTENCE_END.finditer(text, low, mention.start)), default=low)
    end_match = _SENTENCE_END.search(text, mention.end, high)
    end = end_match.start() if end_match else high
    if _HYPOTHETICAL.search(text, start, end) or _NOT_URGENT.search(text, start, end):
        return None
    if _DEADLINE.search(text[max(start, mention.start - 100):mention.start]):
        return "deadline"
    best: tuple[int, str] | None = None
    for match in _EVENT.finditer(text, start, end):
        if _NO_EVENT.search(text[max(start, match.start() - 40):match.start()]):
            continue
        tail = text[max(match.end(), mention.end):end]
        if _CALLED_OFF.search(tail):
            continue
        distance = min(abs(match.start() - mention.end), abs(mention.start - match.end()))
        word = " ".join(match.group("event").lower().split())
        if best is None or distance < best[0]:
            best = (distance, _event_name(word))
    return best[1] if best and best[0] <= 120 else None


def _event_name(word: str) -> str:
    if word.endswith(" due"):
        return "filing deadline"
    if word.endswith("sued"):
        return "lawsuit"
    if word.startswith("listed"):  # "the court has listed the case for 9am tomorrow"
        return "hearing"
    if word.endswith(" close"):  # "we close on Friday": a US closing
        return "completion"
    if word.endswith(" out"):  # "my three years runs out"
        return "limitation date"
    for form, name in _OTHER_EVENT_FORMS:
        if form.fullmatch(word):
            return name
    return _EVENT_NAMES.get(word, word)


def _precedence(prediction: Prediction, hits: Sequence[Hit],
                reasons: list[str]) -> tuple[str, float]:
    """Integrity beats data security beats the substantive issue (the complaints procedure's
    order), when a rule found that kind of problem and the model ranks it in its top three."""
    category, confidence = prediction.category, prediction.category_confidence
    found = {hit.rule.category for hit in hits if hit.rule.category}
    ranked = dict(prediction.category_top[:3])
    for preferred in PRECEDENCE:
        if preferred == category:
            break
        if preferred in found and preferred in ranked:
            reasons.append(
                f"category {preferred} rather than {category}: the rules found a {preferred} "
                "problem, which takes precedence")
            return preferred, ranked[preferred]
    return category, confidence


def working_days_between(start: date, end: date, country: str = "GB",
                         subdivision: str | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is the same day)."""
    if end <= start:
        return 0
    calendar = _holidays(country, subdivision, start.year, end.year)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in calendar:
            count += 1
    return count


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, first_year: int,
              last_year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision,
                                     years=range(first_year, last_year + 1))


def _distance(event: DatedEvent, today: date) -> str:
    if event.day == today:
        return "today"
    return f"{event.working_days} working day{'s' if event.working_days != 1 else ''} away"


def _rank(urgency: str) -> int:
    return URGENCIES.index(urgency) if urgency in URGENCIES else 1


def _max_urgency(a: str, b: str) -> str:
    return a if _rank(a) >= _rank(b) else b


def suggestion_record(s: Suggestion) -> dict[str, Any]:
    """A Suggestion as JSON: what `mailbot classify` prints and what a case stores."""
    return {"category": s.category, "category_confidence": s.category_confidence,
            "category_top": [[label, p] for label, p in s.category_top], "urgency": s.urgency,
            "urgency_confidence": s.urgency_confidence, "is_complaint": s.is_complaint,
            "flags": sorted(s.flags), "reasons": list(s.reasons),
            "category_top2": [[label, p] for label, p in s.category_top2],
            "category_uncertain": s.category_uncertain,
            "complaint_probability": s.complaint_probability,
            "complaint_signal": s.complaint_signal,
            "secondary_categories": list(s.secondary), "area_of_law": s.area}
