"""Reading attached documents in limited child processes (mailbot/document_reader.py,
document_worker.py): real files, real processes, hostile files included."""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from mailbot import document_worker, documents
from mailbot.document_reader import read_documents
from mailbot.documents import ToRead
from tests.document_samples import letter_picture, make_docx, make_odt, make_pdf


def read_one(name: str, kind: str, data: bytes, seconds: float = 20.0) -> documents.Reading:
    (reading,) = read_documents([ToRead(name, kind, data)], seconds=seconds)
    return reading


def test_a_pdf_letters_text_is_read_page_by_page() -> None:
    pdf = make_pdf([["Dear Sirs,", "Completion is tomorrow and the funds (GBP 250,000) have",
                     "not arrived."], ["Yours faithfully, Jo Bloggs"]])
    reading = read_one("complaint.pdf", "pdf", pdf)
    assert reading.problem is None
    assert "funds (GBP 250,000) have" in reading.text and "Yours faithfully" in reading.text
    assert reading.text.index("Dear Sirs") < reading.text.index("Yours faithfully")


def test_a_long_pdf_is_read_to_the_page_limit_and_says_so() -> None:
    pages = [[f"Page {n} of the bundle"] for n in range(1, documents.MAX_PAGES + 6)]
    reading = read_one("bundle.pdf", "pdf", make_pdf(pages))
    assert f"Page {documents.MAX_PAGES} of" in reading.text
    assert f"Page {documents.MAX_PAGES + 1} of" not in reading.text
    assert "5 more pages not read" in reading.text


def test_word_and_open_document_letters_are_read_with_their_paragraphs_and_tables() -> None:
    docx = make_docx(["Dear Sir or Madam,", "Re:\tYour ref JB/1234", "My file was lost & found."],
                     table=[["Invoice 881", "£1,200"]])
    word = read_one("letter.docx", "docx", docx)
    assert word.text.splitlines()[:3] == ["Dear Sir or Madam,", "Re:\tYour ref JB/1234",
                                          "My file was lost & found."]
    assert "Invoice 881" in word.text and "£1,200" in word.text
    odt = read_one("letter.odt", "odt", make_odt(["Formal complaint", "Nobody  rang me back."]))
    assert odt.text == "Formal complaint\nNobody  rang me back."


def test_a_text_file_in_windows_1252_is_read() -> None:
    assert read_one("letter.txt", "txt", "I paid £500 – twice".encode("cp1252")).text == \
        "I paid £500 – twice"


def test_files_that_cannot_be_read_say_why_for_the_handler() -> None:
    protected = read_one("locked.pdf", "pdf", make_pdf([["secret"]], encrypt_marker=True))
    assert protected.problem == "it is protected by a password"
    assert read_one("x.pdf", "pdf", b"this is not a PDF").problem == "it is not a readable PDF"
    assert read_one("x.docx", "docx", b"PK not a zip").problem == "it is not a readable document"
    broken = make_docx([], document_xml=b"<w:document><unclosed>")
    assert read_one("x.docx", "docx", broken).problem == "it is not a readable document"


def _deflated_spaces(text: bytes, megabytes: int) -> bytes:
    """`text` then `megabytes` MB of spaces, deflated a megabyte at a time (never held whole)."""
    packer = zlib.compressobj(9)
    parts = [packer.compress(text)]
    spaces = b" " * (1024 * 1024)
    parts += [packer.compress(spaces) for _ in range(megabytes)]
    return b"".join([*parts, packer.flush()])


