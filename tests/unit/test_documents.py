"""Attached letters (mailbot/documents.py): which files are read, within what bounds, and how their
text is kept with the message's and told apart again."""

from __future__ import annotations

import pytest

from mailbot import documents
from mailbot.documents import Reading, appended, kind_of, letters, split, to_read
from mailbot.mime_text import Attachment
from mailbot.triage.reading import mail_for_triage, stored_mail_for_triage


def attachment(name: str, ctype: str, data: bytes | None = b"%PDF-1.4") -> Attachment:
    return Attachment(name, ctype, len(data or b""), "0" * 64, data, data is None)


@pytest.mark.parametrize(("name", "ctype", "kind"), [
    ("complaint.pdf", "application/pdf", "pdf"),
    ("Complaint.PDF", "application/octet-stream", "pdf"),  # what many mail programs send
    ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "docx"),
    ("letter.docx", "application/octet-stream", "docx"),
    ("letter.odt", "application/vnd.oasis.opendocument.text", "odt"),
    ("letter.txt", "text/plain", "txt"),
    ("IMG_2041.JPG", "image/jpeg", "image"),  # a phone's photograph of a letter
    ("scan.tif", "application/octet-stream", "image"),
    ("letter.doc", "application/msword", "doc"),  # Word 97-2003, by antiword
    ("Complaint.rtf", "text/rtf", "rtf"),  # TextEdit's default
    ("Complaint.rtf", "application/octet-stream", "rtf"),
    ("invoice.pdf", "image/png", "image"),  # the declared type wins over the name
    ("drawing.svg", "image/svg+xml", None),
    ("RE Completion.msg", "application/vnd.ms-outlook", "msg"),  # an email dragged in Outlook
    ("RE Completion.msg", "application/octet-stream", "msg"),
    ("notes.csv", "text/plain", None),
    ("archive.zip", "application/octet-stream", None),
])
def test_documents_are_known_by_type_or_by_name_when_the_type_is_generic(
        name: str, ctype: str, kind: str | None) -> None:
    assert kind_of(name, ctype) == kind


def test_at_most_three_documents_are_read_and_the_rest_are_listed() -> None:
    files = [attachment(f"page{i}.pdf", "application/pdf") for i in range(5)]
    files.insert(1, attachment("map.svg", "image/svg+xml"))
    chosen, passed = to_read(files)
    assert [d.name for d in chosen] == ["page0.pdf", "page1.pdf", "page2.pdf"]
    assert [r.name for r in passed] == ["page3.pdf", "page4.pdf"]
    assert all("first 3" in (r.problem or "") for r in passed)


def test_an_icon_sized_picture_is_not_even_looked_at() -> None:
    icon = attachment("image001.png", "image/png", b"\x89PNG" + b"\0" * 2000)
    photo = attachment("IMG_2041.jpg", "image/jpeg", b"\xff\xd8" + b"\0" * 200_000)
    chosen, passed = to_read([icon, photo])
    assert [d.name for d in chosen] == ["IMG_2041.jpg"] and passed == []


def test_files_mailbot_does_not_read_are_named_for_the_handler_but_not_noise() -> None:
    files = [attachment("evidence.zip", "application/zip", b"PK" + b"\0" * 50_000),
             attachment("costs.xlsx", "application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", b"PK" + b"\0" * 9000),
             attachment("smime.p7s", "application/pkcs7-signature", b"\0" * 3000),
             attachment("Jo.vcf", "text/vcard", b"BEGIN:VCARD"),
             attachment("image001.png", "image/png", b"\x89PNG" + b"\0" * 900)]
    chosen, passed = to_read(files)
    assert chosen == []
    assert [(r.name, r.problem) for r in passed] == [
        ("evidence.zip", "mailbot does not read application/zip files"),
        ("costs.xlsx", "mailbot does not read application/vnd.openxmlformats-officedocument."
                       "spreadsheetml.sheet files")]


def test_a_picture_too_small_to_be_a_page_is_not_listed_for_the_handler() -> None:
    logo = Reading("logo.png", picture_only=True)
    assert appended("See attached.", [logo]) == "See attached."


