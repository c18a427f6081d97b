"""Did the firm's own mail server vouch for a sender? Authentication-Results, read safely. Pure.

An approval by email is only as good as the proof that the handler sent it. That proof is the
verdict the firm's own server wrote in Authentication-Results (RFC 8601) after checking DKIM
and DMARC; anyone can write such a header into a message, so which one is believed matters:
- only the TOPMOST header bearing the firm's authserv-id counts; any header of ours further
  down was written before our server saw the message (a sender's forgery), and a "pass"
  below our server's own "fail" is exactly that attack;
- that header must sit within the firm's own trace headers: at most `max_received_above`
  Received headers above it (the hops the firm's servers add above their own verdict: 0 for
  a filter that writes it at the top, 1 when Dovecot LMTP delivers after it). A header the
  sender wrote sits below every Received header added on the way (at least the firm's MX's),
  so with the setting at its true value it is refused even when the firm's server wrote no
  verdict of its own;
- it must say DMARC passed for the From domain, or DKIM passed for a domain ALIGNED with the
  handler's (the same domain, or one is a subdomain of the other): a DKIM pass for the
  attacker's own domain proves only that the attacker owns a domain.

The `authres` package (Apache-2.0, by the authors of the RFC's reference tools) parses the
header; a header it cannot parse proves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import authres
import authres.core

_FEATURES = authres.all_features()
MAX_HEADERS = 20  # a message with more Authentication-Results than this is read no further
MAX_LENGTH = 4000  # nor is a header longer than this


@dataclass(frozen=True)
class AuthResult:
    """One Authentication-Results header: who wrote it, where it sits, what it says."""

    authserv_id: str
    received_above: int  # Received headers above this one in the message
    dkim_pass_domains: tuple[str, ...] = ()  # header.d of every passing DKIM signature
    dkim: str | None = None  # the best DKIM result ("pass" if any passed)
    dmarc: str | None = None
    dmarc_from: str | None = None  # header.from of the DMARC result
    spf: str | None = None
    parsed: bool = True


@dataclass(frozen=True)
class AuthPolicy:
    """What the firm's server writes: its authserv-id, and how many Received headers its own
    hops put above its verdict (0 for a milter with local delivery, 1 with LMTP delivery)."""

    authserv_id: str
    max_received_above: int = 0


@dataclass(frozen=True)
class AuthVerdict:
    passed: bool
    why: str  # for the audit trail and the handler's notice; never client text


def read_auth_results(headers: Iterable[tuple[int, str]]) -> tuple[AuthResult, ...]:
    """(Received headers above, unfolded value) per Authentication-Results header, top first."""
    results = []
    for received_above, value in list(headers)[:MAX_HEADERS]:
        results.append(_one(received_above, value[:MAX_LENGTH]))
    return tuple(results)


def _one(received_above: int, value: str) -> AuthResult:
    try:
        header = _FEATURES.parse_value(value)
    except (authres.core.AuthResError, ValueError, IndexError):
        first = value.split(";", 1)[0].split()
        return AuthResult(first[0].lower() if first else "", received_above, parsed=False)
    dkim_pass: list[str] = []
    verdicts: dict[str, str] = {}
    dmarc_from = None
    for result in header.results:
        method, outcome = (result.method or "").lower(), (result.result or "").lower()
        if method == "dkim" and outcome == "pass":
            domain = (getattr(result, "header_d", None) or "").lower()
            if domain:
                dkim_pass.append(domain)
        if method == "dmarc" and dmarc_from is None:
            dmarc_from = (getattr(result, "header_from", None) or "").lower() or None
        if method in {"dkim", "dmarc", "spf"} and (method not in verdicts or outcome == "pass"):
            verdicts[method] = outcome
    return AuthResult(
        authserv_id=(header.authserv_id or "").lower(),
        received_above=received_above,
        dkim_pass_domains=tuple(dkim_pass),
        dkim=verdicts.get("dkim"),
        dmarc=verdicts.get("dmarc"),
        dmarc_from=dmarc_from,
        spf=verdicts.get("spf"),
    )


def ours(results: tuple[AuthResult, ...], authserv_id: str) -> AuthResult | None:
    """The topmost header bearing our authserv-id; the only one of ours that can be believed."""
    wanted = authserv_id.lower()
    return next((r for r in results if r.authserv_id == wanted), None)


def aligned(domain: str, other: str) -> bool:
    """Relaxed alignment: the same domain, or one a subdomain of the other."""
    a, b = domain.lower().rstrip("."), other.lower().rstrip(".")
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def verify_sender(results: tuple[AuthResult, ...], sender: str, policy: AuthPolicy) -> AuthVerdict:
    """Whether the firm's server vouched that `sender` (an address) really sent the message."""
    domain = sender.rpartition("@")[2].lower()
    header = ours(results, policy.authserv_id)
    if header is None:
        return AuthVerdict(False, f"no Authentication-Results from {policy.authserv_id}")
    if header.received_above > policy.max_received_above:
        return AuthVerdict(
            False, f"the Authentication-Results of {policy.authserv_id} sits below "
            f"{header.received_above} Received headers (at most "
            f"{policy.max_received_above} allowed): it was not written by the "
            "firm's server")
    if not header.parsed:
        return AuthVerdict(False,
                           f"the Authentication-Results of {policy.authserv_id} cannot be read")
    if header.dmarc == "pass" and (header.dmarc_from is None or aligned(header.dmarc_from, domain)):
        return AuthVerdict(True, f"dmarc=pass for {header.dmarc_from or domain}")
    for signer in header.dkim_pass_domains:
        if aligned(signer, domain):
            return AuthVerdict(True, f"dkim=pass for {signer}")
    if header.dkim_pass_domains:
        return AuthVerdict(False, "DKIM passed only for domains not aligned with the sender's "
                                  f"({', '.join(header.dkim_pass_domains)})")
    return AuthVerdict(False, f"{policy.authserv_id} recorded dmarc={header.dmarc or 'none'}, "
                              f"dkim={header.dkim or 'none'}")
