"""Realistic, varied complaint mail for the exactly-once tests, the crash runs and the benches.

Deterministic: the same seed gives the same bytes, so a failing run can be replayed. Each
message is what a client's mail program would send (plain, quoted-printable, HTML
alternative, Latin-1, an attached PDF, Outlook's and Gmail's header habits), plus the
awkward cases intake must survive: no Message-ID, one Message-ID reused by different
senders with different bodies, the same bytes delivered twice, the same message
re-delivered with a new Received header, out-of-office replies, and bytes that are not an
email at all.

Each `Generated` says which logical message it is (`identity`): copies share one, and the
expectations in `expect()` are counted from these labels, never from mailbot's own code.

Command line (writes .eml files)::

    python -m tests.bench.genmail --n 20 --seed 7 --out /tmp/mail
"""

from __future__ import annotations

import argparse
import base64
import quopri
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

COMPLAINT = "complaint"
AUTO_REPLY = "auto_reply"
GARBAGE = "garbage"

FIRST = ("Sam", "Priya", "Tom", "Aisha", "Gareth", "Chloé", "Mohammed", "Eilidh", "Zofia", "Declan",
         "Harriet", "Olu", "Rhys", "Ines", "Kwame", "Margaret", "Jürgen", "Siobhan", "Ravi", "Lucy")
LAST = ("Okafor", "Patel", "Reilly", "Jones", "Ní Bhriain", "Kowalski", "Smith", "MacLeod", "Khan",
        "Evans", "O'Connor", "Müller", "Williams", "Brown", "Adeyemi", "Hughes", "Morgan", "Chen")
MATTERS = ("the sale of my flat", "my divorce settlement", "my late mother's estate", "the lease extension",
           "my employment tribunal claim", "the purchase of 14 Mill Lane", "my personal injury claim",
           "the boundary dispute with my neighbour", "my father's lasting power of attorney",
           "the remortgage", "my immigration appeal", "the probate application")
GRIEVANCES = (
    "Nobody has returned my calls for three weeks and I have no idea what is happening.",
    "Your final bill is £{amount} higher than the estimate you gave me at the start.",
    "I was told the documents were sent on {day} but the other side says they never arrived.",
    "The letter you sent me spelled my name wrongly and gave the wrong address for the property.",
    "Your trainee was rude to me on the phone and put the phone down on me.",
    "I paid £{amount} into your client account and it does not appear on my statement from you.",
    "The completion date has now slipped twice because replies to enquiries were late.",
    "I asked for a copy of my file on {day} and I am still waiting for it.",
    "You did not tell me about the costs of the barrister before you instructed one.",
    "Someone from your office emailed my details to another client by mistake.",
    "The advice I was given about the tenancy turned out to be wrong and it has cost me money.",
    "My emails go unanswered and the person handling my matter seems to have left.",
)
FEELINGS = (
    "I am very unhappy with the service.",
    "This has caused me a great deal of stress.",
    "I would like this put right as soon as possible.",
    "Please treat this as a formal complaint.",
    "I expected much better from a firm of your reputation.",
    "I want an explanation and a refund of the extra fees.",
)
CLOSINGS = ("Regards", "Kind regards", "Yours sincerely", "Thanks", "Best wishes")
OOO = ("Automatic reply: {subject}", "Out of office: {subject}", "Abwesenheitsnotiz: {subject}",
       "Réponse automatique : {subject}")


@dataclass(frozen=True)
class Generated:
    """One message as it will sit in the mailbox, labelled with what it is."""

    raw: bytes
    kind: str  # complaint | auto_reply | garbage
    sender: str  # lower-case address ("" for garbage)
    identity: str  # copies of one logical message share it (unique across seeds and prefixes)
    note: str  # how it was made: unique, no_message_id, reused_message_id, byte_copy, redelivered
    at: datetime  # when the server received it (use as INTERNALDATE)


@dataclass(frozen=True)
class Expectation:
    """What a user expects after intake, counted from the generator's own labels."""

    messages: int
    records: int  # raw messages recorded (one per logical message)
    cases: int  # one per logical complaint (each has its own sender)
    quarantined: int  # not an email at all
    processed_folder: int  # everything that is not quarantined ends up here
    complainants: tuple[str, ...]  # one acknowledgement each


