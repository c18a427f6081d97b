"""Is this string a usable mailbox address (syntax only, with email-validator), and is a host
loopback? Pure, no DNS.

An address read from a From line becomes a case's client address and, later, an SMTP
recipient; one with a control character in it (a vertical tab, a NUL) once made sending crash
on every retry. Intake asks here first, and so does the SMTP adapter before it sends.
"""

from __future__ import annotations

import ipaddress

from email_validator import EmailNotValidError, validate_email


def is_loopback(host: str) -> bool:
    """True for localhost names and loopback addresses; no DNS lookup (it could lie). The one
    rule for where plain-text IMAP and SMTP are allowed."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def plaintext_problem(section: str, security: str, host: str) -> str | None:
    """Why a connection may not run unencrypted, or None. A password and complaint text must not
    cross a network in the clear; loopback never leaves the machine. The config check and both
    mail adapters ask here, so the rule and its words are the same wherever it is refused."""
    if security != "none" or is_loopback(host):
        return None
    return (f'{section}.security: "none" is allowed only for loopback hosts, not {host!r} '
            '(use "ssl" or "starttls")')


def address_problem(address: str) -> str | None:
    """None when `address` is a well-formed addr-spec; else what is wrong with it, in words.

    Reserved test names (.test) and domain literals are allowed, deliverability is not checked:
    this decides only whether the string can be used safely as an address at all.
    """
    if not address or len(address) > 320:
        return "empty or longer than 320 characters"
    try:
        validate_email(
            address,
            check_deliverability=False,
            test_environment=True,
            allow_quoted_local=True,
            allow_domain_literal=True,
            globally_deliverable=False,
        )
    except EmailNotValidError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a validator bug must not pass an address unchecked
        return f"could not be checked ({type(exc).__name__})"
    return None
