"""Links as security gateways and mail programs rewrite them, undone. Pure.

A handler's reply quotes our draft, and on the way two kinds of software changed its links:
- security gateways wrap every link in a tracking URL of their own (Microsoft Safe Links,
  Proofpoint URL Defense, Mimecast, Barracuda, Sophos, Trend Micro, Cisco, Symantec...),
  some of which carry the handler's address;
- mail programs that write a plain-text copy of what they displayed as HTML put the link
  target after the text: `www.firm.example<http://www.firm.example/>` (Outlook) or
  `www.firm.example <http://www.firm.example>` (Gmail).
Neither is an edit, and a gateway's URL must never reach a client (EMAIL.md rules 23, 24).
Wrappers that carry the original URL are decoded; opaque ones (Mimecast's `/s/ID`) can only
be matched to a link of the original draft by their `domain=` parameter, and are otherwise
reported so the approval is refused rather than guessed.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

MAX_DEPTH = 5  # a link wrapped by more gateways than this is not unwrapped further
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]{1,4000}", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_RUN_LENGTHS = {c: i + 2 for i, c in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}


@dataclass(frozen=True)
class Gateway:
    name: str
    host: re.Pattern[str]
    param: str | None = None  # the query parameter holding the original URL
    opaque: bool = False


# Host patterns are anchored and matched against the whole host name.
GATEWAYS = (Gateway(
    "Microsoft Safe Links",
    re.compile(r"(?:[a-z0-9-]+\.)*safelinks\.protection\.outlook\.(?:com|de|cn)"
               r"|(?:[a-z0-9-]+\.)*safelinks\.protection\.office365\.us"), "url"),
            Gateway("Proofpoint URL Defense",
                    re.compile(r"urldefense(?:\.proofpoint)?\.com|urldefense\.us")),
            Gateway("Mimecast",
                    re.compile(r"(?:[a-z0-9-]+\.)*(?:mimecast\.com|mimecastprotect\.com)"),
                    opaque=True),
            Gateway("Barracuda", re.compile(r"linkprotect\.cudasvc\.com"), "a"),
            Gateway("Sophos", re.compile(r"(?:[a-z0-9-]+\.)*protection\.sophos\.com"), "u"),
            Gateway("Trend Micro",
                    re.compile(r"(?:[a-z0-9-]+\.)*(?:trendmicro\.com|tmase\.trendmicro\.com)"),
                    "url"), Gateway("Symantec", re.compile(r"clicktime\.symantec\.com"), "u"),
            Gateway("FireEye", re.compile(r"protect2\.fireeye\.com"),
                    "u"), Gateway("Google redirect", re.compile(r"www\.google\.com"), "q"),
            Gateway("Cisco Secure Email", re.compile(r"secure-web\.cisco\.com")),
            )


class OpaqueLink(ValueError):
    """A gateway URL that does not carry its original: only a person can say what it was."""

    def __init__(self, gateway: str, url: str, domain: str | None) -> None:
        super().__init__(f"{gateway} link")
        self.gateway = gateway
        self.url = url
        self.domain = domain


def gateway_of(url: str) -> Gateway | None:
    """The security gateway that rewrote this link, or None, so a link in a client's mail can be
    shown as the client wrote it."""
    host = (urlsplit(_with_scheme(url)).hostname or "").lower()
    for gateway in GATEWAYS:
        if gateway.host.fullmatch(host):
            if gateway.name == "Google redirect" and not urlsplit(url).path.startswith("/url"):
                return None
            if gateway.name == "Trend Micro" and "clicktime" not in url.lower():
                return None
            return gateway
    return None


def unwrap(url: str) -> str:
    """The original URL inside any number of gateway wrappers; OpaqueLink when it is not there."""
    for _ in range(MAX_DEPTH):
        gateway = gateway_of(url)
        if gateway is None:
            return url
        url = _decode(gateway, url)
    return url


def _decode(gateway: Gateway, url: str) -> str:
    parts = urlsplit(_with_scheme(url))
    if gateway.opaque:
        domain = parse_qs(parts.query).get("domain", [None])[0]
        raise OpaqueLink(gateway.name, url, domain)
    if gateway.name == "Proofpoint URL Defense":
        return _proofpoint(url)
    if gateway.name == "Cisco Secure Email":
        _token, _, rest = parts.path.lstrip("/").partition("/")
        if not rest:
            raise OpaqueLink(gateway.name, url, None)
        return unquote(rest)
    if gateway.name == "Sophos":
        encoded = parse_qs(parts.query).get("u", [""])[0]
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OpaqueLink(gateway.name, url, None) from None
    assert gateway.param is not None
    found = parse_qs(parts.query).get(gateway.param)
    if not found:
        raise OpaqueLink(gateway.name, url, None)
    return found[0]


def _proofpoint(url: str) -> str:
    """Proofpoint URL Defense v1, v2 and v3, from the formats Proofpoint documents."""
    version = re.search(r"urldefense(?:\.proofpoint)?\.(?:com|us)/(v[123])/", url, re.IGNORECASE)
    if version is None:
        raise OpaqueLink("Proofpoint URL Defense", url, None)
    if version.group(1) in {"v1", "v2"}:
        found = re.search(r"[?&]u=([^&]+)", url)
        if found is None:
            raise OpaqueLink("Proofpoint URL Defense", url, None)
        value = found.group(1)
        if version.group(1) == "v2":  # '-' stood for '%' and '_' for '/'
            value = value.replace("-", "%").replace("_", "/")
        return unquote(value)
    found = re.search(r"/v3/__(.+?)__;([A-Za-z0-9_-]*)!", url)
    if found is None:
        raise OpaqueLink("Proofpoint URL Defense", url, None)
    body, packed = found.group(1), found.group(2)
    try:
        replaced = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise OpaqueLink("Proofpoint URL Defense", url, None) from None
    out: list[str] = []
    used = 0
    i = 0
    while i < len(body):  # '*' is one replaced character; '**X' a run whose length X encodes
        if body[i] != "*":
            out.append(body[i])
            i += 1
            continue
        if body.startswith("**", i) and i + 2 < len(body) and body[i + 2] in _RUN_LENGTHS:
            n, i = _RUN_LENGTHS[body[i + 2]], i + 3
        else:
            n, i = 1, i + 1
        out.append(replaced[used:used + n])
        used += n
    return "".join(out)


def _with_scheme(url: str) -> str:
    return url if re.match(r"^[a-z][a-z0-9+.-]*://", url, re.IGNORECASE) else "http://" + url


def urls_in(text: str) -> list[str]:
    """Every link in a text, without the punctuation that usually follows one in prose."""
    return [m.group(0).rstrip(_TRAILING) for m in URL.finditer(text)]


def comparable(url: str) -> str:
    """A link as a reader sees it: no scheme, no trailing slash, lower-case host."""
    bare = re.sub(r"^(?:https?://|mailto:)", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
    host, slash, rest = bare.partition("/")
    return host.lower() + slash + rest


# --- plain-text copies of HTML links -----------------------------------------------------

# The shown text, then the target: glued on (Outlook), after a space (Gmail), or on the next
# line where the program wrapped between them.
_ARTEFACT = re.compile(r"(\S+?)([ \t]?\n?[ \t]?)<((?:https?://|mailto:|www\.)[^<>\s]{1,4000})>",
                       re.IGNORECASE)


def strip_link_artefacts(text: str) -> str:
    """`text<url>` / `text <url>` as a mail program writes a displayed link: keep what was shown.

    Where the shown text is itself the link (or the address) the target is dropped; where it is
    other words, the target is kept in brackets so no link silently disappears.
    """
    def replace(m: re.Match[str]) -> str:
        shown, target = m.group(1), m.group(3)
        try:
            real = unwrap(target)
        except OpaqueLink:
            real = target
        same = comparable(shown.rstrip(_TRAILING)) in {comparable(real), comparable(target)}
        if same or _looks_like_link(shown):
            return shown
        return f"{shown} ({real})"

    return _ARTEFACT.sub(replace, text)


def _looks_like_link(word: str) -> bool:
    return bool(re.match(r"^(?:https?://|www\.|mailto:)", word, re.IGNORECASE) or re.fullmatch(
        r"[^@\s]+@[^@\s]+\.[a-z]{2,}[.,;]?", word, re.IGNORECASE))


@dataclass(frozen=True)
class Cleaned:
    text: str
    unwrapped: int  # gateway links replaced by their originals
    problems: tuple[str, ...]


def restore_links(text: str, original: str) -> Cleaned:
    """Every gateway link in `text` replaced by the link it stands for; opaque ones by the
    original draft's link with the same domain, when there is exactly one; else a problem."""
    originals = urls_in(original)
    problems: list[str] = []
    count = 0

    def replace(m: re.Match[str]) -> str:
        nonlocal count
        found = m.group(0)
        core = found.rstrip(_TRAILING)
        tail = found[len(core):]
        if gateway_of(core) is None:
            return found
        try:
            real = unwrap(core)
        except OpaqueLink as link:
            candidates = sorted({
                u
                for u in originals if link.domain and
                (urlsplit(_with_scheme(u)).hostname or "").lower() == link.domain.lower()
            })
            if len(candidates) != 1:
                problems.append(
                    f"A link in your edited text was rewritten by {link.gateway} and cannot be "
                    "read back, so the letter was not sent. Type the link out again (or remove "
                    "it) in your reply.")
                return found
            real = candidates[0]
        count += 1
        return real + tail

    return Cleaned(URL.sub(replace, text), count, tuple(dict.fromkeys(problems)))


def gateway_links(text: str) -> list[str]:
    """Gateway URLs still present: none may reach a client."""
    return [u for u in urls_in(text) if gateway_of(u) is not None]
