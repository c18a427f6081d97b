"""Plain-text IMAP and SMTP beyond loopback: refused in the same words wherever it is checked.

The config check catches it at load; each adapter checks again, since settings can be built
without a config file (the demo, `check-config --connect`). An admin should never meet two
phrasings of one rule.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from mailbot.config import parse_config
from mailbot.errors import ConfigError
from mailbot.mailbox import Mailbox, MailboxSettings
from mailbot.smtp import SmtpSettings, connection_options

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
HOST = "mail.firm.test"


def test_the_config_and_both_adapters_refuse_plaintext_in_the_same_words() -> None:
    data = copy.deepcopy(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    data["imap"].update(host=HOST, security="none")
    data["smtp"].update(host=HOST, security="none")
    with pytest.raises(ConfigError) as at_load:
        parse_config(data)
    with pytest.raises(ConfigError) as by_imap:
        Mailbox(MailboxSettings(host=HOST, port=143, username="u", security="none",
                                password="p")).connect()
    with pytest.raises(ConfigError) as by_smtp:
        connection_options(SmtpSettings(host=HOST, port=25, security="none"))
    refused = [p for p in at_load.value.problems if ".security" in p]
    assert refused == by_imap.value.problems + by_smtp.value.problems
    assert refused[0].startswith('imap.security: "none" is allowed only for loopback hosts')
    assert refused[1].endswith(f'not {HOST!r} (use "ssl" or "starttls")')