def expect(mix: Sequence[Generated]) -> Expectation:
    identities = {g.identity: g for g in mix}
    complaints = [g for g in identities.values() if g.kind == COMPLAINT]
    garbage = [g for g in mix if g.kind == GARBAGE]
    if len({g.identity for g in garbage}) != len(garbage):
        raise ValueError("garbage is never copied: a copy would be filed as a duplicate, not quarantined")
    return Expectation(
        messages=len(mix),
        records=len(identities),
        cases=len(complaints),
        quarantined=len(garbage),
        processed_folder=len(mix) - len(garbage),
        complainants=tuple(sorted(g.sender for g in complaints)),
    )


# building blocks -----------------------------------------------------------------


def _msgid(rng: random.Random, domain: str) -> str:
    return f"{rng.getrandbits(64):016x}.{rng.randrange(10**6):06d}@{domain}"


def _qp(text: str, charset: str) -> bytes:
    return quopri.encodestring(text.encode(charset).replace(b"\n", b"\r\n"))


def _b64(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76)) + b"\r\n"


def _header_block(headers: list[tuple[str, str]]) -> bytes:
    return b"".join(f"{name}: {value}\r\n".encode() for name, value in headers)


def _encoded_words(text: str) -> str:
    """RFC 2047 for a header value that is not plain ASCII."""
    if text.isascii():
        return text
    return "=?UTF-8?B?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _received(rng: random.Random, at: datetime, domain: str) -> str:
    host = f"mail-{rng.choice(('ed1', 'wr1', 'lj1', 'pf1'))}-f{rng.randrange(10, 250)}.{domain}"
    return (f"from {host} ({host} [198.51.100.{rng.randrange(1, 254)}])\r\n\tby mx.firm.example (Postfix) "
            f"with ESMTPS id {rng.getrandbits(40):010X}; {format_datetime(at)}")


def _pdf(rng: random.Random, size: int) -> bytes:
    head = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    return head + bytes(rng.getrandbits(8) for _ in range(size)) + b"\n%%EOF\n"


def _text(rng: random.Random, name: str, matter: str, at: datetime) -> str:
    day = (at - timedelta(days=rng.randrange(3, 40))).strftime("%d %B")
    amount = f"{rng.randrange(200, 9000):,}"
    grievances = rng.sample(GRIEVANCES, rng.randrange(1, 4))
    paragraphs = ["Dear Sir or Madam,", f"I am writing about {matter}."]
    paragraphs += [g.format(amount=amount, day=day) for g in grievances]
    paragraphs.append(" ".join(rng.sample(FEELINGS, rng.randrange(1, 3))))
    if rng.random() < 0.3:
        paragraphs.append(f"My reference with you is {rng.choice('ABCDEFGHJK')}{rng.randrange(1000, 99999)}.")
    paragraphs.append(f"{rng.choice(CLOSINGS)},\n{name}")
    return "\n\n".join(paragraphs) + "\n"


def _html(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paras = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in escaped.split("\n\n"))
    return f'<html><head><meta charset="utf-8"></head><body><div dir="ltr">{paras}</div></body></html>\n'