def test_a_file_over_the_size_cap_is_listed_not_read() -> None:
    big = attachment("bundle.pdf", "application/pdf",
                     b"x" * (documents.MAX_DOCUMENT_BYTES + 1))
    skipped = attachment("huge.pdf", "application/pdf", None)  # over intake's attachment cap
    chosen, passed = to_read([big, skipped])
    assert chosen == [] and [r.problem for r in passed] == ["too large to read here"] * 2


def test_a_files_name_is_kept_without_its_path_on_one_line() -> None:
    (doc,), _ = to_read([attachment("C:\\Users\\jo\\My\nComplaint.pdf", "application/pdf")])
    assert doc.name == "My Complaint.pdf"


def test_documents_follow_the_text_and_are_told_apart_again() -> None:
    text = "Please find my complaint attached.\n\nJo"
    joined = appended(text, [Reading("complaint.pdf", "Dear Sirs,\nMy file was lost."),
                             Reading("scan.pdf", ""), Reading("old.doc", problem="too large")])
    own, sections = split(joined)
    assert own == text
    assert "Attached document: complaint.pdf" in sections and "My file was lost." in sections
    assert "No text could be read" in sections and "mailbot cases files" in sections
    assert "Not read: too large" in sections
    assert letters(sections) == ["Dear Sirs,\nMy file was lost."]
    assert split(text) == (text, "") and appended(text, []) == text


def test_an_outlook_message_joins_the_text_as_an_attached_email_does() -> None:
    """As mime_text.py writes an email attached whole, so forwards and triage read it alike."""
    earlier = "From: Jo <jo@example.org>\nDate: Tue, 03 Mar 2026 09:12:00 +0000\n\nStill waiting."
    joined = appended("See below.", [Reading("RE.msg", earlier, as_message=True),
                                     Reading("bad.msg", problem="it is not readable",
                                             as_message=True)])
    own, sections = split(joined)
    assert own == f"See below.\n\n---------- Attached message ----------\n{earlier}"
    assert "Attached document: bad.msg" in sections and "Still waiting" not in sections
    assert "Still waiting." in mail_for_triage("", "See below.", joined)


def test_all_documents_together_keep_at_most_the_cap_of_text() -> None:
    long = "word " * documents.MAX_CHARS
    joined = appended("note", [Reading("a.pdf", long), Reading("b.pdf", "second letter")])
    _, sections = split(joined)
    assert sum(len(letter) for letter in letters(sections)) <= documents.MAX_CHARS
    assert "shortened" in sections and "second letter" not in sections


LETTER = ("Dear Sirs,\n\nI wish to make a formal complaint. Our completion is tomorrow and the "
          "completion funds have still not arrived in the seller's account.\n\nYours faithfully,"
          "\nJo Bloggs")


def test_triage_reads_the_letter_a_covering_note_attaches() -> None:
    body = appended("Please find my complaint attached.", [Reading("complaint.pdf", LETTER)])
    read = mail_for_triage("Complaint", "Please find my complaint attached.", body)
    assert "completion funds have still not arrived" in read
    assert "Yours faithfully" not in read  # read as any letter is: without its sign-off
    assert stored_mail_for_triage("Complaint", body) == read


def test_a_message_that_is_the_complaint_is_read_without_its_attachments() -> None:
    """An email that says it all carries evidence (an invoice, a statement): not the complaint."""
    words = ("I have been waiting for eleven months for my late mother's estate to be dealt with. "
             "Every time I ring I am told the file handler is away or busy and that somebody will "
             "call back, and nobody ever does. I have written three times. The beneficiaries are "
             "now asking me what is happening and I cannot tell them anything at all. I want a "
             "named person and a timetable.")
    body = appended(words, [Reading("invoice.pdf", "INVOICE Professional fees 2,400.00 VAT")])
    read = mail_for_triage("Estate", words, body)
    assert "INVOICE" not in read and "named person and a timetable" in read


def test_triage_reads_an_attached_letter_without_its_letterhead() -> None:
    letter = ("Jo Bloggs\n12 Mill Lane\nLeeds LS6 2AB\n\n5 December 2026\n\nYour ref: HV/1234\n\n"
              + LETTER)
    body = appended("See attached.", [Reading("letter.pdf", letter)])
    read = mail_for_triage("Complaint", "See attached.", body)
    assert "Mill Lane" not in read and "5 December 2026" not in read and "Dear Sirs" not in read
    assert "completion funds have still not arrived" in read
