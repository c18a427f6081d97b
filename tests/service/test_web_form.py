"""The firm's website complaint form: its mail comes from the website's address, for the client
who filled it in (their address in Reply-To)."""

from __future__ import annotations

from tests.service.conftest import COMPLAINT, FIRM, MakeDesk, mail

FORM = f"noreply@{FIRM}"
CLIENT = "jo@client.test"


def test_a_complaint_sent_through_the_web_form_is_the_clients(make_desk: MakeDesk) -> None:
    desk = make_desk(intake={"form_senders": [FORM]})
    result = desk.take(mail(f"Name: Jo Bloggs\nMessage: {COMPLAINT}", sender=f"Website <{FORM}>",
                            subject="Complaint form", Reply_To=f"Jo Bloggs <{CLIENT}>"))
    assert result.status == "new_case"
    (case,) = desk.cases()
    assert (case.client_address, case.client_name, case.channel) == (CLIENT, "Jo Bloggs",
                                                                     "web_form")
    (ack,) = desk.letters("acknowledgement")
    assert ack.recipients == [CLIENT], "never the website's no-reply address"


def test_without_the_form_named_its_mail_is_filed_as_a_robots(make_desk: MakeDesk) -> None:
    """What happened to every web-form complaint before: read as an automatic message from a
    no-reply address, filed and never answered."""
    desk = make_desk()
    result = desk.take(mail(COMPLAINT, sender=FORM, Reply_To=CLIENT))
    assert result.status == "ignored" and desk.cases() == []


def test_a_form_message_without_the_clients_address_is_kept_for_a_person(
        make_desk: MakeDesk) -> None:
    desk = make_desk(intake={"form_senders": [FORM]})
    result = desk.take(mail(COMPLAINT, sender=FORM))
    assert result.status == "quarantined" and "web form without a Reply-To" in result.detail
    assert "Email field" in result.detail
    assert desk.cases() == [] and desk.letters("acknowledgement") == []
