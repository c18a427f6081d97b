"""Which recorded messages must be decided one after another when several instances decide.

Instances sharing one PostgreSQL database decide the queue of recorded mail side by side
(service/decide_queue.py). Two messages about the same client must not be decided at the same
time, or in the wrong order: a flood from one address would open two cases, and a follow-up
decided before the message it follows would open one of its own. So every message gets an
order key, the party it is about, and messages with one key are decided by one instance at a
time, oldest first: the sender's address, or, for a member of staff forwarding a client's
email, the forwarded client's (the forward and the client's own email must not both open a
case). A reply to a message still waiting to be decided joins that message's party, whoever
sends it (a colleague copied in, an auto-reply): a thread is decided in the order it was
written, as one instance decides it, and routing sees the case its first message opened. Pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence

from .forwarded import forwarded_address
from .message import Inbound
from .routing import thread_ids


def order_keys(readings: Sequence[Inbound | None], staff_addresses: Collection[str],
               waiting: Mapping[str, int]) -> list[int | None]:
    """The key of each message of a batch taken in together (None where it is not an email).
    `waiting`: the keys of undecided records by Message-ID, for the replies among them."""
    known = dict(waiting)
    keys: list[int | None] = []
    for msg in readings:
        key = None
        if msg is not None:
            key = next((known[mid] for mid in reversed(thread_ids(msg)) if mid in known),
                       None)
            if key is None:
                key = order_key(msg, staff_addresses)
            if msg.message_id and key is not None:
                known.setdefault(msg.message_id, key)
        keys.append(key)
    return keys


def order_key(msg: Inbound, staff_addresses: Collection[str]) -> int | None:
    """The key of the party a message is about; None for a message without a sender (it is kept
    for a person and opens nothing, so it needs no order)."""
    party = msg.from_addr
    if party in staff_addresses:
        party = forwarded_address(msg.subject, msg.text) or party
    return address_key(party) if party else None


def address_key(address: str) -> int:
    """A signed 64-bit key for an address (a PostgreSQL advisory lock takes a bigint): a hash,
    so the queue's column does not hold another copy of the address."""
    digest = hashlib.blake2b(address.strip().lower().encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
