"""The sealer: values sealed with AES-256-GCM, the Fernet values of older databases still read,
and rotation moving both to the newest key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from mailbot.errors import ConfigError
from mailbot.store.sealing import FERNET_PREFIX, PREFIX, Sealer, new_key

WORDS = "Mrs Patel's divorce file: the account ends 4417".encode()


def key() -> bytes:
    return new_key().encode()


def test_a_sealed_value_hides_its_words_and_opens_with_the_key() -> None:
    sealer = Sealer([key()])
    sealed = sealer.seal(WORDS)
    assert sealed.startswith(PREFIX) and b"Patel" not in sealed
    assert sealer.seal(WORDS) != sealed  # a fresh nonce each time: equal values look different
    assert sealer.open(sealed) == WORDS


def test_a_value_sealed_before_the_change_is_still_read() -> None:
    old = key()
    fernet_value = FERNET_PREFIX + Fernet(old).encrypt(WORDS)
    assert Sealer([old]).open(fernet_value) == WORDS
    assert Sealer([key(), old]).open(fernet_value) == WORDS


def test_rotation_moves_old_forms_and_old_keys_to_the_newest_key() -> None:
    old, new = key(), key()
    both = Sealer([new, old])
    fernet_value = FERNET_PREFIX + Fernet(old).encrypt(WORDS)
    under_old = Sealer([old]).seal(WORDS)
    for value in (fernet_value, under_old, WORDS):  # the last: written before sealing was on
        rotated = both.rotate(value)
        assert rotated.startswith(PREFIX)
        assert Sealer([new]).open(rotated) == WORDS
    current = both.seal(WORDS)
    assert both.rotate(current) == current  # already under the newest key: left as it is


@pytest.mark.parametrize("form", ["current", "fernet"])
def test_the_wrong_key_is_a_clear_error_not_garbage(form: str) -> None:
    mine = key()
    value = (Sealer([mine]).seal(WORDS) if form == "current"
             else FERNET_PREFIX + Fernet(mine).encrypt(WORDS))
    with pytest.raises(ConfigError, match="cannot decrypt"):
        Sealer([key()]).open(value)


def test_an_altered_value_is_refused() -> None:
    sealer = Sealer([key()])
    sealed = bytearray(sealer.seal(WORDS))
    sealed[-20] ^= 1
    with pytest.raises(ConfigError, match="altered"):
        sealer.open(bytes(sealed))


def test_a_key_that_is_not_a_fernet_key_is_refused_at_start() -> None:
    with pytest.raises(ConfigError, match="not a Fernet key"):
        Sealer([b"not-a-key"])
