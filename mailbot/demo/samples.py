"""The demo's sample mail: what a complaints inbox sees in a typical week. All people are invented.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Sample:
    sender_name: str
    sender: str
    subject: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()
    note: str = ""
    attachment: tuple[str, str, bytes] | None = None  # file name, content type, bytes


def word_letter(paragraphs: list[str]) -> bytes:
    """A minimal Word (.docx) document holding these paragraphs: a letter a client attaches."""
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r></w:p>"
                   for p in paragraphs)
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://'
           f'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body>'
           "</w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


CLIENTS = "clients.example"

SAMPLES: tuple[Sample, ...] = (
    Sample(
        "Margaret Olden", f"margaret.olden@{CLIENTS}", "Still no word on my house sale",
        "Dear Sirs,\n\nI instructed your firm on the sale of 14 Birch Lane in September. Since "
        "then I have rung "
        "four times and left messages, and nobody has called me back. The estate agent tells me "
        "the buyer's "
        "solicitor sent you questions a month ago and is still waiting.\n\nI would like to know "
        "what is going "
        "on and when we can exchange.\n\nMargaret Olden", note="a conveyancing delay",
    ),
    Sample(
        "Daniel Kwame", f"d.kwame@{CLIENTS}", "Invoice 4471",
        "Hello,\n\nYour invoice for my divorce is £6,200. At the start I was told it would be "
        "around £2,500 and "
        "nobody warned me it was going up. I want a breakdown and an explanation before I pay "
        "anything.\n\nDaniel",
        note="costs higher than the estimate",
    ),
    Sample(
        "Aoife Brennan", f"aoife.brennan@{CLIENTS}", "URGENT completion tomorrow",
        "We are due to complete tomorrow and I have just had an email from 'your accounts team' "
        "saying your bank "
        "details have changed and I should send the deposit balance to a new account. Is this "
        "real?? I cannot "
        "reach anyone on the phone.\n\nAoife",
        note="possible payment-diversion fraud, completion tomorrow",
    ),
    Sample(
        "Robert Ellison", f"rob.ellison@{CLIENTS}", "My late mother's estate",
        "Please see my letter attached.\n\nRobert Ellison",
        note="a beneficiary (third party), naming a handler, in an attached Word letter",
        attachment=("Letter to Hartley & Quinn.docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    word_letter([
                        "Robert Ellison", "4 Mill Close", "Harrogate HG1 2AB", "", "Dear Sirs,",
                        "I am one of the beneficiaries of my mother's estate, which your Mr "
                        "Reilly is dealing with. It has been fourteen months. Every time I ask "
                        "for an update I am told it will be 'a few more weeks'. My brother and "
                        "I are out of pocket for the house insurance. Please can someone else "
                        "look at this.", "", "Yours faithfully,", "Robert Ellison"])),
    ),
    Sample(
        "Chen Wei", f"chen.wei@{CLIENTS}", "Thank you",
        "Just a quick note to say thank you to everyone who helped with my visa application. It "
        "came through "
        "today!\n\nBest wishes,\nChen", note="thanks, not a complaint",
    ),
    Sample("Priya's auto-reply", "noreply@agency.example", "Automatic reply: Out of office",
           "I am out of the office until Monday with limited access to email.",
           headers=(("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes")),
           note="an out-of-office auto-reply: filed, never answered",
           ),
    Sample(
        "Weekly Legal News", "news@bulletin.example", "This week in property law",
        "Stamp duty changes, leasehold reform and more. Unsubscribe at any time.",
        headers=(("List-Id", "<weekly.bulletin.example>"),
                 ("List-Unsubscribe", "<mailto:leave@bulletin.example>"), ("Precedence", "list")),
        note="list mail: filed, never answered",
    ),
    Sample(
        "Susan Patel", f"susan.patel@{CLIENTS}", "Rude phone call",
        "I phoned on Tuesday to ask about my tenancy dispute and the person I spoke to was "
        "dismissive and hung up "
        "on me. I have a disability and need things explained slowly. I was left in tears.",
        note="staff conduct, a vulnerable client",
    ),
)

MALFORMED = b"\x00\x01\x02 this is not an email at all \xff\xfe"
