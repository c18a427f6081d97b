"""Documents as clients attach them, made here so each test says what is in them: a PDF with a
text layer (what Word's and LibreOffice's "Save as PDF" write), a Word .docx and an
OpenDocument .odt (zipped XML, as their programs store paragraphs, runs and tables)."""

from __future__ import annotations

import io
import zipfile


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(pages: list[list[str]], *, encrypt_marker: bool = False) -> bytes:
    """A PDF whose pages hold these lines (Windows-1252 text) in Helvetica, its xref table exact.
    `encrypt_marker` adds an /Encrypt entry that no password opens (a protected file)."""
    count = len(pages)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [" + " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
        + f"] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            ops += [f"{_pdf_string(line)} Tj", "T*"]
        ops.append("ET")
        stream = "\n".join(ops)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>")
        objects.append(f"<< /Length {len(stream.encode('cp1252'))} >>\nstream\n{stream}\n"
                       "endstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("cp1252"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if encrypt_marker:
        trailer += (" /Encrypt << /Filter /Standard /V 1 /R 2 /O <" + "00" * 32 + "> /U <"
                    + "11" * 32 + "> /P -4 >> /ID [<" + "22" * 16 + "> <" + "22" * 16 + ">]")
    out.write(f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _word_run(text: str) -> str:
    """A paragraph's text as Word writes it: split into runs, a tab as its own element."""
    pieces = []
    for i, chunk in enumerate(text.split("\t")):
        if i:
            pieces.append("<w:r><w:tab/></w:r>")
        half = len(chunk) // 2  # Word splits runs wherever formatting or spell-checking changed
        for part in (chunk[:half], chunk[half:]):
            if part:
                escaped = part.replace("&", "&amp;").replace("<", "&lt;")
                pieces.append(f'<w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr>'
                              f'<w:t xml:space="preserve">{escaped}</w:t></w:r>')
    return "".join(pieces)


def make_docx(paragraphs: list[str], *, table: list[list[str]] | None = None,
              document_xml: bytes | None = None) -> bytes:
    """A .docx whose body holds these paragraphs (and a table after them)."""
    body = "".join(f"<w:p><w:pPr/>{_word_run(p)}</w:p>" for p in paragraphs)
    if table:
        rows = "".join("<w:tr>" + "".join(f"<w:tc><w:p>{_word_run(cell)}</w:p></w:tc>"
                                          for cell in row) + "</w:tr>" for row in table)
        body += f"<w:tbl>{rows}</w:tbl>"
    xml = document_xml or (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                           f"<w:document {_W}><w:body>{body}<w:sectPr/></w:body>"
                           "</w:document>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def make_odt(paragraphs: list[str]) -> bytes:
    """An .odt whose text holds these paragraphs (a heading first)."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = "".join(f"<text:p>{p.replace('  ', ' <text:s/>')}</text:p>" for p in paragraphs[1:])
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body>'
           f'<office:text><text:h text:outline-level="1">{paragraphs[0]}</text:h>{body}'
           "</office:text></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", xml)
    return out.getvalue()


def letter_picture(lines: list[str], *, fmt: str = "JPEG", size: int = 30) -> bytes:
    """A page of these lines as a scanner or a phone gives it: a greyscale A4 picture at 150 dpi
    (Pillow's own scalable font), saved as `fmt` ("JPEG", "PNG", or "PDF": a scanned PDF)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=size)
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    for n, line in enumerate(lines):
        draw.text((120, 150 + n * int(size * 1.6)), line, fill=0, font=font)
    out = io.BytesIO()
    page.save(out, fmt, **({"resolution": 150} if fmt == "PDF" else {"quality": 85}
                           if fmt == "JPEG" else {}))
    return out.getvalue()
