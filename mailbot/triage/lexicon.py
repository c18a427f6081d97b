"""Cue words for the classifier, drawn from DOMAIN.md's definitions of each category and of
"what counts as a complaint".

The n-gram features learn the seed corpus's own wording; these lexicons carry what the
definitions say in words any writer uses, so a US forum question about an "attorney" who "won't
return calls" lands near a UK letter about a "solicitor" who "never rings back". Each lexicon
becomes one feature: log(1 + number of matches). Patterns match lowercased text. Most entries
come from the definitions; a few ("lost faith", "atty", "hung up") were added after reading the
real corpus (models/real), which makes real-text figures for the lexicons somewhat optimistic.
"""

from __future__ import annotations

import hashlib
import json

# The people whose service a complaint is about, and the people an enquiry's dispute is with
# (suggestion.py reads them too: money another party keeps back).
OUR_PEOPLE = (r"(?:lawyer|attorney|atty|solicitor|conveyancer|barrister|counsel|advocate"
              r"|advis[eo]r|law\s+firm|legal\s+team|paralegal|caseworker)s?\b")
OTHER_PEOPLE = (r"(?:landlord|tenant|employer|boss|manager|builder|contractor|developer"
                r"|neighbou?r|ex-?(?:wife|husband|partner)?|buyer|seller|vendor|purchaser"
                r"|estate\s+agent|agent|lender|bank|insurer|company|school|council|doctor"
                r"|hospital|brother|sister|stepmother|stepfather)s?\b")
# A fault alleged: something not done, done wrong, or taken.
_FAULT = (r"\b(?:never|didn[’']t|did\s+not|hasn[’']t|has\s+not|haven[’']t|won[’']t|will\s+not"
          r"|wouldn[’']t|refus\w+|ignor\w+|fail\w*|forgot|lied|lying|mistake\w*|wrong\w*"
          r"|negligen\w+|overcharg\w+|cheat\w*|stole|kept\s+(?:my|the)|withh[oe]ld\w*"
          r"|missed|lost|no\s+longer|stopped|dropped|abandon\w+|walked\s+away)\b")

