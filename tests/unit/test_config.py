"""Configuration: the shipped example loads, and every mistake an admin can make is named with its fix."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from mailbot.config import (
    Config,
    ImapConfig,
    SmtpConfig,
    load_config,
    masked_summary,
    parse_config,
)
from mailbot.errors import ConfigError, SecretMissing

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_DATA = tomllib.loads(EXAMPLE_TEXT)


def example(**sections: dict[str, Any]) -> dict[str, Any]:
    """The example config as data, with some keys of some sections replaced."""
    data = copy.deepcopy(EXAMPLE_DATA)
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


def only_problem(data: dict[str, Any]) -> str:
    found = problems(data)
    assert len(found) == 1, found
    return found[0]


# --- the example ---------------------------------------------------------------------------


def test_the_example_config_loads() -> None:
    config = load_config(EXAMPLE)
    assert config.firm.name == "Example & Co Solicitors LLP"
    assert config.firm.profile == "ew_sra"
    assert [h.email for h in config.handlers] == [
        "priya.shah@example.co.uk", "tom.reilly@example.co.uk", "alex.morgan@example.co.uk"]
    assert config.imap is not None and config.imap.port == 993
    assert config.smtp is not None and config.smtp.max_attempts == 8
    assert config.logging.json_format is False
    assert config.handler("Tom.Reilly@Example.co.uk") is config.handlers[1]


def test_the_config_is_frozen() -> None:
    config = parse_config(example())
    with pytest.raises(ValueError):
        config.firm.name = "Someone else"  # type: ignore[misc]


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    config = parse_config(example(paths={"data_dir": str(tmp_path / "var")}))
    assert config.database_url == f"sqlite:///{tmp_path / 'var' / 'mailbot.sqlite3'}"


# --- mistakes named by key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "typo", "meant"),
    [("imap", "prot", "port"), ("smtp", "hots", "host"), ("firm", "timezon", "timezone"),
     ("logging", "jsn", "json"), ("approvals", "token_ttl_hour", "token_ttl_hours")],
)
def test_an_unknown_key_is_named_with_a_suggestion(section: str, typo: str, meant: str) -> None:
    assert only_problem(example(**{section: {typo: 1}})) == f"{section}.{typo}: unknown key (did you mean '{meant}'?)"


def test_an_unknown_key_in_a_handler_entry_names_the_entry() -> None:
    data = example()
    data["handlers"][1]["emial"] = "x@example.co.uk"
    assert only_problem(data) == "handlers[1].emial: unknown key (did you mean 'email'?)"


def test_an_unknown_section_is_named() -> None:
    assert only_problem(example(firmm={"name": "x"})) == "firmm: unknown key (did you mean 'firm'?)"


def test_an_unknown_key_with_nothing_close_says_what_to_do() -> None:
    message = only_problem(example(imap={"zzzzzz": 1}))
    assert message.startswith("imap.zzzzzz: unknown key")
    assert "remove it" in message


def test_a_wrong_type_names_the_key_and_the_value() -> None:
    message = only_problem(example(imap={"port": "nine-nine-three"}))
    assert message.startswith("imap.port: ")
    assert "integer" in message
    assert "'nine-nine-three'" in message


def test_an_out_of_range_value_names_the_key() -> None:
    assert only_problem(example(imap={"port": 70000})).startswith("imap.port: ")
    assert only_problem(example(imap={"idle_seconds": 3600})).startswith("imap.idle_seconds: ")


def test_a_bad_choice_names_the_key_and_the_choices() -> None:
    message = only_problem(example(smtp={"security": "tls"}))
    assert message.startswith("smtp.security: ")
    assert "'starttls'" in message


def test_a_missing_required_key_is_named() -> None:
    data = example()
    del data["firm"]["complaints_address"]
    assert only_problem(data) == "firm.complaints_address: required key is missing (add it; see config.example.toml)"


def test_a_missing_required_section_is_named() -> None:
    data = example()
    del data["firm"]
    assert only_problem(data).startswith("firm: required key is missing")


def test_every_problem_is_reported_at_once() -> None:
    data = example(imap={"prot": 1}, smtp={"port": "x"})
    del data["firm"]["name"]
    found = problems(data)
    assert len(found) == 3
    assert {p.split(":")[0] for p in found} == {"imap.prot", "smtp.port", "firm.name"}


def test_a_bad_time_zone_is_named_with_an_example_of_a_good_one() -> None:
    message = only_problem(example(firm={"timezone": "London"}))
    assert message.startswith("firm.timezone: unknown time zone 'London'")
    assert "Europe/London" in message


def test_a_bad_profile_lists_the_profiles() -> None:
    message = only_problem(example(firm={"profile": "ew_law_society"}))
    assert message.startswith("firm.profile: ")
    for name in ("ew_sra", "ew_clc", "scot_slcc", "ie_lsra", "fca_disp", "generic"):
        assert name in message


def test_a_bad_handler_email_is_named() -> None:
    data = example()
    data["handlers"][0]["email"] = "priya at example"
    assert only_problem(data).startswith("handlers[0].email: ")


def test_at_least_one_handler_is_needed() -> None:
    assert "[[handlers]]" in only_problem(example() | {"handlers": []})


def test_compliance_staff_alone_are_not_enough() -> None:
    data = example()
    data["handlers"] = [data["handlers"][2]]  # Alex: compliance and partner, not handler
    message = only_problem(data)
    assert "[[handlers]]" in message and 'roles = ["handler"]' in message


def test_two_handlers_with_one_address_are_refused_whatever_the_case() -> None:
    data = example()
    data["handlers"].append({"name": "P. Shah", "email": "Priya.Shah@example.co.uk"})
    assert "share an email address" in only_problem(data)


def test_deadline_overrides_are_accepted() -> None:
    config = parse_config(example(deadlines={"acknowledge": {"amount": 2, "unit": "working_days"},
                                             "reminder_offsets_days": [10, 3]}))
    assert config.profile_overrides["reminder_offsets_days"] == [10, 3]


def test_a_bad_deadline_override_key_is_named() -> None:
    message = only_problem(example(deadlines={"acknowlege": {"amount": 2, "unit": "working_days"}}))
    assert "[deadlines]" in message
    assert "'acknowlege'" in message
    assert "acknowledge" in message.split("known keys", 1)[1]


def test_a_bad_deadline_override_value_is_named() -> None:
    message = only_problem(example(deadlines={"acknowledge": {"amount": 2, "unit": "fortnights"}}))
    assert "[deadlines]" in message and "'acknowledge'" in message


def _shared_address(data: dict[str, Any]) -> dict[str, Any]:
    data["handlers"].append({"name": "P. Shah", "email": "priya.shah@example.co.uk"})
    return data


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(example() | {"handlers": []}, id="no-handlers"),
        pytest.param(_shared_address(example()), id="shared-address"),
        pytest.param(example(deadlines={"acknowlege": 3}), id="bad-deadline-key"),
    ],
)
def test_whole_config_problems_do_not_echo_the_whole_config(data: dict[str, Any]) -> None:
    message = only_problem(data)
    assert "complaints_address" not in message and "MAILBOT_IMAP_PASSWORD" not in message
    assert len(message) < 400


def _no_imap_password(data: dict[str, Any]) -> dict[str, Any]:
    del data["imap"]["password_env"]
    return data


@pytest.mark.parametrize(
    ("data", "key"),
    [
        pytest.param(_no_imap_password(example()), "imap.password_env", id="password-auth-without-a-password"),
        pytest.param(example(imap={"auth": "oauth2"}), "imap.oauth_token_env", id="oauth2-without-a-token"),
        pytest.param(example(imap={"security": "none"}), "imap.security", id="imap-plaintext-to-a-public-host"),
        pytest.param(example(smtp={"security": "none"}), "smtp.security", id="smtp-plaintext-to-a-public-host"),
    ],
)
def test_connection_settings_that_cannot_work_are_named_at_check_time(data: dict[str, Any], key: str) -> None:
    try:
        parse_config(data)
    except ConfigError as exc:
        assert any(p.startswith(f"{key}:") for p in exc.problems), exc.problems
    else:
        raise AssertionError(f"accepted; expected a problem naming {key}")


def test_load_config_names_a_missing_file_and_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    (message,) = info.value.problems
    assert "nope.toml" in message and "--config" in message and "MAILBOT_CONFIG" in message


def test_load_config_names_broken_toml(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[firm]\nname = "unterminated\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (message,) = info.value.problems
    assert str(path) in message and "not valid TOML" in message


# --- secrets ---------------------------------------------------------------------------------


def imap(**values: Any) -> ImapConfig:
    return ImapConfig(host="imap.example.co.uk", username="complaints@example.co.uk", **values)


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MB_TEST_IMAP_PW", "correct horse")
    assert imap(password_env="MB_TEST_IMAP_PW").password() == "correct horse"


def test_secret_from_file_without_its_trailing_newline(tmp_path: Path) -> None:
    secret = tmp_path / "imap.secret"
    secret.write_text("battery staple\n", encoding="utf-8")
    assert imap(password_file=str(secret)).password() == "battery staple"


def test_no_secret_configured_is_none() -> None:
    assert imap().password() is None


def test_a_missing_environment_variable_names_the_key_and_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MB_TEST_UNSET", raising=False)
    with pytest.raises(SecretMissing) as info:
        imap(password_env="MB_TEST_UNSET").password()
    (message,) = info.value.problems
    assert message.startswith("imap.password_env: ")
    assert "MB_TEST_UNSET" in message and "not set" in message
    assert isinstance(info.value, ConfigError)


def test_a_missing_smtp_variable_names_the_smtp_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MB_TEST_UNSET", raising=False)
    smtp = SmtpConfig.model_validate({"host": "smtp.example.co.uk", "password_env": "MB_TEST_UNSET"})
    with pytest.raises(SecretMissing, match=r"^smtp\.password_env: "):
        smtp.password()


def test_an_unreadable_secret_file_names_the_file_key_and_the_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.secret")
    with pytest.raises(SecretMissing) as info:
        imap(password_file=missing).password()
    (message,) = info.value.problems
    assert message.startswith("imap.password_file: ")
    assert missing in message
    with pytest.raises(SecretMissing, match=r"^smtp\.password_file: "):
        SmtpConfig.model_validate({"host": "smtp.example.co.uk", "password_file": missing}).password()


# --- the masked summary ------------------------------------------------------------------------


def test_masked_summary_never_contains_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILBOT_IMAP_PASSWORD", "imap-hunter2")
    monkeypatch.setenv("MAILBOT_SMTP_PASSWORD", "smtp-hunter2")
    config = parse_config(example(database={"url": "postgresql://mailbot:db-hunter2@db.example.co.uk/mailbot"}))
    text = json.dumps(masked_summary(config))
    for secret in ("imap-hunter2", "smtp-hunter2", "db-hunter2"):
        assert secret not in text
    assert masked_summary(config)["database"]["url"] == "postgresql://mailbot:***@db.example.co.uk/mailbot"
    assert masked_summary(config)["imap"]["password_env"] == "MAILBOT_IMAP_PASSWORD"  # the source is shown


def test_masked_summary_masks_a_password_containing_an_at_sign() -> None:
    config = parse_config(example(database={"url": "postgresql://mailbot:p@ss@db.example.co.uk/mailbot"}))
    url = masked_summary(config)["database"]["url"]
    assert "p@ss" not in url and "ss@db" not in url
    assert url == "postgresql://mailbot:***@db.example.co.uk/mailbot"


def test_masked_summary_shows_the_default_database_location(tmp_path: Path) -> None:
    config = parse_config(example(paths={"data_dir": str(tmp_path)}))
    assert masked_summary(config)["database"]["url"] == f"sqlite:///{tmp_path / 'mailbot.sqlite3'}"


def test_masked_summary_masks_a_password_in_the_query_string() -> None:
    config = parse_config(example(database={"url": "postgresql://mailbot@db.example.co.uk/mailbot?password=db-hunter2"}))
    assert "db-hunter2" not in json.dumps(masked_summary(config))


# --- the example documents every key, and only real keys ----------------------------------------


def _section_models() -> dict[str, type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {}
    for name, field in Config.model_fields.items():
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                models[name] = candidate
    return models


SECTIONS = _section_models()


def _keys(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def _uncommented(text: str) -> str:
    """The example with every commented-out key and section switched on."""
    line = re.compile(r"^#\s?((?:\[\[?[a-z_]+\]\]?|[a-z_]+\s*=).*)$")
    return "\n".join(m.group(1) if (m := line.match(raw)) else raw for raw in text.splitlines())


def _blocks(text: str) -> dict[str, list[str]]:
    """Section name -> the text of each of its blocks, commented-out headers included."""
    header = re.compile(r"^#?\s*\[\[?([a-z_]+)\]\]?", re.MULTILINE)
    marks = list(header.finditer(text))
    blocks: dict[str, list[str]] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        blocks.setdefault(mark.group(1), []).append(text[mark.end():end])
    return blocks


BLOCKS = _blocks(EXAMPLE_TEXT)
DOCUMENTED = [(section, key) for section, model in SECTIONS.items() for key in sorted(_keys(model))]


@pytest.mark.parametrize("section", sorted(Config.model_fields), ids=str)
def test_every_section_appears_in_the_example(section: str) -> None:
    assert section in BLOCKS, f"[{section}] is not in config.example.toml"


@pytest.mark.parametrize(("section", "key"), DOCUMENTED, ids=[f"{s}.{k}" for s, k in DOCUMENTED])
def test_every_key_appears_in_the_example(section: str, key: str) -> None:
    pattern = re.compile(rf"^#?\s*{re.escape(key)}\s*=", re.MULTILINE)
    assert any(pattern.search(block) for block in BLOCKS.get(section, [])), f"{section}.{key} is undocumented"


def test_every_key_in_the_example_is_a_field() -> None:
    for variant in (EXAMPLE_DATA, tomllib.loads(_uncommented(EXAMPLE_TEXT))):
        for section, values in variant.items():
            if section == "deadlines":
                continue  # profile overrides: checked by parsing below
            assert section in Config.model_fields, section
            entries = values if isinstance(values, list) else [values]
            for entry in entries:
                unknown = set(entry) - _keys(SECTIONS[section])
                assert not unknown, f"[{section}] has keys the config refuses: {unknown}"


def test_the_example_with_every_commented_key_switched_on_is_valid() -> None:
    data = tomllib.loads(_uncommented(EXAMPLE_TEXT))
    assert data["deadlines"], "the commented [deadlines] example was not found"
    assert data["database"]["url"].startswith("postgresql://")
    config = parse_config(data)
    assert config.approvals.authserv_id == "mx.example.co.uk"


# --- aliases, SMTP without a login, placeholders, relative paths ---------------------------------


def test_a_handler_is_found_by_an_alias_whatever_its_case() -> None:
    config = parse_config(example())
    priya = config.handlers[0]
    assert priya.aliases == ["p.shah@example.co.uk"]
    assert config.handler("P.Shah@Example.co.uk") is priya
    assert config.handler("priya.shah@example.co.uk") is priya
    assert {"p.shah@example.co.uk", "priya.shah@example.co.uk"} <= config.handler_addresses
    assert config.handler("nobody@example.co.uk") is None


def test_an_alias_that_is_another_handlers_address_is_refused() -> None:
    data = example()
    data["handlers"][1]["aliases"] = ["Priya.Shah@example.co.uk"]
    assert "share an email address" in only_problem(data)


def test_smtp_without_a_login_is_an_explicit_setting() -> None:
    relay = {"host": "relay.firm.test", "port": 25, "security": "starttls"}
    refused = only_problem(example() | {"smtp": relay})
    assert refused.startswith('smtp.username: required for auth = "password"')
    relay_without_login = parse_config(example() | {"smtp": {**relay, "auth": "none"}}).smtp
    assert relay_without_login is not None and relay_without_login.auth == "none"
    mixed = example() | {"smtp": {**relay, "auth": "none", "username": "complaints@firm.test"}}
    assert only_problem(mixed).startswith('smtp.auth: "none" sends without logging in')


def test_the_examples_placeholders_are_named_by_key() -> None:
    from mailbot.config import placeholder_problems

    found = placeholder_problems(parse_config(example()))
    keys = {problem.split(":")[0] for problem in found}
    assert {"firm.name", "firm.phone", "firm.postal_address", "firm.website", "firm.domain",
            "firm.complaints_address", "imap.host", "smtp.host", "handlers[0].email",
            "handlers[0].aliases", "approvals.authserv_id"} <= keys
    text = json.dumps(example())
    replacements = (("example.co.uk", "harbourvale.co.uk"), ("020 7946 0000", "0117 496 0123"),
                    ("1 Example Street", "12 Quay Street"), ("Example & Co", "Harbour & Vale"))
    for placeholder, own_value in replacements:
        text = text.replace(placeholder, own_value)
    own = json.loads(text)
    assert placeholder_problems(parse_config(own)) == []


def test_relative_paths_are_read_from_the_config_files_folder(tmp_path: Path) -> None:
    folder = tmp_path / "etc" / "mailbot"
    folder.mkdir(parents=True)
    path = folder / "mailbot.toml"
    text = EXAMPLE_TEXT.replace('data_dir = "/var/lib/mailbot"', 'data_dir = "./var"')
    text = text.replace('# password_file = "/run/secrets/imap"', 'password_file = "secrets/imap"')
    path.write_text(text.replace('password_env = "MAILBOT_IMAP_PASSWORD"\n', "", 1))
    config = load_config(path)
    assert config.paths.data_dir == str(folder / "var")
    assert config.imap is not None and config.imap.password_file == str(folder / "secrets" / "imap")
    assert config.database_url == f"sqlite:///{folder / 'var' / 'mailbot.sqlite3'}"
    commented = '# url = "postgresql://mailbot@db.example.co.uk/mailbot"'
    relative_url = text.replace(commented, 'url = "sqlite:///db/m.sqlite3"')
    path.write_text(relative_url.replace('password_env = "MAILBOT_IMAP_PASSWORD"\n', "", 1))
    assert load_config(path).database_url == f"sqlite:///{folder / 'db' / 'm.sqlite3'}"