def _pdf_with_stream(packed: bytes) -> bytes:
    """A one-page PDF whose content stream is `packed` (deflated), its font Helvetica."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
               + b"\nendstream", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o
                                                          for o in offsets))
    out.write(b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_a_pdf_built_to_expand_without_end_is_refused() -> None:
    """800 MB of content deflated into under 1 MB: refused, not expanded."""
    bomb = _pdf_with_stream(_deflated_spaces(b"BT /F1 11 Tf 72 760 Td (x) Tj ET\n", 800))
    assert len(bomb) < 1024 * 1024
    reading = read_one("bomb.pdf", "pdf", bomb)
    assert reading.problem == "it expands to more than a document may take to read"


def test_a_word_document_that_unzips_to_too_much_text_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(64):  # 64 MB of spaces, some 64 KB zipped
                member.write(chunk)
    assert len(out.getvalue()) < 1024 * 1024
    reading = read_one("bomb.docx", "docx", out.getvalue())
    assert reading.problem == "its text is too large to read here"


def test_a_reader_that_overruns_its_time_is_stopped_and_intake_goes_on() -> None:
    """The wall-clock limit: a child that has not answered in time is killed, the file listed."""
    slow = read_one("letter.pdf", "pdf", make_pdf([["text"]]), seconds=0.001)
    assert slow.problem == "reading it took longer than a file may take"
    assert read_one("letter.pdf", "pdf", make_pdf([["text"]])).text == "text"


def test_a_messages_documents_share_one_time_budget() -> None:
    """However many files a message carries, reading them all takes at most the one budget."""
    letter = ToRead("letter.pdf", "pdf", make_pdf([["text"]]))
    first, second = read_documents([letter, letter], seconds=0.001)
    assert first.problem == "reading it took longer than a file may take"
    assert second.problem is not None and "took longer than" in second.problem


LETTER = ["Dear Sirs,", "", "Our completion is tomorrow and the completion funds have",
          "still not arrived. Nobody answers the phone.", "", "Yours faithfully,", "Jo Bloggs"]


@pytest.mark.usefixtures("tesseract")
@pytest.mark.parametrize(("name", "kind", "fmt"), [
    ("scan.pdf", "pdf", "PDF"),  # a scanner's PDF: a picture of each page, no text layer
    ("IMG_2041.jpeg", "image", "JPEG"),  # a phone's photograph
    ("letter.png", "image", "PNG"),
])
def test_a_scanned_or_photographed_letter_is_recognised(name: str, kind: str, fmt: str) -> None:
    reading = read_one(name, kind, letter_picture(LETTER, fmt=fmt))
    assert reading.problem is None
    assert "completion funds have" in reading.text and "Nobody answers the phone" in reading.text


@pytest.mark.usefixtures("tesseract")
def test_pictures_that_are_not_pages_of_a_letter_are_passed_over() -> None:
    logo, blank = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (240, 80), (20, 60, 120)).save(logo, "PNG")
    Image.new("L", (1240, 1754), 255).save(blank, "JPEG")
    assert read_one("logo.png", "image", logo.getvalue()).picture_only
    empty = read_one("photo.jpg", "image", blank.getvalue())
    assert (empty.text, empty.problem, empty.picture_only) == ("", None, False)


def test_a_picture_too_large_to_be_a_page_is_refused() -> None:
    """20,000 by 20,000 pixels in a few hundred kilobytes: refused from its header."""
    huge = io.BytesIO()
    Image.new("1", (20_000, 20_000), 1).save(huge, "PNG")
    assert len(huge.getvalue()) < 1024 * 1024
    assert read_one("huge.png", "image", huge.getvalue()).problem == \
        "its picture is too large to read here"


def test_without_a_text_recogniser_a_scan_is_named_with_the_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_worker.shutil, "which", lambda name: None)
    with pytest.raises(document_worker.Unreadable, match="tesseract-ocr"):
        document_worker.picture_text(letter_picture(LETTER))


OUTLOOK = Path(__file__).resolve().parents[1] / "fixtures" / "outlook"
OUTLOOK_ITEMS = json.loads((OUTLOOK / "manifest.json").read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize("item", OUTLOOK_ITEMS, ids=[i["file"] for i in OUTLOOK_ITEMS])
def test_real_outlook_messages_are_read_as_attached_emails(item: dict[str, str | None]) -> None:
    """Real .msg files (Apache POI's test data): sender, date, subject and text, as the lines
    an email attached whole gives."""
    reading = read_one(str(item["file"]), "msg", (OUTLOOK / str(item["file"])).read_bytes())
    assert reading.problem is None and reading.as_message
    lines = reading.text.splitlines()
    for key in ("from", "date", "subject"):
        if item[key] is not None:
            assert any(line.startswith(str(item[key])) for line in lines), (key, lines[:4])
        else:
            assert not any(line.startswith(f"{key.title()}: ") for line in lines[:3])
    assert str(item["body"]) in reading.text


def test_a_file_that_is_not_an_outlook_message_says_so() -> None:
    assert read_one("x.msg", "msg", b"not an OLE file" * 100).problem == \
        "it is not a readable Outlook message"


def test_every_outlook_fixture_keeps_its_provenance() -> None:
    listed = {item["file"] for item in OUTLOOK_ITEMS}
    assert listed == {path.name for path in OUTLOOK.glob("*.msg")}
    for item in OUTLOOK_ITEMS:
        source = item["source"]
        assert source["repository"] and source["path"].endswith(item["file"])
        assert len(source["commit"]) == 40 and source["licence"] == "Apache-2.0"


def test_a_document_server_that_died_is_started_again() -> None:
    """The fork server is one process for many files: if it dies (killed by an admin, the
    machine's memory killer), the next file starts a new one and is read."""
    from mailbot.document_reader import _SERVER

    assert read_one("a.txt", "txt", b"first").text == "first"
    process = _SERVER._process
    assert process is not None and process.poll() is None
    process.kill()
    process.wait(5)
    assert read_one("b.txt", "txt", b"second").text == "second"
    assert _SERVER._process is not None and _SERVER._process.pid != process.pid


WORD97 = Path(__file__).resolve().parents[1] / "fixtures" / "word97"
WORD97_ITEMS = json.loads((WORD97 / "manifest.json").read_text(encoding="utf-8"))["items"]


@pytest.mark.usefixtures("antiword")
@pytest.mark.parametrize("item", WORD97_ITEMS, ids=[i["file"] for i in WORD97_ITEMS])
def test_real_word_97_documents_are_read(item: dict[str, Any]) -> None:
    reading = read_one(item["file"], "doc", (WORD97 / item["file"]).read_bytes())
    assert reading.problem is None
    for line in item["contains"]:
        assert line in reading.text


@pytest.mark.usefixtures("antiword")
def test_a_file_that_is_not_a_word_97_document_says_so() -> None:
    assert read_one("x.doc", "doc", b"{\\rtf1 not Word 97}" * 50).problem == \
        "it is not a readable Word document"


def test_every_word_97_fixture_keeps_its_provenance() -> None:
    assert {i["file"] for i in WORD97_ITEMS} == {p.name for p in WORD97.glob("*.doc")}
    for item in WORD97_ITEMS:
        source = item["source"]
        assert source["path"].endswith(item["file"]) and len(source["commit"]) == 40
        assert source["licence"] == "Apache-2.0"


TEXTEDIT_RTF = (  # as a Mac's TextEdit saves a letter (its default format)
    b"{\\rtf1\\ansi\\ansicpg1252\\cocoartf2761\n\\cocoatextscaling0\\cocoaplatform0{\\fonttbl"
    b"\\f0\\fswiss\\fcharset0 Helvetica;}\n{\\colortbl;\\red255\\green255\\blue255;}\n"
    b"\\paperw11900\\paperh16840\\margl1440\\margr1440\\vieww11520\\viewh8400\\viewkind0\n"
    b"\\pard\\tx566\\tx1133\\pardirnatural\\partightenfactor0\n\n\\f0\\fs24 \\cf0 Dear Sirs,\\\n"
    b"\\\nOur completion is tomorrow and the funds (\\'a3250,000) have not arrived.\\\n\\\n"
    b"Yours faithfully,\\\nJo}")


def test_a_textedit_letter_is_read_with_its_paragraphs() -> None:
    reading = read_one("Complaint.rtf", "rtf", TEXTEDIT_RTF)
    assert reading.text == ("Dear Sirs,\n\nOur completion is tomorrow and the funds (£250,000) "
                            "have not arrived.\n\nYours faithfully,\nJo")
    assert read_one("x.rtf", "rtf", b"plain words").problem == "it is not a readable RTF document"


def test_inspect_shows_an_admin_what_was_read_of_each_attached_file(tmp_path: Path) -> None:
    """`mailbot inspect --documents FILE.eml`: each file's characters or problem, and what
    triage read, for "why was this letter not read?"."""
    from email.message import EmailMessage

    from typer.testing import CliRunner

    from mailbot.cli import app as cli_app

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "jo@client.example", "c@firm.example", "Complaint"
    msg.set_content("Please find my complaint attached.")
    msg.add_attachment(make_pdf([["Dear Sirs,", "Completion is tomorrow and the funds are gone."]]),
                       maintype="application", subtype="pdf", filename="letter.pdf")
    msg.add_attachment(b"%PDF-1.4 broken", maintype="application", subtype="pdf",
                       filename="scan.pdf")
    saved = tmp_path / "complaint.eml"
    saved.write_bytes(bytes(msg))
    result = CliRunner().invoke(cli_app, ["inspect", "--documents", str(saved)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert [(d["name"], d["problem"]) for d in record["documents"]] == [
        ("letter.pdf", None), ("scan.pdf", "it is not a readable PDF")]
    assert "funds are gone" in record["triage_text"] and "Dear Sirs" not in record["triage_text"]
    plain = CliRunner().invoke(cli_app, ["inspect", str(saved)])
    assert "documents" not in json.loads(plain.output), "only when asked: it starts readers"