def complaint(rng: random.Random, *, sender: str, name: str, to: str, at: datetime,
              message_id: str | None, attachment_bytes: int | None = None) -> bytes:
    """One client's complaint, in one of several mail-program layouts."""
    matter = rng.choice(MATTERS)
    text = _text(rng, name, matter, at)
    subject = rng.choice((f"Complaint about {matter}", "Formal complaint", f"Re: {matter}", "Very unhappy",
                          f"Complaint - {name}", "Bill query and complaint"))
    sender_domain = sender.rsplit("@", 1)[-1]
    headers = [("Return-Path", f"<{sender}>"), ("Received", _received(rng, at, sender_domain))]
    headers += [("MIME-Version", "1.0"), ("Date", format_datetime(at)), ("From", f"{_encoded_words(name)} <{sender}>"),
                ("To", to), ("Subject", _encoded_words(subject))]
    if message_id is not None:
        headers.append(("Message-ID", f"<{message_id}>"))
    layout = rng.choices(("plain_qp", "plain_8bit", "latin1", "alternative", "attachment"),
                         weights=(3, 2, 1, 3, 1 if attachment_bytes is None else 0))[0]
    if attachment_bytes is not None:
        layout = "attachment"
    if layout == "plain_qp":
        headers += [("Content-Type", 'text/plain; charset="UTF-8"'), ("Content-Transfer-Encoding", "quoted-printable")]
        body = _qp(text, "utf-8")
    elif layout == "plain_8bit":
        headers += [("Content-Type", "text/plain; charset=utf-8; format=flowed"), ("Content-Transfer-Encoding", "8bit")]
        body = text.replace("\n", "\r\n").encode("utf-8")
    elif layout == "latin1":
        headers += [("Content-Type", "text/plain; charset=iso-8859-1"), ("Content-Transfer-Encoding", "quoted-printable"),
                    ("X-Mailer", "Microsoft Outlook 16.0")]
        body = _qp(text.encode("latin-1", "replace").decode("latin-1"), "latin-1")
    else:
        boundary = f"000000000000{rng.getrandbits(48):012x}"
        plain = (b'Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
                 + _qp(text, "utf-8"))
        html = (b'Content-Type: text/html; charset="UTF-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
                + _qp(_html(text), "utf-8"))
        alternative = _multipart(boundary, [plain, html])
        if layout == "alternative":
            headers.append(("Content-Type", f'multipart/alternative; boundary="{boundary}"'))
            body = alternative
        else:
            outer = f"{boundary}-mixed"
            size = attachment_bytes if attachment_bytes is not None else rng.randrange(2_000, 60_000)
            filename = rng.choice(("invoice.pdf", "letter from you.pdf", "bill_2026.pdf", "scan0001.pdf"))
            inner = f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n".encode() + alternative
            attached = (f'Content-Type: application/pdf; name="{filename}"\r\n'
                        f'Content-Disposition: attachment; filename="{filename}"\r\n'
                        "Content-Transfer-Encoding: base64\r\n\r\n").encode() + _b64(_pdf(rng, size))
            headers.append(("Content-Type", f'multipart/mixed; boundary="{outer}"'))
            body = _multipart(outer, [inner, attached])
    return _header_block(headers) + b"\r\n" + body


def _multipart(boundary: str, parts: list[bytes]) -> bytes:
    chunks = [b"--" + boundary.encode() + b"\r\n" + part.rstrip(b"\r\n") + b"\r\n" for part in parts]
    return b"".join(chunks) + b"--" + boundary.encode() + b"--\r\n"


def auto_reply(rng: random.Random, *, sender: str, to: str, at: datetime, message_id: str) -> bytes:
    """An out-of-office answer, marked as RFC 3834 says: filed, never answered."""
    subject = rng.choice(OOO).format(subject="Your message")
    headers = [("Date", format_datetime(at)), ("From", sender), ("To", to), ("Subject", subject),
               ("Message-ID", f"<{message_id}>"), ("Auto-Submitted", "auto-replied"),
               ("X-Auto-Response-Suppress", "All"), ("Content-Type", "text/plain; charset=utf-8")]
    body = f"I am out of the office until {(at + timedelta(days=7)).strftime('%d %B')} with limited access to email.\r\n"
    return _header_block(headers) + b"\r\n" + body.encode()


def garbage(rng: random.Random) -> bytes:
    """Bytes that are not an email: no header at all (intake quarantines them, with the bytes)."""
    words = " ".join(rng.choice(("lorem", "ipsum", "0x7f", "dolor", "sit", "amet", "%%", "##")) for _ in range(30))
    return f"this is not an email, {rng.getrandbits(32):08x}\r\n{words}\r\n".encode()


