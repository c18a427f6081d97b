"""Cue words for the classifier, drawn from DOMAIN.md's definitions of each category and of
"what counts as a complaint" (not from any evaluation text).

The n-gram features learn the seed corpus's own wording; these lexicons carry what the
definitions say in words any writer uses, so a US forum question about an "attorney" who "won't
return calls" lands near a UK letter about a "solicitor" who "never rings back". Each entry
becomes one feature: log(1 + number of matches). Patterns match lowercased text.
"""

from __future__ import annotations

LEXICONS: dict[str, str] = {
    # is it a complaint about us? (DOMAIN.md: "What counts as a complaint")
    "gratitude": r"\bthank(?:s|\s+you|ful)?\b|\bgrateful\b|\bappreciat\w*|\bwonderful\b|\bexcellent\b|\bkindness\b"
                 r"|\brecommend\w*",
    "dissatisfaction": r"\bnot\s+(?:happy|satisfied|good\s+enough|acceptable)\b|\bunhappy\b|\bdisappoint\w*"
                       r"|\bunacceptable\b|\bdisgrace\w*|\bappall\w*|\bterrible\b|\bhorrible\b|\buseless\b"
                       r"|\bincompeten\w*|\bcomplain\w*|\bfrustrat\w*|\bridiculous\b|\bshocking\b|\boutrageous\b"
                       r"|\bfurious\b|\bangry\b|\bfed\s+up\b|\blet\s+(?:me|us)\s+down\b|\blost\s+(?:faith|confidence)\b",
    "our_service": r"\bmy\s+(?:lawyer|attorney|atty|solicitor|conveyancer|barrister|counsel|advis[eo]r)s?\b"
                   r"|\byour\s+(?:firm|office|staff|colleague|company|solicitor|team)\b|\bthe\s+(?:firm|lawyer|attorney"
                   r"|solicitor|conveyancer)\b|\b(?:he|she|they)\s+(?:never|didn[’']t|did\s+not|won[’']t|refuse\w*)\b",
    "other_party": r"\b(?:buyer|seller|vendor|purchaser|landlord|tenant|realtor|estate\s+agent|broker|executor"
                   r"|stepmother|stepfather|neighbou?r|employer|ex-?(?:wife|husband)|the\s+other\s+(?:side|party))s?\b",
    "question": r"\?|\bwhat\s+(?:are\s+my|can\s+i|should\s+i)\b|\bcan\s+i\b|\bdo\s+i\s+(?:have|need)\b|\bis\s+(?:it|that)"
                r"\s+legal\b|\bhow\s+(?:do|can|long)\b",
    # the categories (DOMAIN.md "Categories")
    "delay": r"\bdelay\w*|\bstill\s+(?:not|no|waiting|hasn[’']t|haven[’']t)\b|\bslow\w*|\btaking\s+(?:so\s+)?long\b"
             r"|\bnothing\s+(?:has\s+been\s+|was\s+|is\s+)?(?:done|happen\w*)|\bno\s+progress\b|\bstall\w*|\bdrag\w*"
             r"|\b(?:months|years)\s+(?:later|now|ago)\b|\bit\s+(?:has|'s)\s+been\s+\w+\s+(?:weeks|months|years)\b",
    "communication": r"\b(?:return|returned|returning|answer\w*|respond\w*|repl(?:y|ied|ies))\b[^.?!]{0,20}"
                     r"\b(?:calls?|phone|emails?|letters?|messages?)\b|\bno\s+(?:reply|response|answer|update|news)\b"
                     r"|\bunresponsive\b|\bignor\w*|\bvoicemail\w*|\bkeep\s+(?:me|us)\s+(?:informed|updated)\b"
                     r"|\bcan[’']?t\s+(?:get\s+hold|reach|get\s+through)\b|\bnot\s+(?:been\s+)?(?:told|informed|updated)\b",
    "advice_quality": r"\bmistakes?\b|\berrors?\b|\bwrong(?:ly)?\b|\bnegligen\w*|\bmalpractice\b|\bshould\s+have\b"
                      r"|\bfailed\s+to\b|\bmishandl\w*|\bbungl\w*|\bmissed\b|\bbad\s+advice\b|\bincorrect\w*",
    "instructions": r"\bwithout\s+my\s+(?:permission|consent|knowledge|instructions?|approval|authori[sz]ation)\b"
                    r"|\bi\s+(?:told|asked|instructed)\s+(?:him|her|them|you)\b|\brefus\w+\s+to\s+(?:file|do|follow|act)\b"
                    r"|\bagainst\s+my\s+(?:wishes|instructions)\b|\bnot\s+what\s+i\s+(?:asked|wanted|instructed)\b",
    "costs_information": r"\bestimate\w*|\bquot(?:e|ed|ation)\b|\bfee\s+agreement\b|\bretainer\s+agreement\b"
                         r"|\bnever\s+(?:told|warned|said)\b[^.?!]{0,30}\b(?:cost|fee|charge|bill)|\bunexpected\b"
                         r"|\bhidden\s+(?:fees?|costs?|charges?)\b|\bno\s+idea\b[^.?!]{0,20}\b(?:cost|fee)",
    "costs_excessive": r"\bover-?charg\w*|\bbill(?:ed|ing|s)?\b|\binvoices?\b|\btoo\s+(?:high|much|expensive)\b"
                       r"|\bexcessive\b|\bdouble[- ]bill\w*|\bcharg(?:ed|ing|es)\b|\bhourly\b|\bfees?\b",
    "documents_funds": r"\b(?:my|the|our)\s+(?:file|files|documents?|deeds?|papers|originals?)\b|\bchecks?\b|\bcheques?\b"
                       r"|\bdeposit\b|\bfunds\b|\bescrow\b|\bretainer\b|\b(?:money|funds|deposit)\s+back\b"
                       r"|\b(?:release|return|hand\s+over|hold\w*|withh[eo]ld\w*)\b[^.?!]{0,20}\b(?:money|funds|file|checks?"
                       r"|documents?|deposit)\b",
    "staff_conduct": r"\brude\w*|\byell\w*|\bshout\w*|\bscream\w*|\bcondescend\w*|\bdisrespect\w*|\bbull(?:y|ied|ying)\b"
                     r"|\bunprofessional\b|\battitude\b|\bpatronis\w*|\bpatroniz\w*|\bhung\s+up\b|\bdiscriminat\w*",
    "integrity_misconduct": r"\blie[sd]?\b|\blying\b|\bdishonest\w*|\bfraud\w*|\bforg\w*|\bst(?:o|ea)l\w*|\btheft\b"
                            r"|\bconflict\s+of\s+interest\b|\bmisle[ad]\w*|\billegal\w*|\bethic\w*|\bembezzl\w*"
                            r"|\bmisappropriat\w*|\bcover[- ]up\b",
    "data_security": r"\bconfidential\w*|\bprivate\b|\bprivacy\b|\bpersonal\s+(?:data|details|information)\b"
                     r"|\bwrong\s+(?:person|address|email|client|recipient)\b|\bbreach\w*|\bhack\w*|\bscam\w*"
                     r"|\be-?mail\s+address\w*|\bdisclos\w*|\brevealed\b|\bbank\s+details\b",
    "complaint_handling": r"\b(?:my|the|a|formal)\s+complaint\b|\bcomplained\b|\bgrievance\b|\bcomplaints?\s+"
                          r"(?:procedure|process|department|handler)\b|\bombudsman\b|\b(?:bar|state\s+bar|sra|law\s+society)\b",
}