_PARTS: dict[str, tuple[str, ...]] = {
    # is it a complaint about us? (DOMAIN.md: "What counts as a complaint")
    "gratitude": (
        r"\bthank(?:s|\s+you|ful)?\b",
        r"\bgrateful\b",
        r"\bappreciat\w*",
        r"\bwonderful\b",
        r"\bexcellent\b",
        r"\bkindness\b",
        r"\brecommend\w*",
    ),
    "dissatisfaction": (
        r"\bnot\s+(?:happy|satisfied|good\s+enough|acceptable)\b",
        r"\bunhappy\b",
        r"\bdisappoint\w*",
        r"\bunacceptable\b",
        r"\bdisgrace\w*",
        r"\bappall\w*",
        r"\bterrible\b",
        r"\bhorrible\b",
        r"\buseless\b",
        r"\bincompeten\w*",
        r"\bcomplain\w*",
        r"\bfrustrat\w*",
        r"\bridiculous\b",
        r"\bshocking\b",
        r"\boutrageous\b",
        r"\bfurious\b",
        r"\bangry\b",
        r"\bfed\s+up\b",
        r"\blet\s+(?:me|us)\s+down\b",
        r"\blost\s+(?:faith|confidence)\b",
    ),
    "our_service": (
        r"\bmy\s+(?:lawyer|attorney|atty|solicitor|conveyancer|barrister|counsel|advis[eo]r)s?\b",
        r"\byour\s+(?:firm|office|staff|colleague|company|solicitor|team)\b",
        r"\bthe\s+(?:firm|lawyer|attorney|solicitor|conveyancer)\b",
        r"\b(?:he|she|they)\s+(?:never|didn[’']t|did\s+not|won[’']t|refuse\w*)\b",
    ),
    "other_party": (
        r"\b(?:buyer|seller|vendor|purchaser|landlord|tenant|realtor|estate\s+agent|broker"
        r"|executor|stepmother|stepfather|neighbou?r|employer|ex-?(?:wife|husband)"
        r"|the\s+other\s+(?:side|party))s?\b",
    ),
    # Who the grievance is about, within one sentence (DOMAIN.md: a complaint alleges detriment
    # from the firm's service; an enquiry brings a grievance against someone else). A fault word
    # and the writer's own lawyer, or the other party, between the same sentence's stops. Added
    # after reading the ninth real round's misses (disputes with builders and employers).
    "fault_of_our_service": (
        r"\b(?:my|our|the|his|her)\s+(?:former\s+|own\s+|previous\s+)?" + OUR_PEOPLE
        + r"[^.!?\n]{0,120}?" + _FAULT,
        _FAULT + r"[^.!?\n]{0,80}?\b(?:my|our)\s+(?:former\s+|own\s+)?" + OUR_PEOPLE,
        r"\byour\s+(?:firm|office|staff|colleague|solicitor|lawyer|team)\b[^.!?\n]{0,120}?"
        + _FAULT,
        # the fault first: "the bank has never received a request from your office"
        _FAULT + r"[^.!?\n]{0,80}?\byour\s+(?:firm|office|staff|colleague|solicitor|lawyer"
        r"|team)\b",
    ),
    "fault_of_other_party": (
        r"\b(?:my|our|the|his|her)\s+(?:former\s+|new\s+|current\s+)?" + OTHER_PEOPLE
        + r"[^.!?\n]{0,120}?" + _FAULT,
    ),
    "question": (
        r"\?",
        r"\bwhat\s+(?:are\s+my|can\s+i|should\s+i)\b",
        r"\bcan\s+i\b",
        r"\bdo\s+i\s+(?:have|need)\b",
        r"\bis\s+(?:it|that)\s+legal\b",
        r"\bhow\s+(?:do|can|long)\b",
    ),
    # the categories (DOMAIN.md "Categories")
    "delay": (
        r"\bdelay\w*",
        r"\bstill\s+(?:not|no|waiting|hasn[’']t|haven[’']t)\b",
        r"\bslow\w*",
        r"\btaking\s+(?:so\s+)?long\b",
        r"\bnothing\s+(?:has\s+been\s+|was\s+|is\s+)?(?:done|happen\w*)",
        r"\bno\s+progress\b",
        r"\bstall\w*",
        r"\bdrag\w*",
        r"\b(?:months|years)\s+(?:later|now|ago)\b",
        r"\bit\s+(?:has|'s)\s+been\s+\w+\s+(?:weeks|months|years)\b",
    ),
    "communication": (
        r"\b(?:return|returned|returning|answer\w*|respond\w*|repl(?:y|ied|ies))\b[^.?!]{0,20}"
        r"\b(?:calls?|phone|emails?|letters?|messages?)\b",
        r"\bno\s+(?:reply|response|answer|update|news)\b",
        r"\bunresponsive\b",
        r"\bignor\w*",
        r"\bvoicemail\w*",
        r"\bkeep\s+(?:me|us)\s+(?:informed|updated)\b",
        r"\bcan[’']?t\s+(?:get\s+hold|reach|get\s+through)\b",
        r"\bnot\s+(?:been\s+)?(?:told|informed|updated)\b",
    ),
    "advice_quality": (
        r"\bmistakes?\b",
        r"\berrors?\b",
        r"\bwrong(?:ly)?\b",
        r"\bnegligen\w*",
        r"\bmalpractice\b",
        r"\bshould\s+have\b",
        r"\bfailed\s+to\b",
        r"\bmishandl\w*",
        r"\bbungl\w*",
        r"\bmissed\b",
        r"\bbad\s+advice\b",
        r"\bincorrect\w*",
    ),
    "instructions": (
        r"\bwithout\s+my\s+(?:permission|consent|knowledge|instructions?|approval"
        r"|authori[sz]ation)\b",
        r"\bi\s+(?:told|asked|instructed)\s+(?:him|her|them|you)\b",
        r"\brefus\w+\s+to\s+(?:file|do|follow|act)\b",
        r"\bagainst\s+my\s+(?:wishes|instructions)\b",
        r"\bnot\s+what\s+i\s+(?:asked|wanted|instructed)\b",
    ),
    "costs_information": (
        r"\bestimate\w*",
        r"\bquot(?:e|ed|ation)\b",
        r"\bfee\s+agreement\b",
        r"\bretainer\s+agreement\b",
        r"\bnever\s+(?:told|warned|said)\b[^.?!]{0,30}\b(?:cost|fee|charge|bill)",
        r"\bunexpected\b",
        r"\bhidden\s+(?:fees?|costs?|charges?)\b",
        r"\bno\s+idea\b[^.?!]{0,20}\b(?:cost|fee)",
    ),
    "costs_excessive": (
        r"\bover-?charg\w*",
        r"\bbill(?:ed|ing|s)?\b",
        r"\binvoices?\b",
        r"\btoo\s+(?:high|much|expensive)\b",
        r"\bexcessive\b",
        r"\bdouble[- ]bill\w*",
        r"\bcharg(?:ed|ing|es)\b",
        r"\bhourly\b",
        r"\bfees?\b",
    ),
    "documents_funds": (
        r"\b(?:my|the|our)\s+(?:file|files|documents?|deeds?|papers|originals?)\b",
        r"\bchecks?\b",
        r"\bcheques?\b",
        r"\bdeposit\b",
        r"\bfunds\b",
        r"\bescrow\b",
        r"\bretainer\b",
        r"\b(?:money|funds|deposit)\s+back\b",
        r"\b(?:release|return|hand\s+over|hold\w*|withh[eo]ld\w*)\b[^.?!]{0,20}"
        r"\b(?:money|funds|file|checks?|documents?|deposit)\b",
    ),
    "staff_conduct": (
        r"\brude\w*",
        r"\byell\w*",
        r"\bshout\w*",
        r"\bscream\w*",
        r"\bcondescend\w*",
        r"\bdisrespect\w*",
        r"\bbull(?:y|ied|ying)\b",
        r"\bunprofessional\b",
        r"\battitude\b",
        r"\bpatronis\w*",
        r"\bpatroniz\w*",
        r"\bhung\s+up\b",
        r"\bdiscriminat\w*",
    ),
    "integrity_misconduct": (
        r"\blie[sd]?\b",
        r"\blying\b",
        r"\bdishonest\w*",
        r"\bfraud\w*",
        r"\bforg\w*",
        r"\bst(?:o|ea)l\w*",
        r"\btheft\b",
        r"\bconflict\s+of\s+interest\b",
        r"\bmisle[ad]\w*",
        r"\billegal\w*",
        r"\bethic\w*",
        r"\bembezzl\w*",
        r"\bmisappropriat\w*",
        r"\bcover[- ]up\b",
    ),
    "data_security": (
        r"\bconfidential\w*",
        r"\bprivate\b",
        r"\bprivacy\b",
        r"\bpersonal\s+(?:data|details|information)\b",
        r"\bwrong\s+(?:person|address|email|client|recipient)\b",
        r"\bbreach\w*",
        r"\bhack\w*",
        r"\bscam\w*",
        r"\be-?mail\s+address\w*",
        r"\bdisclos\w*",
        r"\brevealed\b",
        r"\bbank\s+details\b",
    ),
    # An EARLIER complaint and how it was handled (DOMAIN.md), not the words of complaining:
    # "I wish to make a formal complaint" or "Mr A complained that" say nothing about handling.
    "complaint_handling": (
        r"\bfinal\s+response\b",
        r"\b(?:acknowledg\w*|response|reply|replies|answer|outcome)\s+(?:to|of|about|on)\s+"
        r"(?:my|our|the|his|her|their)\s+(?:\w+\s+)?(?:complaint|grievance)\b",
        r"\bcomplaints?\s+(?:procedure|process|policy|address|department|team|partner|manager"
        r"|handler|letter|acknowledg\w*|reference|ref|resolution|review)\b",
        r"\b(?:my|our|the|his|her|their)\s+(?:\w+\s+)?(?:complaint|grievance)\s+(?:has\s+been\s+"
        r"|had\s+been\s+|was\s+|is\s+|is\s+now\s+)(?:\w+\s+)?(?:ignored|unanswered|closed|resolved"
        r"|upheld|rejected|dismissed|investigated|received|lost|delayed)\b",
        r"\b(?:made|sent|filed|lodged|submitted|raised|escalated)\s+(?:a|my|our|the|his|her)\s+"
        r"(?:\w+\s+)?(?:complaint|grievance)\b",
        r"\b(?:i|we|he|she|they)\s+(?:first\s+|already\s+|originally\s+)?complained\s+(?:to\s+"
        r"(?:you|the\s+firm|your\s+\w+)\s+)?(?:\w+\s+)?(?:on|in|back|last|over|weeks|months)\b",
        r"\bsince\s+(?:i|we)\s+(?:first\s+)?(?:complained|made\s+(?:my|the|a)\s+complaint)\b",
    ),

}
LEXICONS: dict[str, str] = {name: "|".join(parts) for name, parts in _PARTS.items()}
# Which lexicons a model was trained with (its sidecar records it): a model trained with others
# reads its lexicon columns as different words, or as a different number of columns.
FINGERPRINT = hashlib.sha256(json.dumps(LEXICONS, sort_keys=True).encode()).hexdigest()[:16]
