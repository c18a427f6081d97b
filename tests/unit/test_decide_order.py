"""Which messages must be decided one after another (decide_order.py): the party they are about."""

from __future__ import annotations

from mailbot.decide_order import address_key, order_key, order_keys
from mailbot.message import parse_message

STAFF = frozenset({"priya@harbourvale.example"})


def _mail(sender: str, subject: str, body: str) -> bytes:
    return (f"From: {sender}\r\nTo: complaints@harbourvale.example\r\nSubject: {subject}\r\n"
            f"Message-ID: <{abs(hash((sender, subject)))}@x.example>\r\n\r\n{body}\r\n").encode()


def test_a_clients_messages_share_one_key_whatever_the_case_of_the_address() -> None:
    first = parse_message(_mail("Sam Client <Sam@Client.example>", "Complaint",
                                "My bill is wrong."))
    second = parse_message(_mail("sam@client.example", "Also", "And nobody answers."))
    assert order_key(first, STAFF) == order_key(second, STAFF) == address_key("sam@client.example")
    other = parse_message(_mail("ann@client.example", "Complaint", "My bill is wrong."))
    assert order_key(other, STAFF) != order_key(first, STAFF)


def test_a_staff_forward_is_ordered_with_the_forwarded_clients_own_mail() -> None:
    """The forward and the client's own email to the complaints address must not both open a
    case: they are one party."""
    forward = parse_message(_mail(
        "Priya Shah <priya@harbourvale.example>", "Fwd: my complaint",
        "Please log this.\r\n\r\n---------- Forwarded message ---------\r\n"
        "From: Sam Client <sam@client.example>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n"
        "Subject: my complaint\r\nTo: Priya Shah <priya@harbourvale.example>\r\n\r\n"
        "I am unhappy with how my purchase was handled."))
    assert order_key(forward, STAFF) == address_key("sam@client.example")


def test_a_staff_members_own_mail_is_their_own_party() -> None:
    reply = parse_message(_mail("priya@harbourvale.example", "Re: [C-2026-0001] draft", "APPROVE"))
    assert order_key(reply, STAFF) == address_key("priya@harbourvale.example")


def _reply(sender: str, answers: str) -> bytes:
    return (f"From: {sender}\r\nTo: complaints@harbourvale.example\r\nSubject: Re: Complaint\r\n"
            f"Message-ID: <reply-{abs(hash(sender))}@x.example>\r\nIn-Reply-To: <{answers}>\r\n"
            f"References: <{answers}>\r\n\r\nI agree with Sam, and I was there.\r\n").encode()


def test_a_reply_to_a_message_still_waiting_joins_its_party_whoever_sends_it() -> None:
    """A colleague copied in answers the client's complaint at once: the reply waits in the
    client's line, so the thread is decided in the order it was written."""
    sam = parse_message(_mail("sam@client.example", "Complaint", "My bill is wrong."))
    assert sam.message_id
    in_batch = parse_message(_reply("colleague@client.example", sam.message_id))
    unrelated = parse_message(_mail("ann@client.example", "Complaint", "Nobody answers."))
    keys = order_keys([sam, None, in_batch, unrelated], STAFF, {})
    assert keys == [address_key("sam@client.example"), None, address_key("sam@client.example"),
                    address_key("ann@client.example")]

    later = parse_message(_reply("colleague@client.example", "taken-in-earlier@x.example"))
    waiting = {"taken-in-earlier@x.example": address_key("sam@client.example")}
    assert order_keys([later], STAFF, waiting) == [address_key("sam@client.example")]
    assert order_keys([later], STAFF, {}) == [address_key("colleague@client.example")]
