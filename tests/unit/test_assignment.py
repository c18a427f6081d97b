"""Who handles a new complaint: never the colleague it names; specialists, then the least loaded."""

from __future__ import annotations

import pytest

from mailbot.assignment import Candidate, choose_handler, named_in

PRIYA = Candidate("Priya Shah", "priya.shah@example.co.uk", ("handler",))
TOM = Candidate("Tom Reilly", "tom.reilly@example.co.uk", ("handler",))
ALEX = Candidate("Alex Morgan", "alex.morgan@example.co.uk", ("compliance", "partner"))
TEAM = [PRIYA, TOM, ALEX]
PLAIN = "My completion was delayed and nobody called me back."


def choose(candidates: list[Candidate] = TEAM, *, text: str = PLAIN, category: str | None = None,
           load: dict[str, int] | None = None) -> Candidate | None:
    return choose_handler(candidates, category=category, text=text, open_load=load or {})


@pytest.mark.parametrize(
    "text",
    [
        "Priya Shah never returned my calls.",
        "PRIYA SHAH never returned my calls.",
        "I wrote to priya.shah@example.co.uk three times.",
        "Ms Shah never returned my calls.",
        "Ms. Shah was rude to me.",
        "Dr Shah promised a reply by Friday.",
        "Shah ignored me.",
        "The paralegal (Shah) lost my deeds.",
    ],
)
def test_the_named_colleague_is_never_chosen(text: str) -> None:
    assert named_in(text, PRIYA)
    assert choose(text=text, load={TOM.email: 50}) == TOM


def test_surname_inside_another_word_does_not_count() -> None:
    text = "Mr Shahid at the bank was helpful; my complaint is about the delay."
    assert not named_in(text, PRIYA)
    assert choose(text=text) == PRIYA


def test_hyphenated_and_apostrophe_surnames_are_recognised() -> None:
    kim = Candidate("Kim Smith-Jones", "kim.sj@example.co.uk", ("handler",))
    sean = Candidate("Sean O'Brien", "sean.obrien@example.co.uk", ("handler",))
    assert named_in("Mrs Smith-Jones did not answer.", kim)
    assert named_in("Mr O'Brien did not answer.", sean)
    assert choose([kim, sean], text="Mr O'Brien did not answer.") == kim


def test_a_short_surname_with_a_title_is_recognised() -> None:
    tom_li = Candidate("Tom Li", "tom.li@example.co.uk", ("handler",))
    text = "Mr Li ignored every email I sent."
    assert named_in(text, tom_li)
    assert choose([tom_li, PRIYA], text=text, load={PRIYA.email: 9}) == PRIYA


def test_a_complaint_naming_every_handler_goes_to_compliance() -> None:
    assert choose(text="Both Priya Shah and Tom Reilly ignored me.") == ALEX
    assert choose(text="Priya Shah and Mr Reilly ignored me.") == ALEX


def test_compliance_takes_a_complaint_only_when_no_handler_can() -> None:
    assert choose(load={PRIYA.email: 5, TOM.email: 5}) in (PRIYA, TOM)
    assert choose([ALEX]) == ALEX


def test_everyone_named_including_compliance_leaves_nobody() -> None:
    assert choose(text="Priya Shah, Tom Reilly and Alex Morgan all ignored me.") is None


def test_no_candidates_gives_none() -> None:
    assert choose([]) is None


def test_category_specialist_is_preferred_over_a_less_loaded_generalist() -> None:
    costs_tom = Candidate("Tom Reilly", "tom.reilly@example.co.uk", ("handler",), ("costs_excessive",))
    chosen = choose([PRIYA, costs_tom], category="costs_excessive", load={costs_tom.email: 12, PRIYA.email: 0})
    assert chosen == costs_tom


def test_a_named_specialist_falls_back_to_the_generalists() -> None:
    costs_tom = Candidate("Tom Reilly", "tom.reilly@example.co.uk", ("handler",), ("costs_excessive",))
    assert choose([costs_tom, PRIYA], category="costs_excessive", text="Mr Reilly overcharged me.") == PRIYA


def test_specialists_of_other_categories_are_kept_for_their_own_work() -> None:
    costs_tom = Candidate("Tom Reilly", "tom.reilly@example.co.uk", ("handler",), ("costs_excessive",))
    assert choose([costs_tom, PRIYA], category="delay", load={PRIYA.email: 7}) == PRIYA
    assert choose([costs_tom, PRIYA], category=None, load={PRIYA.email: 7}) == PRIYA


def test_a_specialist_of_another_category_takes_it_when_nobody_else_can() -> None:
    costs_tom = Candidate("Tom Reilly", "tom.reilly@example.co.uk", ("handler",), ("costs_excessive",))
    assert choose([costs_tom, PRIYA], category="delay", text="Priya Shah ignored me.") == costs_tom


def test_the_least_loaded_handler_is_chosen() -> None:
    assert choose(load={PRIYA.email: 4, TOM.email: 3}) == TOM
    assert choose(load={PRIYA.email: 2, TOM.email: 3}) == PRIYA


def test_load_is_looked_up_by_lower_case_address() -> None:
    shouty = Candidate("Tom Reilly", "Tom.Reilly@Example.co.uk", ("handler",))
    assert choose([shouty, PRIYA], load={"tom.reilly@example.co.uk": 10}) == PRIYA


def test_among_specialists_the_least_loaded_wins() -> None:
    a = Candidate("Ann Adams", "ann@example.co.uk", ("handler",), ("delay",))
    b = Candidate("Bob Brown", "bob@example.co.uk", ("handler",), ("delay", "communication"))
    assert choose([a, b, PRIYA], category="delay", load={a.email: 3, b.email: 1}) == b


def test_ties_go_to_the_first_in_config_order() -> None:
    assert choose([PRIYA, TOM]) == PRIYA
    assert choose([TOM, PRIYA]) == TOM
    assert choose([PRIYA, TOM], load={PRIYA.email: 2, TOM.email: 2}) == PRIYA