def _person(rng: random.Random, index: int, prefix: str, domain: str) -> tuple[str, str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return f"{prefix}-{index:05d}-{rng.getrandbits(24):06x}@{domain}".lower(), name


# mixes ----------------------------------------------------------------------------


def complaints(n: int, *, seed: int, to: str, start: datetime, domain: str = "clients.example.test",
               prefix: str = "client", spacing: timedelta = timedelta(seconds=30)) -> list[Generated]:
    """n distinct complaints, each from its own sender (the bench load)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        sender, name = _person(rng, i, prefix, domain)
        at = start + spacing * i
        raw = complaint(rng, sender=sender, name=name, to=to, at=at, message_id=_msgid(rng, domain))
        out.append(Generated(raw, COMPLAINT, sender, f"{prefix}/{seed}/{i}", "unique", at))
    return out


def mailbox_mix(n: int, *, seed: int, to: str, start: datetime, domain: str = "clients.example.test",
                prefix: str = "client", spacing: timedelta = timedelta(seconds=30)) -> list[Generated]:
    """n messages of every awkward kind intake meets, in mailbox order (oldest first).

    Roughly: 62% ordinary complaints, 8% without a Message-ID, 8% sharing a Message-ID with
    another sender's different complaint, 10% byte-for-byte copies of an earlier message,
    6% the same message re-delivered with an extra Received header, 5% out-of-office
    replies, and 1% not an email at all.
    """
    rng = random.Random(seed)
    out: list[Generated] = []
    earlier: list[Generated] = []  # what may be copied: anything but garbage
    shared_ids: list[str] = []
    for i in range(n):
        at = start + spacing * i
        roll = rng.random()
        if roll < 0.10 and earlier:
            original = rng.choice(earlier)
            out.append(replace(original, note="byte_copy", at=at))
            continue
        if roll < 0.16 and earlier:
            original = rng.choice(earlier)
            trace = f"Received: {_received(rng, at, 'relay.example')}\r\nDelivered-To: {to}\r\n".encode()
            out.append(replace(original, raw=trace + original.raw, note="redelivered", at=at))
            continue
        sender, name = _person(rng, i, prefix, domain)
        identity = f"{prefix}/{seed}/{i}"
        if roll < 0.17:
            out.append(Generated(garbage(rng), GARBAGE, "", identity, "garbage", at))
        elif roll < 0.22:
            raw = auto_reply(rng, sender=sender, to=to, at=at, message_id=_msgid(rng, domain))
            out.append(Generated(raw, AUTO_REPLY, sender, identity, "auto_reply", at))
        elif roll < 0.30:
            raw = complaint(rng, sender=sender, name=name, to=to, at=at, message_id=None)
            out.append(Generated(raw, COMPLAINT, sender, identity, "no_message_id", at))
        elif roll < 0.38:
            if not shared_ids or rng.random() < 0.4:
                shared_ids.append(_msgid(rng, "broken-mailer.example"))
            raw = complaint(rng, sender=sender, name=name, to=to, at=at, message_id=rng.choice(shared_ids))
            out.append(Generated(raw, COMPLAINT, sender, identity, "reused_message_id", at))
        else:
            raw = complaint(rng, sender=sender, name=name, to=to, at=at, message_id=_msgid(rng, domain))
            out.append(Generated(raw, COMPLAINT, sender, identity, "unique", at))
        if out[-1].kind != GARBAGE:
            earlier.append(out[-1])
    return out


def notes(mix: Sequence[Generated]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for g in mix:
        counts[g.note] = counts.get(g.note, 0) + 1
    return counts


def batches(items: Sequence[Generated], size: int) -> Iterator[Sequence[Generated]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def deliver(host: str, port: int, username: str, password: str, folder: str, mail: Sequence[Generated],
            *, chunk: int = 100) -> None:
    """APPEND the messages in order over one connection (MULTIAPPEND), each with its INTERNALDATE.

    `folder` is the server's own name for it; it is created when missing.
    """
    from imapclient import IMAPClient  # only the tests and benches that deliver need it

    with IMAPClient(host, port, ssl=False, timeout=60) as client:
        client.login(username, password)
        if not client.folder_exists(folder):
            client.create_folder(folder)
        for part in batches(mail, chunk):
            client.multiappend(folder, [{"msg": g.raw, "date": g.at} for g in part])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--to", default="complaints@firm.example")
    parser.add_argument("--mix", action="store_true", help="the awkward mix, not only distinct complaints")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    make = mailbox_mix if args.mix else complaints
    mail = make(args.n, seed=args.seed, to=args.to, start=start)
    args.out.mkdir(parents=True, exist_ok=True)
    for i, g in enumerate(mail):
        (args.out / f"{i:05d}-{g.note}.eml").write_bytes(g.raw)
    e = expect(mail)
    print(f"wrote {len(mail)} messages to {args.out}: {notes(mail)}; "
          f"expect records={e.records} cases={e.cases} quarantined={e.quarantined}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
