"""Emergency rules on top of the classifier: what a handler would expect to be flagged, and why."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.triage import Prediction, Suggestion, suggest, suggestion_record, working_days_between

THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)


def prediction(category: str = "delay", urgency: str = "normal", *, is_complaint: bool = True,
               critical_p: float = 0.05) -> Prediction:
    return Prediction(category=category, category_confidence=0.71,
                      category_top=((category, 0.71), ("communication", 0.2)), urgency=urgency,
                      urgency_confidence=0.6, is_complaint=is_complaint, complaint_probability=0.9 if is_complaint
                      else 0.1, urgency_probabilities=(("critical", critical_p), (urgency, 0.6)))


def triage(text: str, when: datetime = THURSDAY, pred: Prediction | None = None, **kwargs: str) -> Suggestion:
    return suggest(text, when, pred if pred is not None else prediction(), **kwargs)


def test_hearing_within_ten_working_days_is_critical_with_a_dated_reason() -> None:
    result = triage("My hearing is on Monday and nobody from your firm has replied.")
    assert result.urgency == "critical"
    assert "mentions a hearing on 2026-11-30, 2 working days away" in result.reasons


def test_hearing_far_away_is_not_raised() -> None:
    result = triage("My hearing is on 15 January and I am fed up with the delays.")
    assert result.urgency == "normal"


@pytest.mark.parametrize("text", [
    "There is no hearing date yet, but I am fed up with waiting.",
    "The hearing on Monday has been cancelled, so please stop chasing me.",
    "I look forward to hearing from you by Friday.",
    "We exchanged emails on Monday about the lease.",
])
def test_no_real_imminent_event_is_not_critical(text: str) -> None:
    assert triage(text).urgency == "normal"


def test_working_days_skip_weekends_and_the_countrys_holidays() -> None:
    # Friday 11 December 2026 to Monday 28 December: 11 weekdays, of which 25th and 28th are
    # bank holidays in the UK; in the US only the 25th is.
    start = datetime(2026, 12, 11).date()
    end = datetime(2026, 12, 28).date()
    assert working_days_between(start, end, "GB") == 9
    assert working_days_between(start, end, "US") == 10


def test_holidays_decide_what_counts_as_ten_working_days() -> None:
    friday = datetime(2026, 12, 11, 10, 0, tzinfo=timezone.utc)
    text = "Completion is booked for 29 December and you still have not sent the contract."
    assert triage(text, friday).urgency == "critical"                # 10 working days in England
    assert triage(text, friday, country="US").urgency == "normal"    # 12 in the US


def test_the_message_date_is_read_in_the_firms_time_zone() -> None:
    # 23:30 UTC on Sunday is already Monday in London; "tomorrow" is then Tuesday.
    late_sunday = datetime(2026, 6, 14, 23, 30, tzinfo=timezone.utc)
    result = triage("The hearing is tomorrow and I have no barrister.", late_sunday)
    assert "mentions a hearing on 2026-06-16, 1 working day away" in result.reasons
    in_utc = triage("The hearing is tomorrow and I have no barrister.", late_sunday, timezone="UTC")
    assert "mentions a hearing on 2026-06-15, 1 working day away" in in_utc.reasons


@pytest.mark.parametrize(("text", "flag"), [
    ("I received an email saying your bank details have changed, so I paid the new account.", None),
    ("The completion funds have not arrived and the sellers will not release the keys.", "insurer_notification"),
    # A completion day told by the buyer (models/real r0866, a later round, measured before this form)
    ("By 4.30pm the money had still not reached the seller's solicitor.", None),
    ("It is two o'clock on completion day and the money hasn't arrived.", None),
    ("You sent my medical report to the wrong person. This is a data breach.", None),
    ("Your partner lied to me and I believe he stole money from my father's estate.", "conduct_referral"),
    ("Since all this I have thought about ending my life.", "vulnerability"),
])
def test_emergencies_are_critical(text: str, flag: str | None) -> None:
    result = triage(text)
    assert result.urgency == "critical"
    assert result.urgency_confidence == 1.0
    if flag:
        assert flag in result.flags


@pytest.mark.parametrize(("text", "flag"), [
    ("You missed the deadline to file the defence and judgment was entered.", "insurer_notification"),
    ("Your mistake cost me £4,000 and I want compensation.", "insurer_notification"),
    ("If this is not sorted I will take it to the Legal Ombudsman.", None),
    ("I was diagnosed with cancer last month and cannot keep chasing you.", "vulnerability"),
    ("The way your receptionist spoke to me was racist.", "conduct_referral"),
])
def test_serious_signals_are_at_least_high(text: str, flag: str | None) -> None:
    result = triage(text, pred=prediction(urgency="low"))
    assert result.urgency == "high"
    if flag:
        assert flag in result.flags


def test_rules_never_lower_the_models_urgency() -> None:
    assert triage("Just a note to say thanks.", pred=prediction(urgency="critical")).urgency == "critical"
    assert triage("Just a note to say thanks.", pred=prediction(urgency="high")).urgency == "high"


def test_a_high_model_critical_probability_raises_to_critical() -> None:
    result = triage("Something is very wrong with my file.", pred=prediction(urgency="high", critical_p=0.45))
    assert result.urgency == "critical"
    assert any("probability" in reason for reason in result.reasons)


def test_negated_allegation_does_not_refer_for_conduct() -> None:
    result = triage("I am not saying anyone was dishonest, but the bill is far too high.")
    assert "conduct_referral" not in result.flags
    assert result.urgency == "normal"


def test_enquiries_with_a_date_are_not_raised_but_the_reason_says_why() -> None:
    enquiry = prediction(category="other", urgency="normal", is_complaint=False)
    result = triage("Could you tell me what time the hearing starts on Monday?", pred=enquiry)
    assert result.urgency == "normal"
    assert any("not raised" in reason for reason in result.reasons)


def test_third_party_writer_is_flagged() -> None:
    result = triage("I am a beneficiary of my aunt's estate and have heard nothing for a year.")
    assert "third_party" in result.flags


def test_reasons_start_with_the_classifiers_view() -> None:
    result = triage("It has been months.")
    assert result.reasons[0] == "classifier: delay (0.71)"
    assert result.category == "delay"
    assert result.category_top == (("delay", 0.71), ("communication", 0.2))


def test_without_a_model_the_rules_still_run() -> None:
    result = suggest("You sent my file to the wrong person!", THURSDAY, None)
    assert result.urgency == "critical"
    assert result.category == "other"
    assert result.is_complaint is True
    assert any("no classifier" in reason for reason in result.reasons)


def test_integrity_category_from_the_model_refers_for_conduct() -> None:
    result = triage("Please look at this.", pred=prediction(category="integrity_misconduct"))
    assert "conduct_referral" in result.flags


def test_the_critical_head_raises_a_complaint_and_not_a_confident_enquiry() -> None:
    # No rule fires on these words; the model's binary critical head alone decides.
    text = "Please look into what happened with my matter."
    raised = dataclasses.replace(prediction(), critical_probability=0.35)
    result = triage(text, pred=raised)
    assert result.urgency == "critical"
    assert any("critical head" in r for r in result.reasons)
    assert triage(text, pred=dataclasses.replace(prediction(), critical_probability=0.25)
                  ).urgency == "normal"
    enquiry = dataclasses.replace(prediction(is_complaint=False), critical_probability=0.9)
    assert triage(text, pred=enquiry).urgency == "normal"
    assert triage(text, pred=prediction()).urgency == "normal"  # a model without the head


@pytest.mark.parametrize("held_back, why, still_raised", [
    # r0930 (thirteenth round): a reader's question about a landlord's deposit; held by an
    # executor or the firm, the same words still raise
    ("The landlord has refused to pay back the deposit. Is this right?",
     "money another party keeps",
     ("The executor is withholding money from me until I sign.",
      "My lawyer has refused to pay back the deposit.",
      "Your firm has refused to return the landlord's deposit to me.")),
    # r1011, r1012 (fifteenth round): readers ask a newspaper's lawyer about a father who forged a
    # signature, a brother who colluded to sell family land; naming the writer's lawyer or the
    # firm, the same words still raise
    ("My father plans to sell our land. He forged her signature and National Identity Card. "
     "Does our family have any recourse?",
     "names no lawyer",
     ("My father's solicitor forged her signature. Does our family have any recourse?",
      "You forged my signature on the transfer. What can I do?",
      "The lawyer colluded with my brother to sell the land.")),
])
def test_an_enquiry_about_someone_elses_wrong_is_no_emergency(
        held_back: str, why: str, still_raised: tuple[str, ...]) -> None:
    enquiry = prediction(is_complaint=False)
    result = triage(held_back, pred=enquiry)
    assert result.urgency != "critical"
    assert any(why in r for r in result.reasons), result.reasons
    assert triage(held_back).urgency == "critical"  # read as a complaint
    for text in still_raised:
        assert triage(text, pred=enquiry).urgency == "critical", text


def test_naive_message_date_is_taken_as_utc() -> None:
    naive = datetime(2026, 11, 26, 10, 0)
    assert triage("My trial is on Monday and I have no papers.", naive).urgency == "critical"


def test_a_breach_found_by_the_rules_takes_precedence_when_the_model_ranks_it() -> None:
    pred = Prediction(category="communication", category_confidence=0.5,
                      category_top=(("communication", 0.5), ("data_security", 0.3), ("delay", 0.1)),
                      urgency="normal", urgency_confidence=0.6, is_complaint=True, complaint_probability=0.9)
    result = suggest("You emailed my medical report to someone else's husband by mistake.", THURSDAY, pred)
    assert (result.category, result.category_confidence) == ("data_security", 0.3)
    unranked = Prediction(category="communication", category_confidence=0.5,
                          category_top=(("communication", 0.5), ("delay", 0.3), ("other", 0.1)),
                          urgency="normal", urgency_confidence=0.6, is_complaint=True, complaint_probability=0.9)
    assert suggest("You emailed my report to the wrong person.", THURSDAY, unranked).category == "communication"


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300), urgency=st.sampled_from(["low", "normal", "high", "critical"]))
def test_any_text_gets_a_suggestion_no_lower_than_the_model(text: str, urgency: str) -> None:
    result = triage(text, pred=prediction(urgency=urgency))
    order = ["low", "normal", "high", "critical"]
    assert order.index(result.urgency) >= order.index(urgency)
    known = {"conduct_referral", "insurer_notification", "third_party", "vulnerability",
             "safeguarding", "data_breach", "subject_access"}
    assert result.flags <= known
    assert result.reasons and all(isinstance(r, str) and r for r in result.reasons)


def test_a_batch_is_classified_in_one_call_and_the_result_handed_on() -> None:
    from mailbot.service.context import Triage

    calls: list[list[str]] = []

    class Counting:
        def predict(self, texts):  # type: ignore[no-untyped-def]
            calls.append(list(texts))
            return [prediction("delay") for _ in texts]

    model = Triage(Counting(), "GB", "ENG", "Europe/London")
    batch = ["My completion was delayed by three weeks.", "Nobody answered my calls.", "   "]
    predicted = model.predict_batch(batch)
    assert calls == [batch[:2]], "one call for the batch; blank text is not sent to the model"
    for text in batch[:2]:
        assert model.suggest(text, THURSDAY, predicted).category == "delay"
    assert len(calls) == 1, "texts of the batch are not classified again"
    model.suggest("A text that came later", THURSDAY)
    assert calls[-1] == ["A text that came later"]


def test_triage_reads_a_bounded_text_whatever_it_is_given() -> None:
    from mailbot.triage import MAX_TEXT_CHARS, MAX_WORD_CHARS, bound_text

    bounded = bound_text("x" * 2_000_000 + " tail")
    assert bounded == "x" * MAX_WORD_CHARS  # the first MAX_TEXT_CHARS, then words cut
    words = bound_text(("word " * 10_000) + "y" * 500).split()
    assert len(" ".join(words)) <= MAX_TEXT_CHARS and max(map(len, words)) <= MAX_WORD_CHARS
    # A huge body still gets a suggestion; what the rules read is the bounded head.
    result = triage("You sent my file to the wrong person. " + "z" * 2_000_000)
    assert result.urgency == "critical"


def test_many_dates_in_one_unpunctuated_text_are_still_found() -> None:
    text = "the hearing is on Monday " * 2_000  # far past the sentence window, no full stop anywhere
    result = triage(text)
    assert result.urgency == "critical"
    assert "mentions a hearing on 2026-11-30, 2 working days away" in result.reasons


# Emergency rules on real wording: phrases quoted from models/real/corpus.jsonl (ids noted), each
# alone in a complaint the model scored "normal". A missed critical is a client's money or date.
@pytest.mark.parametrize(("text", "flag"), [
    # money withheld, missing or taken now
    ("Now my lawyer refuses to give me my 2 checks addressed to me unless I sign a \"Distribution "
     "Agreement\" with him", None),                                                            # r0017
    ("Can my attorney coerce me into signing a document I don't agree to and hold my checks hostage?", None),
    ("Hired a \"reliable\" attorney. Signed retainer. He quit & took off with my money.", None),  # r0027
    ("Brother stopped making house payments. Estate's property now in foreclosure.", None),      # r0052
    ("He embezzled the money from my mother's estate.", "conduct_referral"),
    # dishonesty
    ("My attorney (who I since fired) has signed my name to documents filed with the court without my "
     "knowledge/permission.", "conduct_referral"),                                              # r0048
    ("He would send me stuff that he said he filed but he never did file with the court.",
     "conduct_referral"),                                                                       # r0050
    ("His attorney of record had issued certfied \"Letters\" to Title company clearing the way for this "
     "illegal transaction.", "conduct_referral"),                                               # r0052
    # data sent or given to the wrong people
    ("I find it extra-ordinary that your firm has revealed the private contact details of 1378 of your "
     "clients.", "conduct_referral"),                                                           # r0055
    ("Mary continues frequent communication with John's lawyer personally, via telephone and email, "
     "requesting confidential information about the case, to which she is provided.",
     "conduct_referral"),                                                                       # r0058
    ("yet conferred with the opposing party without my permission expressing to them that I am seeking "
     "legal assistance", "conduct_referral"),                                                   # r0022
    # imminent dates
    ("Attorney said he'll file oppositions to defendant's motions before they're due shortly. Opp due in "
     "less than 5 days. HELP! I can lose everything.", None),                                   # r0027
    # as mail carries them: plain text wrapped at about 72 characters breaks sentences across lines
    ("Dear Sir,\nMy final hearing is listed for\nMonday and nobody from your firm has replied to my\n"
     "emails.", None),
    ("We are due to complete on\nFriday 27 November and I still have not seen the\nsigned contract.",
     None),
    # typed on a phone, without apostrophes (r0067: "It’s been almost two years and he hasn’t
    # filed a lawsuit"; r0065: "he would return the money to me. He hasn’t.")
    ("its been almost two years and he hasnt filed a lawsuit and i cant get him to call me back",
     None),
    ("the completion money hasnt arrived and the solicitor wont say where it is", None),
    # DOMAIN.md's critical signals in the words clients use: written from its list (money at risk
    # now, a data breach, an allegation of dishonesty or theft), not from any corpus; two from
    # models/real (ids beside them). Each failed before the rule forms added with it.
    # dishonesty, in other words than "lied" or "fraud"
    ("He misled me about the fees.", "conduct_referral"),
    ("I was swindled by this firm.", "conduct_referral"),
    ("My barrister tricked me into signing.", "conduct_referral"),
    ("They told the judge something that was not true.", "conduct_referral"),
    ("She charged me for work that was never done.", "conduct_referral"),
    ("He billed me for hours he never worked.", "conduct_referral"),
    ("He is secretly working for the other side.", "conduct_referral"),
    # a will for someone who could not understand it, or made under pressure
    ("The lawyer drew up a new will for my father, who has dementia.", "conduct_referral"),
    ("They made her sign a power of attorney when she had Alzheimer's.", "conduct_referral"),
    ("My solicitor pressured my elderly mother into changing her will.", "conduct_referral"),
    ("A few months after the dementia diagnosis, my siblings retained a lawyer to draft a new "
     "will for our father without his knowledge.", "conduct_referral"),              # r0544
    # money handed over and not passed on, taken, kept or gone with the lawyer
    ("The stamp duty I paid them was never paid to HMRC.", "insurer_notification"),
    ("The court fee I gave my lawyer was never paid.", "insurer_notification"),
    ("Now I have received a notice saying that my application cannot be processed because the "
     "required fees have not been paid to the government.", "insurer_notification"),  # r0498
    ("My lawyer took money from my account without permission.", "insurer_notification"),
    ("The attorney kept my settlement check and won't give it to me.", "insurer_notification"),
    ("My retainer has disappeared and the firm has closed.", "insurer_notification"),
    ("The solicitor has vanished with our completion money.", "insurer_notification"),
    ("My lawyer was disbarred and kept my money.", "insurer_notification"),
    # the client's papers given to someone who must not have them, or lost
    ("You sent my divorce papers to my ex's address.", "data_breach"),
    ("You emailed my medical records to another client.", "data_breach"),
    ("My file was left on a train.", "data_breach"),
    ("Your letter to me had someone else's passport and bank statements in it.", "data_breach"),
    ("I opened the email and it was another client's divorce papers.", "data_breach"),
    # a date in words, and a lawyer's withdrawal that does not call the hearing off
    ("I am due in court in three days and my lawyer has withdrawn.", None),
    # a second round from the same list: money taken, kept, spent or never passed on
    ("The money for my house has gone from the client account.", "insurer_notification"),
    ("Half of my compensation is missing from the statement.", "insurer_notification"),
    ("Someone at your firm has been taking money from my mother's estate.",
     "insurer_notification"),
    ("The executor's solicitor has transferred £40,000 to himself.", "insurer_notification"),
    ("My solicitor paid himself out of my damages without telling me.", "insurer_notification"),
    ("The solicitor used the estate money to pay his own bills.", "insurer_notification"),
    ("He put my deposit into his personal account.", "insurer_notification"),
    ("I think my solicitor has spent my money.", "insurer_notification"),
    ("The firm has gone bust and our completion money is with them.", "insurer_notification"),
    ("The sale proceeds never reached me.", "insurer_notification"),
    ("My lawyer cashed my cheque and kept the money.", "insurer_notification"),
    ("The firm is holding my money and refuses to release it.", "insurer_notification"),
    # payment fraud as the client meets it
    ("I received an email from your office asking me to pay the deposit to a new account.", None),
    ("Your accounts team phoned and asked for my card details, is that right?", None),
    ("I transferred the money to the account on the email and now you say it is not yours.",
     None),
    # dates: a time limit, a listing, a possession order
    ("The time limit for my claim runs out at the end of this month.", None),
    ("The court has listed the case for 9am tomorrow and nobody has told me who is attending.",
     None),
    ("I have to leave my home on Friday because of the possession order.", None),
    # safety
    ("My ex has breached the non-molestation order again and I am scared.", "safeguarding"),
    ("He said he would hurt the children if I go to court.", "safeguarding"),
    ("I can't cope anymore, there is no point carrying on.", "safeguarding"),
    ("My father is being financially abused by his carer and the firm did nothing.",
     "safeguarding"),
    ("The solicitor is threatening me.", "safeguarding"),
    # the client's data where it must not go
    ("My address was on the letter you sent to the other side, and he is the man I fled from.",
     "data_breach"),
    ("You copied the other side into an email with my medical records.", "data_breach"),
    ("A stranger got a letter from you with all my bank details.", "data_breach"),
    ("Your email was sent to everyone on the list with all the addresses showing.",
     "data_breach"),
    # dishonesty
    ("He made up evidence.", "conduct_referral"),
    ("They overcharged me deliberately and hid it in the bill.", "conduct_referral"),
    ("They falsely told the court I had agreed.", "conduct_referral"),
    ("He has been taking backhanders from the estate agent.", "conduct_referral"),
    ("He pretended to have filed my claim.", "conduct_referral"),
    ("My solicitor told me the claim was issued; the court has no record of it.",
     "conduct_referral"),
    ("The solicitor made himself the sole beneficiary of my aunt's will.", "conduct_referral"),
    ("The will they drew up leaves everything to the solicitor himself.", "conduct_referral"),
    # a third round, in US wording as much as British
    ("My attorney took my settlement check and I never saw a dime.", "insurer_notification"),
    ("The law firm closed and nobody knows where our trust money went.", "insurer_notification"),
    ("My attorney deposited the settlement into his operating account.", "insurer_notification"),
    ("We have been told we will lose the house if the money isn't paid by Friday.",
     "insurer_notification"),
    ("I wired my down payment after getting an email with new wiring instructions.", None),
    ("They left my file open on the counter and another client read it.", "data_breach"),
    ("Your office mailed my divorce decree to my abuser.", "data_breach"),
    ("My client file was posted on Facebook.", "data_breach"),
    ("The solicitor shared my HIV status with the other side.", "data_breach"),
    ("My attorney is working with the other side's lawyer against me.", "conduct_referral"),
    ("He billed me for a court appearance he didn't attend.", "conduct_referral"),
    ("He asked me to sign a blank document.", "conduct_referral"),
    ("The solicitor got me to sign papers I didn't understand and now my house is in his name.",
     "conduct_referral"),
    ("My father's lawyer had him sign over his house while he was in hospital on morphine.",
     "conduct_referral"),
    ("I am afraid he will come to my house.", "safeguarding"),
    ("I'm at my wits end and I don't know how much longer I can go on.", "safeguarding"),
    ("My husband hits me and your solicitor keeps telling me to attend mediation with him.",
     "safeguarding"),
    # general forms of the synthetic held-out split's misses with the retrained model
    ("I have been cheated and I want to know what you did with the money.", "conduct_referral"),
    ("Nobody at your office can tell me where the £4,500 went.", "insurer_notification"),
    ("The portal showed me the documents for another company's transaction.", "data_breach"),
])
def test_real_emergencies_are_critical(text: str, flag: str | None) -> None:
    result = triage(text)
    assert result.urgency == "critical", result.reasons
    if flag:
        assert flag in result.flags


def test_a_date_written_against_the_messages_own_day_is_read_from_it() -> None:
    # r0004, a blog post of 9 January 2014: 14 January is three working days later.
    text = "If the fees remain unpaid on January 14, I will be sued."
    result = triage(text, datetime(2014, 1, 9, 12, tzinfo=timezone.utc))
    assert result.urgency == "critical"
    assert "mentions a lawsuit on 2014-01-14, 3 working days away" in result.reasons


@pytest.mark.parametrize("text", [
    "Completion is on 01/12/2026 and the contract is still not signed.",
    "Completion on Fri 4 December and you have not sent the transfer.",
    "The hearing is in 48 hours and I have no barrister.",
    "My trial is on 2026-12-03, nobody has prepared the bundle.",
    "The closing is next Tuesday and the title company has nothing from you.",
    "Exchange is set for December 2nd, please call me.",
    "The final hearing is the day after tomorrow.",
    # "tomorrow" as people type it in a hurry (r0470: "I am due in court tomororw (Tues)")
    "Hello, I am due in court tomororw (Tues) for a very serious family law matter.",
    "The hearing is tommorow and my barrister has walked away from my case.",
    "Completion is tomorow and the funds are not there.",
    "I am in court tmrw and still no word from my solicitor.",
    "Court tomorrow and still no word from my solicitor.",
    "Court on Monday, and my barrister has quit.",
    "The probate hearing on her will is today and nobody from your firm is here.",
    # r0719: "I am heading to Court Monday unsure what will happen"
    "I am heading to court Monday and my lawyer has filed to withdraw.",
    "I have court Friday and my attorney still has not called me back.",
    "my court date is next wk and no one has called",
    # a deadline set on the client, straight before its date (r0546: "he is supposed to submit
    # all docs & answers by dec 16"; r0181: "file an appearance by TOMORROW")
    "He is supposed to submit all the documents and answers by Dec 3 and his lawyer has quit.",
    "I had to have my new counsel file an appearance by TOMORROW!",
    "The judge gave me until Friday to find a new lawyer.",
    "My employer is threatening to sue me if I do not sign the agreement by the end of the week.",
    "I must file my response by Wednesday or I lose by default.",
    "The defence must be filed before Monday and nobody at your firm answers.",
    "I am being evicted on Wednesday because you did not file the papers.",
    "Our move is booked for Thursday and the solicitor says they are not ready.",
])
def test_imminent_dates_count_in_any_common_form(text: str) -> None:
    assert triage(text).urgency == "critical", triage(text).reasons


@pytest.mark.parametrize("text", [
    "The hearing was on Monday and my barrister never turned up.",                       # past
    "The hearing on Monday is not urgent for me, I only want a copy of the bundle.",      # not urgent
    "What would happen if the completion were on Friday and the funds were late?",       # hypothetical
    "Suppose the trial is next week: would you need my documents before then?",           # hypothetical
    "I hired an attorney to represent for for a petty theft case. It has been 4 months.",  # r0011: the client's charge
    # waiting is not a deadline (r0571: "we'd have to wait until Monday")
    "If we didn't get the keys then we'd have to wait until Monday, which felt unbearable.",
    "I signed the contract by mistake before Monday's meeting with you.",
    "The move to your new case system on Friday has lost my file.",
])
def test_past_not_urgent_and_hypothetical_dates_do_not_raise(text: str) -> None:
    assert triage(text).urgency == "normal", triage(text).reasons


@pytest.mark.parametrize("text", [
    "My tremor made it hard to sign at the hearing in March.",
    "Tamara at your office said the court bundle is ready.",
    "The tumour was missed and the trial of the claim is set for 2028.",
    "The court on Monday adjourned it, so nothing happens until the spring.",   # past
    "The court this morning gave judgment against me.",                        # past
    "We were in court Monday and the judge adjourned it to the spring.",         # past
])
def test_words_that_only_look_like_tomorrow_are_not_dates(text: str) -> None:
    assert triage(text).urgency == "normal", triage(text).reasons


def test_a_conflict_of_interest_without_dishonesty_is_high_and_goes_to_compliance() -> None:
    # r0021: the seed guideline is "a conflict of interest without an allegation of dishonesty: high".
    text = ("When the adversary hired the lawyer to place the lien, the lawyer said that he had done work in the "
            "past for the adversary and thus would have to drop me, the client, to avoid a conflict of interest.")
    result = triage(text)
    assert result.urgency == "high"
    assert "conduct_referral" in result.flags


@pytest.mark.parametrize("text", [
    "Since all this I have thought about ending my life.",
    "Honestly I don't want to be here anymore.",
    "Some days I think my family would be better off if I was dead... I want to die.",
    "I can't take this any more, I have started to hurt myself.",
    "He threatened to kill me if I go ahead with the divorce.",
])
def test_a_risk_to_safety_needs_a_person_today(text: str) -> None:
    result = triage(text)
    assert result.urgency == "critical"
    assert {"safeguarding", "vulnerability"} <= result.flags
    assert any("safeguarding" in reason and "today" in reason for reason in result.reasons)


def test_a_refund_of_an_unused_retainer_is_high_not_critical() -> None:
    # r0009: asking for money back is a refund demand; money held against the client's will is critical.
    result = triage("The attorney only spent an hour or two on my case. I would now like the rest of my money back.")
    assert result.urgency == "high"


def _unsure(top: tuple[tuple[str, float], ...], complaint_p: float) -> Prediction:
    return Prediction(category=top[0][0], category_confidence=top[0][1], category_top=top, urgency="normal",
                      urgency_confidence=0.6, is_complaint=complaint_p >= 0.5, complaint_probability=complaint_p,
                      urgency_probabilities=(("critical", 0.05), ("normal", 0.6)))


@pytest.mark.parametrize(("probability", "signal"), [(0.05, "not_complaint"), (0.45, "not_complaint"),
                                                      (0.55, "uncertain"), (0.65, "uncertain"), (0.95, "complaint")])
def test_the_complaint_signal_has_an_explicit_uncertain_band(probability: float, signal: str) -> None:
    result = triage("Thanks for sending the papers.", pred=_unsure((("other", 0.9), ("delay", 0.05)), probability))
    assert result.complaint_signal == signal
    assert result.complaint_probability == probability
    assert any("a person should decide" in r for r in result.reasons) == (signal == "uncertain")


def test_the_handler_sees_the_top_two_and_an_uncertain_mark_when_the_model_hesitates() -> None:
    close = triage("It is all taking so long and nobody tells me anything.",
                   pred=_unsure((("delay", 0.41), ("communication", 0.36), ("other", 0.1)), 0.9))
    assert close.category_uncertain
    assert close.category_top2 == (("delay", 0.41), ("communication", 0.36))
    assert "category uncertain: delay (0.41) or communication (0.36); a person should choose" in close.reasons
    clear = triage("Nobody calls me back.", pred=_unsure((("communication", 0.83), ("delay", 0.08)), 0.9))
    assert not clear.category_uncertain


def test_the_second_category_head_names_the_runner_up_and_the_category_head_decides_doubt() -> None:
    """A model with the second category head: the handler is shown its runner-up, with the
    category head's probability; whether to ask at all is still the category head's margin."""
    unsure = dataclasses.replace(
        _unsure((("delay", 0.41), ("communication", 0.36), ("other", 0.1)), 0.9),
        category_second=("advice_quality", 0.08))
    close = triage("It is all taking so long and nobody tells me anything.", pred=unsure)
    assert close.category_uncertain, "0.41 against 0.36 is the category head's own margin"
    assert close.category_top2 == (("delay", 0.41), ("advice_quality", 0.08))
    assert "category uncertain: delay (0.41) or advice_quality (0.08); a person should choose" \
        in close.reasons
    assert suggestion_record(close)["category_top2"] == [["delay", 0.41], ["advice_quality", 0.08]]
    assert close.category == "delay" and close.category_top == unsure.category_top
    sure = dataclasses.replace(_unsure((("communication", 0.83), ("delay", 0.08)), 0.9),
                               category_second=("instructions", 0.02))
    assert not triage("Nobody calls me back.", pred=sure).category_uncertain


def test_emergencies_are_raised_when_it_is_unsure_whether_this_is_a_complaint() -> None:
    result = triage("The hearing is tomorrow and I still have no papers.",
                    pred=_unsure((("delay", 0.5), ("other", 0.3)), 0.58))
    assert result.urgency == "critical"
    assert result.complaint_signal == "complaint", "an emergency is never left waiting as an enquiry"
    sure_not = triage("Can I bring my daughter to the office? I would like her to hear the advice.",
                      pred=_unsure((("other", 0.9), ("delay", 0.05)), 0.1))
    assert sure_not.complaint_signal == "not_complaint" and sure_not.urgency == "normal"


ENQUIRY = (("other", 0.9), ("delay", 0.05))


@pytest.mark.parametrize("text", [
    # models/real r0470 (a forum post, anonymised), as a client would send it
    "Hello, I am due in court tomororw (Tues) for a very serious family law matter. I got word "
    "at 5.30pm today that my barrister has walked away from my case and won't be there. What "
    "are my options?",
    "The hearing is tomorrow, what time should we arrive?",
    "Quick question: my trial is on Friday. Do I need to bring the originals?",
    "The deadline for filing the defence expires tomorrow. Has it been sent?",
    "We are being evicted on Friday 27 November. Is there anything you can do?",
])
def test_a_court_date_or_deadline_by_the_next_working_day_is_critical_in_an_enquiry(
        text: str) -> None:
    """Read confidently as no complaint, the message still names a date that must not pass
    unread: it stays an enquiry (no complaint clocks), but a person sees it today."""
    result = triage(text, pred=_unsure(ENQUIRY, 0.1))
    assert result.complaint_signal == "not_complaint"
    assert result.urgency == "critical"
    assert any("too close to wait" in r for r in result.reasons)


@pytest.mark.parametrize("text", [
    "My hearing is on 18 December. What should I bring?",  # 16 working days away
    "Could you tell me what time the trial starts on Monday?",  # 2 working days: answer tomorrow
    "We complete tomorrow! What time will the keys be released?",  # routine conveyancing
    "Thank you so much for all your help at the hearing yesterday.",  # past
    "What if the hearing were tomorrow, would you still be able to attend?",  # imagined
])
def test_an_enquiry_about_a_later_past_or_routine_date_is_not_raised(text: str) -> None:
    result = triage(text, pred=_unsure(ENQUIRY, 0.1))
    assert result.complaint_signal == "not_complaint"
    assert result.urgency == "normal"


def test_without_a_model_a_person_decides_the_category_and_it_is_read_as_a_complaint() -> None:
    """No reading at all: the category is unsure, and the regulatory default (a complaint, with
    its acknowledgement and clocks) holds until a handler says "complaint no"."""
    result = suggest("Hello, I have a question.", THURSDAY, None)
    assert result.category_uncertain and result.complaint_signal == "complaint"
    assert any("read as a complaint until a person decides" in r for r in result.reasons)


def test_numeric_dates_are_read_the_way_the_firms_country_writes_them() -> None:
    text = "The hearing is on 12/03/2026 and I still have no bundle."
    us = triage(text, country="US")  # 3 December: 5 working days after Thursday 26 November
    assert us.urgency == "critical"
    assert "mentions a hearing on 2026-12-03, 5 working days away" in us.reasons
    assert triage(text).urgency == "normal"  # 12 March in England


def test_an_uncertain_message_with_an_emergency_is_read_as_a_complaint() -> None:
    """The demo's payment-diversion email scored 0.59: an enquiry would have had no acknowledgement
    and no clocks while the client's completion money was at risk."""
    uncertain = Prediction("data_security", 0.5, (("data_security", 0.5),), "normal", 0.5, True, 0.59)
    text = ("Your office emailed me new bank details for the completion money and I transferred it. "
            "Completion is tomorrow.")
    result = suggest(text, THURSDAY, uncertain)
    assert result.urgency == "critical" and result.complaint_signal == "complaint"
    calm = suggest("Could you tell me how long probate usually takes?", THURSDAY, uncertain)
    assert calm.complaint_signal == "uncertain"


@pytest.mark.parametrize("text", [
    "We are approximately 2 weeks away from jury trial, and his attorneys are completely unprepared.",
    "The final hearing is in 3 days and nobody has sent me the bundle.",
    "Three months ago this attorney sent me two checks to sign, and he said that he would return the money "
    "to me. He hasn't.",
    "My solicitor has been holding my settlement money for three months and will not answer.",
    "It's been almost two years and he hasn't filed a lawsuit.",
    "She sent me a letter, but she didn't mean to send it to me: it was about another family's divorce.",
    # the third round of real texts (ids in models/real/corpus.jsonl)
    "I paid him thousands of dollars but in the end he didn't fix anything. I feel like he scammed "
    "me.",                                                                                       # r0340
    "At this point I believe we are the victim of a loan modification scam.",                    # r0337
    "the attorney was seeking payment for activities done in bad faith",                         # r0140
    "All attorneys fees were restricted due to self dealing of the predecessor trustee.",        # r0141
    "She misrepresented her fees with regards to the contract I initially signed.",              # r0194
    "I said to my husband, 'I've ruined our lives. That's all of our money gone'.",              # r0255
    "I was just in complete disbelief that everything we had saved had gone.",                   # r0304
    "At that point they told us they had never gotten the money.",                              # r0300
    "The settlement check I received from my lawyer's trust account bounced.",
    # general forms of a breach, money sent back and fraud (DOMAIN.md's critical signals)
    "The medical report you prepared for my claim was sent to my old address, where my ex lives.",
    "Your accounts team has paid the sale proceeds back to the buyer's solicitors by mistake.",
    "My brother and I think our father's estate has been defrauded by the executor.",
    "This morning you emailed me a witness statement for a Mrs Patel, which is not mine.",
    # the same signals further apart, or in other words (r0342, r0407, r0421, r0279)
    "I deposited the check from my lawyer's trust account in my checking account and just found "
    "out it bounced.",
    "Our bond - the proceeds of the farm sale, our life savings - had just disappeared.",
    "He said the appeal would not be affected. That was a lie and he knew it.",
    "My ex has been tormenting me ever since I left him and keeps turning up at my flat at night.",
    # the fourth round (r0433 onwards), measured before these forms were added
    "I had ten days to appeal. She said she did, but she hasn't.",                       # r0448
    "The firm padded the bill by thousands of dollars and we cannot pay it.",            # r0462
    "We are about to lose our home to foreclosure and the lawyer has gone quiet.",       # r0462
    "He finally conned my elderly mother into signing the new agreement.",               # r0569
    "In mere days my son has his court date and his lawyer has never met him.",          # r0573
    "Our solicitor is as full of deceit as the people on the other side.",               # r0482
    # dishonesty in other common words (DOMAIN.md: an allegation of dishonesty is critical)
    "I think my lawyer is colluding with my ex-husband's lawyer.",
    "He is a crook and has kept the deposit for himself.",
    "The firm took kickbacks from the surveyor it sent us to.",
    "She hid the second offer from me until it had lapsed.",
    # the same signals told in the third person, as an ombudsman's or a relative's account is
    "Mrs D said the firm refused to release her share of the estate to her.",
    "He told us his life savings were gone within a month of the transfer.",
    "The adviser ran off with their savings and cannot be traced.",
    "The solicitor told the other side about his debts without his consent.",
    "My father has never received his settlement money although the firm was paid in May.",
    # the fifth round (r0137, r0489), and the same allegations in other common words
    "The executor is withholding money from me until I sign his affidavit.",             # r0137
    "The executor has refused to disperse the cash until I agree to his terms.",         # r0137
    "The lawyer I retained did absolutely nothing but lie to me.",                       # r0489
    "It sounds like blackmail to me.",                                                   # r0137
    "My share of the estate is still being withheld by the firm.",
    "My brother's solicitor used undue influence to get Dad to sign a new will.",
    "The conveyancer agreed the new price with the buyer behind our backs.",
    "At sentencing my defence lawyer would deliberately lie and say I had a weapon.",  # r0659
    "I am a layman and have been cheated by my advocate these three years.",             # r0716
    "My attorney settled the discrimination case without my knowledge or consent.",     # r0715
    # the eleventh round (r0885), and the same allegation of bad faith in other words
    "My advocate made serious procedural blunders that I believe were intentionally done so "
    "that my matter is compromised.",                                                    # r0885
    "I am sure my lawyer deliberately lost the appeal.",
    "He sabotaged my case to please the other side.",
    "My attorney threw my case to help the prosecutor.",
    "I feel my solicitor sold me out.",
    "She missed the filing deadline on purpose, I am certain of it.",
    # cross-validated misses of the earlier rounds, in general forms
    "He states he's been in contact with the client in jail, but hasn't.",              # r0148
    "I think they are still lying.",                                                     # r0736
    "They started to avoid me, giving me false assurance that the matter was listed.",   # r0741
    "The solicitor says she has filed the defence but she hasn't.",
    "My lawyer made false promises to get me to sign.",
    # the thirteenth round (r0922, r0929, r0926), measured before these forms were added
    "But for my own nephew to do this to me is despicable. I want police to start criminal "
    "action against his firm.",                                                          # r0922
    "I realised from his demeanor that he did not use the money for its intended purpose.",  # r0929
    "I was convinced that the trust funds might have been abused.",                     # r0926
    "I have reported the solicitor to the police.",
    # the fourteenth round (r0953, r0957), measured before these forms were added
    "He was to get 10% in legal fees. But he instead took the entire land and sold some to "
    "other businessmen.",                                                                # r0953
    "All along the lawyer has been using this trick to deny us our money.",              # r0957
    # the fifteenth round (r1005, r0996), measured before these forms were added
    "She did one step and kept lying that it was the government body that was changing the "
    "rules.",                                                                            # r1005
    "Now you're telling me he has had our money for so long? I cannot believe this",     # r0996
    "The firm has had my deposit for over a year and nobody will say why.",
    "My attorney keeps on lying about where the file is.",
    # the sixteenth round (r1042), measured before this form was added
    "He is only concerned about how to get most of your money by giving you false and "
    "misleading advices.",                                                               # r1042
    "My solicitor gave me false advice so that I would keep paying him.",
])
def test_emergency_wordings_found_in_real_complaints(text: str) -> None:
    assert triage(text).urgency == "critical"


@pytest.mark.parametrize("text", [
    "About a week before closing I got approval for my loan.",
    "The trial was two weeks ago and it went well, thank you.",
    "It's been almost two years since you finished my conveyancing and I want to say thanks.",
    "Thank you for the warning about scams before our completion; we will phone to check.",
    "Thank you: our money arrived safely and the completion went through on time.",
    "Please send future letters to my new address rather than my old one.",
    "Thanks for sending me the forms for Mr Jones to sign; I will pass them on today.",
    "The cheque you sent for the refund cleared today, thank you.",
    "Is it a lie that buyers can pull out after exchange? A friend told me so.",
    "He tried to scare me into settling by talking about the costs of a trial.",
    "Thank you for padding the file with copies of everything; it made the hearing easier.",
    "In three days we should hear whether the buyers want to go ahead; no completion date yet.",
    "She said she had filed the form, and the court confirmed it the same week.",
    "The seller concealed the damp, and our surveyor missed it; can you advise?",
    "He did not lie to me about the costs, but he never explained them either.",
    "Thank you for not withholding anything from the completion statement.",
    "Can you explain whether undue influence is hard to prove for a will?",
    "Do you know whether the estate should have paid withholding tax payments for my brother?",
    "We settled the boundary dispute without our solicitor's help and it went well, thanks.",
    # near misses of the plain-word forms (the DOMAIN.md phrasings above)
    "I am afraid that I may lose my home if the payments are not reduced.",
    "We bought it together but the house is in his name. What are my rights?",
    "I believed the property was in her name as the letters said.",
    "I gave my message to the receptionist and it was never passed on.",
    "I have spent my savings on your fees and I want a breakdown.",
    "Our costs were transferred to the firm's office account once the bill was agreed.",
    "I've given the agent my new address.",
    "The documents were posted to the court last week.",
    "I'm worried that they will come back with a higher bill.",
    "This delay will hurt us badly if the chain collapses.",
    "We signed the will but I did not understand the clause about the trust.",
    "The new solicitor will visit Mum, who has dementia, next week.",
    "I was falsely accused by my employer. Can you help?",
    "My line manager is working with HR against me.",
    "The solicitor said that it was not theirs to decide.",
    "I don't feel I owe her because I was double billed for some items.",
    "The car hit me at the lights and I have been off work since.",
    "His lawyer told him they were never filed and the court has no record of them.",
    "The landlord is threatening me with court action.",
    "He will take the children on holiday at Christmas.",
    "Please pay the balance to the account on our invoice.",
    "You asked for my bank details for the refund, here they are.",
    "The firm closed down its Leeds office and moved my file to Bradford.",
    "Our old firm has closed down; please send me my file.",
    "I have copied my wife into this email.",
    "The case was listed for March and I am still waiting to hear.",
    "Starting at a big firm, he pretended to be more senior than he was.",
    "Did the clerk mislead me or has the judge got it wrong?",
    "Mum made her will in 2010, years before her dementia.",
    "My father signed a grant deed in 2001; my mother now has dementia.",
    "The landlord kept my deposit and won't return it.",
    "We paid the deposit but the keys were not received until noon.",
    "The invoice you sent has not been paid yet because I was away.",
    "My lawyer kept me informed throughout.",
    "The hearing was withdrawn from the list and relisted for March.",
    "They were not misled about the price.",
    "I gave my papers to my new solicitor.",
    "My payment to you has not cleared yet, sorry; I will pay again on Friday.",
    "The money had reached the seller's solicitor by noon, so we completed.",
    "Will the judge throw the case out because of the missing form?",
    "Was the mistake intentional? I doubt it, but please explain it.",
    "The other side's solicitor keeps delaying the case deliberately.",
    "My ex-wife had filed a false case of domestic violence against me; the court ruled for us.",
    "He accused me of domestic abuse in his statement, which the judge rejected.",
    "The papers were lying on his desk for weeks before anyone read them.",
    "She says she has sent the letter but it hasn't arrived yet.",
    # r0910 (twelfth round): someone else's behaviour is not someone else's papers
    "The list of my unreasonable behaviour versus someone else's went on and on.",
    "It was someone else's fault that the chain collapsed, not yours.",
    # r0908 (twelfth round): a hearing told in the past on the day it happened is over
    "I had the second eviction hearing today! The landlord ignored the judge again.",
    "My hearing was this morning and it went ahead without any trouble.",
    "I reported my neighbour to the police last year.",
    "Can I file a criminal complaint against my employer?",
    "We took the house off the market and then sold it privately last year.",
    "Is there a trick to get my deposit back faster?",
    # r0939: "a friend's will" is the document, not a plan for today
    "Today's special was a trip to London for what was hoped would be the very final Court "
    "Hearing relating to the administration of a friend's will.",
    # r1013 (fifteenth round): the other side harming its own case; money one has saved
    "My landlord has shot herself in the foot and sabotaged her own case.",
    "We have had our money in savings for years and want to buy a flat.",
    "I kept lying awake the night before the hearing.",
    "Is it true that you can't get advice on a will over the phone, or is that false?",
])
def test_the_same_words_in_the_past_or_without_an_emergency_raise_nothing(text: str) -> None:
    assert triage(text).urgency != "critical"


@pytest.mark.parametrize("text", [
    # a relative or representative writes: the same breach, told in the third person
    "The letter with my father's medical report was posted to his old address, where his "
    "ex-wife still lives.",
    "Your email about my daughter's claim was sent to her work address and cc'd to her line "
    "manager.",
    "The bundle for their hearing went to their previous address.",
])
def test_a_breach_told_by_a_relative_is_as_critical_as_one_told_by_the_client(text: str) -> None:
    result = triage(text)
    assert result.urgency == "critical", result.reasons
    assert any("data breach" in reason for reason in result.reasons)


@pytest.mark.parametrize("text", [
    "Attorney gives opposition wrong file! Our attorney includes our file on the other property.",
    "Our solicitor sent the other side our file on the flat by mistake.",
    "My solicitor handed the opposing solicitor my confidential records.",
    # Data breaches told in everyday ways, probed (2026-12-07): 12 phrasings, 7 below
    # critical; 6 are read now ("a voicemail on my family's phone" is left: a client may have
    # asked for it).
    "Your paralegal posted my divorce documents to my husband's work address.",
    "My medical report was attached to an email to the other driver's insurer without my "
    "permission.",
    "Someone in your office has been talking about my case on Facebook.",
    "My file was found in a skip outside your office.",
    "The solicitor discussed my finances in the waiting room in front of other people.",
    "You gave my phone number to the estate agent without asking me.",
])
def test_a_clients_papers_or_details_sent_where_they_should_not_go_are_a_breach(text: str) -> None:
    result = triage(text)
    assert result.urgency == "critical" and "data_breach" in result.flags, result.reasons


@pytest.mark.parametrize("text", [
    "My solicitor sent the other side our offer yesterday.",
    "I gave the other side my documents for disclosure as the court ordered.",
    # near misses of the everyday breaches
    "I gave my phone number to the estate agent without asking you first, sorry.",
    "We discussed my finances in the meeting and you never sent the notes.",
    "I had to discuss my divorce finances in front of strangers in the coffee shop.",
    "My file was found in a drawer after you said it was lost, which took weeks.",
    "You posted my divorce documents to my home address as agreed, but two weeks late.",
])
def test_ordinary_dealings_with_the_other_side_or_others_are_no_breach(text: str) -> None:
    assert "data_breach" not in triage(text).flags


def test_lists_and_paragraphs_keep_their_breaks() -> None:
    from mailbot.triage.suggestion import unwrapped
    text = "Points:\n- the hearing\n- the bill\n\n1. first\n2. second\n> quoted\nend"
    assert unwrapped(text) == text.replace("\n> quoted\nend", "\n> quoted end")
    assert unwrapped("listed for\nMonday") == "listed for Monday"


def test_only_contractions_that_are_no_other_word_are_written_out() -> None:
    from mailbot.triage.suggestion import with_apostrophes
    assert with_apostrophes("I havent, Im, didnt, THEYRE, youve") == (
        "I haven't, I'm, didn't, THEY're, you've")
    kept = "we were ill, its id was well hidden, hell"
    assert with_apostrophes(kept) == kept


@pytest.mark.parametrize("text", [
    "My lawyer settled my case without telling me.",
    "He signed the agreement on my behalf without my authority.",
    "He accepted the offer without asking me.",
    "We did not authorise the sale.",
    # models/real r0735, its title and its first sentence
    "Settlement Accepted w/o Authorization",
    "Without my consent, and with specific instructions to the contrary, he accepted a settlement.",
])
def test_a_step_taken_without_the_clients_authority_is_high_with_referral_and_insurer(
        text: str) -> None:
    """Acting without instructions: a conduct matter and a likely claim, rated high as the real
    texts are labelled (settling "without my consent" is also alleged dishonesty: critical)."""
    result = triage(text)
    assert result.urgency == "high"
    assert {"conduct_referral", "insurer_notification"} <= result.flags


def _rated(text: str, urgency: str, reason: str) -> None:
    """The urgency a handler sees, and the reason that gives it."""
    result = triage(text)
    assert result.urgency == urgency, result.reasons
    assert any(reason in r for r in result.reasons), result.reasons


@pytest.mark.parametrize(("text", "absent"), [
    ("Ms Smith was very helpful, but nobody else has called me back.", "vulnerability"),
    ("The time limit runs out in March, so there is time, but please keep me updated.",
     "deadline was already missed"),
    ("I had to pay for the searches myself, which I did not expect.", "financial loss"),
    ("I passed on your message to my husband, please call him instead.", "vulnerability"),
    ("I'm 71 and in good health, so I can come in whenever suits you.", "vulnerability"),
    ("We were now homeless for a bit between the sale and the purchase, which was fun.",
     "vulnerability"),
    ("I'll have to pay back costs from the house sale, you said.", "refund"),
])
def test_near_misses_of_the_high_phrasings_do_not_fire_their_rule(text: str, absent: str) -> None:
    assert not any(absent in r for r in triage(text).reasons), triage(text).reasons


# Allegations of dishonesty (DOMAIN.md: critical), probed the same way: 25 phrasings, 11 below
# critical; these 7 are read now (double billing and acting without authority stay `high`).
@pytest.mark.parametrize("text", [
    "The invoice lists meetings that never took place.",
    "My lawyer back-dated the letter to cover his mistake.",
    "The solicitor altered the will after my father signed it.",
    "They told the court I had agreed when I never did.",
    "The fee earner swore a false affidavit.",
    "I found out the solicitor never had a practising certificate.",
    "He pretended to be a qualified solicitor when he was only a clerk.",
])
def test_common_phrasings_of_dishonesty_are_critical_and_go_to_compliance(text: str) -> None:
    result = triage(text)
    assert result.urgency == "critical", result.reasons
    assert "conduct_referral" in result.flags


# Dates in other Englishes and other proceedings, probed the same way: 27 phrasings, 18 below
# critical, all read now (suggestion.OTHER_EVENTS).
@pytest.mark.parametrize(("text", "event"), [
    ("My matter is coming up on Thursday and the lawyer has not prepared anything.", "hearing"),
    ("The case is fixed for arguments on 1/12 and my counsel has returned the brief.", "hearing"),
    ("My bail application comes up tomorrow and the lawyer has not filed the papers.",
     "hearing"),
    ("The matter is posted for Monday and my lawyer says he is out of station.", "hearing"),
    ("The judgement will be delivered on Friday and my lawyer has disappeared.", "judgment"),
    ("Our transfer of the property is on the 1st and the conveyancer hasn't lodged the "
     "documents.", "completion"),
    ("My visa interview is on Wednesday and the agent still hasn't given me my passport back.",
     "interview"),
    ("The auction of my house is next Tuesday and my lawyer has not filed the injunction.",
     "auction"),
    ("The sheriff sale is scheduled for December 2 and my attorney won't call me back.",
     "auction"),
    ("The arbitration is on the 1st and our counsel has not seen the witness statements.",
     "arbitration"),
    ("The final date to pay the stamp duty is 2 December and you haven't told me the amount.",
     "deadline"),
    # US and UK procedure
    ("My arraignment is on Monday and my public defender hasn't contacted me.", "hearing"),
    ("The pretrial conference is this Friday and my attorney hasn't responded to my emails.",
     "hearing"),
    ("My status conference is tomorrow and I don't know if my lawyer will show up.", "hearing"),
    ("Docket call is next Tuesday and my lawyer has not filed the witness list.", "hearing"),
    ("My asylum appeal is heard on Tuesday and my caseworker has disappeared.", "hearing"),
    ("The custody evaluation is Friday and my lawyer hasn't sent them my documents.",
     "custody evaluation"),
])
def test_dates_in_other_englishes_and_proceedings_are_critical(text: str, event: str) -> None:
    result = triage(text)
    assert result.urgency == "critical", result.reasons
    assert any(f"mentions a {event}" in r or f"mentions an {event}" in r
               for r in result.reasons), result.reasons


@pytest.mark.parametrize(("text", "urgency"), [
    ("It has been ten weeks since my complaint and I have had no final response.", "high"),
    ("It's two months since I made my complaint and nobody has answered it.", "high"),
    ("It has been three weeks since my complaint, please let me know where things are.", "normal"),
])
def test_a_complaint_told_as_weeks_since_it_was_made_is_high_past_eight(text: str,
                                                                         urgency: str) -> None:
    assert triage(text).urgency == urgency, triage(text).reasons


# The near misses of every probe above: the same words where nothing is at risk now.
@pytest.mark.parametrize("text", [
    # money, data, safety and dates
    "Please reply by Friday or I will take this further.",
    "We will close the file once you confirm, you said, but nothing since.",
    "The bank is going to close my account on Friday because of your letters.",
    "We're close to agreeing terms, but your delay is costing us.",
    "Our offices close at 5pm on Friday so call before then.",
    "The court is in Manchester and you booked the wrong train for me.",
    "The settlement is missing a clause about costs that I asked for.",
    "My witness statement was sent to the other side's solicitor without my corrections.",
    "I copied my employer into the email so they know why I need time off.",
    "I told him where I live because he asked, but your office should have warned me.",
    "He threatened me with a lawsuit if I did not sign.",
    "The documents were sent to the other side last week as you said.",
    "I took my settlement money and paid off the car, then your bill arrived.",
    "We failed to send the deposit money in time, but you never reminded us.",
    "The deposit has been returned to me at last, but the bill is wrong.",
    "I just want it all to end so I can move on, please finish the case.",
    "My ex-wife's solicitor sent me her bank statements as part of disclosure.",
    "You sent my medical records to the court as we agreed.",
    # dishonesty
    "My pension was backdated to April, which was good news, but your bill is wrong.",
    "The CMS says they can only backdate to when I applied, which you never told me.",
    "The invoice lists the meetings we had, but the rates are higher than quoted.",
    "You changed the contract after I asked you to, thanks, but it took three weeks.",
    "I told the court I had agreed, but my solicitor never explained what that meant.",
    "My lawyer claimed to be busy every time I called.",
    "The junior is not a qualified solicitor and I was never told she would run my case.",
    # safety, self-harm and limitation
    "I keep getting threatening calls from the debt collector about your unpaid invoice.",
    "The bank's solicitors sent me threatening letters because you never paid the charge.",
    "The children are at risk of losing their school place if we don't move by September.",
    "I'm hiding the receipts from nobody, I just can't find them, please send copies.",
    "I can't see a future for this case if you don't get the expert report.",
    "He said he'd burn the papers once the case is over, is that allowed?",
    "I'm aware that the eight-week period runs out in a couple of weeks.",
    # money withheld
    "We are not prepared to pay the balance unless you can show us what the extra work was.",
    "I received the settlement last week and I'm happy, but the bill was higher than quoted.",
    "The lawyer collected the documents and has not sent them back.",
    "I got the money in the end but it took months longer than promised.",
    "The fees were disbursed from the retainer and the statement was clear, thank you.",
    # dates in other Englishes
    "We bought the house at auction on Friday 20 November and the searches were late.",
    "The due date on your invoice is 2 December but I have not had the breakdown I asked for.",
])
def test_near_misses_of_the_probed_phrasings_are_not_critical(text: str) -> None:
    assert triage(text).urgency != "critical", triage(text).reasons


# Every probe of DOMAIN.md's critical and high signals (2026-12-07), written from its table
# rather than found in the real corpus: none of these forms occurs in its texts, and on their
# out-of-fold predictions they raise no text that was not raised before (README, Triage).
@pytest.mark.parametrize(("text", "urgency", "reason"), [
    # money, data, safety and dates: two probes
    ('Your accounts team emailed asking for the balance to a new sort code. Please confirm '
     'before I pay it today.',
     'critical', 'bank details'),
    ('Someone emailed pretending to be your firm and we paid £40,000 into their account.',
     'critical', 'bank details'),
    ('The £250,000 from my sale has not arrived in my account and you told me it was sent.',
     'critical', 'client money'),
    ("My escrow money is gone and the attorney won't say where it is.", 'critical', 'client money'),
    ('You paid my inheritance to my brother instead of me.', 'critical', 'client money'),
    ("The solicitor has taken money from my late mother's estate for himself.",
     'critical', 'client money'),
    ('My lawyer cashed the settlement check without telling me.', 'critical', 'client money'),
    ("The executor's solicitor has transferred the estate funds to an account abroad.",
     'critical', 'client money'),
    ("My personal details were sent to the other side's solicitor.", 'critical', 'data breach'),
    ('You copied my employer into an email about my divorce.', 'critical', 'data breach'),
    ('Your office told him where I live and now I have had to move out.',
     'critical', 'data breach'),
    ("If this isn't sorted I don't see the point in going on any more.", 'critical', 'self-harm'),
    ('The other party turned up at my house with a knife last night.', 'critical', 'safety'),
    ('Court is Thursday morning and my solicitor is not answering.', 'critical', 'court date'),
    ("We are supposed to close this week and the attorney hasn't sent the documents.",
     'critical', 'completion'),
    ("I have to respond to the motion by Friday and my attorney hasn't done anything.",
     'critical', 'deadline'),
    # told in the third person, in texting or non-native English, in UK idiom
    ('The firm failed to send the completion monies on the agreed date.',
     'critical', 'client money'),
    ('Her solicitor kept the proceeds of sale in the client account for eight months.',
     'critical', 'client money'),
    ("Mrs A discovered that the firm had used money from her late husband's estate to pay "
     'its own bills.',
     'critical', 'client money'),
    ("The firm sent Ms C's medical records to her former partner.", 'critical', 'data breach'),
    ('Mr D told the firm he was thinking about taking his own life.', 'critical', 'self-harm'),
    ('my lawyer took my settlement money and now he not answering his phone',
     'critical', 'client money'),
    ('lawyer say he send money to me 2 weeks ago but nothing come to my account',
     'critical', 'client money'),
    ('atty keeps my escrow $$ and wont give it back', 'critical', 'client money'),
    ('they emailed my info to some random person', 'critical', 'data breach'),
    ('my hearing got moved to next wed and nobody told me anything', 'critical', 'hearing'),
    ('the attorney told my ex-husband where me and the kids are staying',
     'critical', 'data breach'),
    ("Completion's been pencilled in for Friday and the lender hasn't released the funds.",
     'critical', 'completion'),
    ("Your cashier's department rang to say the money had bounced back.",
     'critical', 'client money'),
    # DOMAIN.md's `high` signals: 28 phrasings, 8 below high.
    ('The time limit for my appeal ran out last week because you never lodged it.',
     'high', 'deadline was already missed'),
    ('You let the limitation period expire on my personal injury claim.',
     'high', 'deadline was already missed'),
    ('I had to pay a penalty of £3,000 to the lender because completion was late.',
     'high', 'financial loss'),
    ("I'm going to the bar association with this.", 'high', 'a regulator'),
    ("I have MS and can't keep coming to your office.", 'high', 'vulnerability'),
    ("The receptionist said she couldn't understand my accent and refused to book me in.",
     'high', 'discrimination'),
    ("I was told the partner doesn't act for people like me.", 'high', 'discrimination'),
    # and in other words (a second probe: 17 phrasings, 11 below high; 9 read now)
    ('My wife passed on in January and I am struggling to cope with the estate.',
     'high', 'vulnerability'),
    ('I have sickle cell and have been in and out of hospital.', 'high', 'vulnerability'),
    ("I am partially sighted and can't read the small print on your letters.",
     'high', 'vulnerability'),
    ('English is not my first language and I did not understand the letter.',
     'high', 'vulnerability'),
    ('I suffer with my nerves and this whole thing has made me ill.', 'high', 'vulnerability'),
    ('I was made homeless after the sale fell through.', 'high', 'vulnerability'),
    ('I demand that you pay back the £2,000 deposit you lost me.', 'high', 'refund'),
    ('Because of your delay I lost my buyer and had to sell for £20,000 less.',
     'high', 'financial loss'),
    ("I'm contacting the Solicitors Disciplinary Tribunal.", 'high', 'a regulator'),
    # Risks to safety, self-harm and a limitation date told by its length: 17 phrasings, 13
    # below critical; these 11 are read now. "At the end of my tether" and "letters to my kids
    # just in case" are left: too often frustration, or too indirect, for a rule.
    ('Some days I think my family would be better off without me.', 'critical', 'self-harm'),
    ("I've been stockpiling my tablets.", 'critical', 'self-harm'),
    ("I can't see a future any more.", 'critical', 'self-harm'),
    ("I honestly feel like there's no way out of this.", 'critical', 'self-harm'),
    ("He's been sending me threatening messages since your office gave him my number.",
     'critical', 'safety'),
    ('My ex smashed the windows last night after the letter you sent him.', 'critical', 'safety'),
    ("I'm hiding at my sister's because he found out where I live.", 'critical', 'safety'),
    ("He said he'd burn the house down if I go ahead with the divorce.", 'critical', 'safety'),
    ('The children are at risk and the handover is on Saturday.', 'critical', 'safety'),
    ('My three years runs out next Thursday.', 'critical', 'limitation date'),
    ("The claim has to be issued by Friday or it's time-barred.", 'critical', 'deadline'),
    # Money withheld or missing, in several Englishes (Indian, Nigerian, US, UK): 15 phrasings,
    # 14 below critical; these 12 are read now. A lien deducted without agreement stays a
    # disputed deduction (not critical in DOMAIN.md's table), and "the funds are frozen" is left
    # to a person.
    ('The lawyer has refused to remit the judgment sum to me since March.',
     'critical', 'client money'),
    ('My advocate collected the compensation from the insurance company and has not paid '
     'me.',
     'critical', 'client money'),
    ('The lawyer chopped my money and switched off his phone.', 'critical', 'client money'),
    ("My attorney is sitting on my settlement and won't cut me a check.",
     'critical', 'client money'),
    ('The settlement was disbursed but I never got my share.', 'critical', 'client money'),
    ("He deposited my settlement check into his IOLTA account months ago and won't release "
     'it.',
     'critical', 'client money'),
    ('My lawyer received the insurance money in January and keeps saying the cheque is in '
     'the post.',
     'critical', 'client money'),
    ('The notary still has the purchase price in escrow and the sale completed six months '
     'ago.',
     'critical', 'client money'),
    ('Our deposit was supposed to be held in trust but the trust account is empty.',
     'critical', 'client money'),
    ('The solicitor has closed his office and nobody knows where our money is.',
     'critical', 'client money'),
    ("My lawyer died and the firm won't tell me what happened to the money they were "
     'holding.',
     'critical', 'client money'),
    ('I was supposed to get £30,000 from the estate and the solicitor has only sent '
     '£12,000 with no explanation.',
     'critical', 'client money'),
])
def test_probed_phrasings_get_their_urgency_and_its_reason(text: str, urgency: str,
                                                          reason: str) -> None:
    _rated(text, urgency, reason)


# A Monday: "the 11th" is four working days away, "Thursday" three.
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)

# DOMAIN.md's critical signals as people write them (2026-12-07, written from the signals, not
# from any corpus), read by the rules alone, with no model to lean on. EVERYDAY_CRITICAL holds the
# probe's misses, each rated below critical by the rules of 59fb4d6; the three lists after it are
# whole vocabularies, of which 32 of 58, 14 of 24 and 10 of 25 were below critical or without
# their flag just before each was added (119 of the 167 against 59fb4d6). One test takes every
# list, with the flag its family must carry.
EVERYDAY_CRITICAL = [
    # money the firm was paid, holds, or cannot account for (each rated below critical before)
    "My solicitor received my personal injury payout in March and I still haven't been paid.",
    "The insurers paid out to the firm months ago but the firm hasn't passed it on to me.",
    "My compensation was paid to the solicitors three months ago and I have not received a "
    "penny.",
    "They have been sitting on my late father's estate money for two years.",
    "The executor, who is a solicitor, has been using the estate money as his own.",
    "The executor solicitor has been helping himself to the estate funds.",
    "My deposit of £25k has not been returned and they won't say where it is.",
    "They still have my £15k and won't answer where it is.",
    "The firm still holds £8,000 of mine and ignores every email.",
    "I am owed £12,000 from the sale and the conveyancer will not release it.",
    "my lawyer got my settlement check 2 months ago and keeps making excuses why I cant have it",
    "The attorney deposited my settlement in his account and now he won't return my calls.",
    "Our buyer's solicitor says they sent the money but our solicitor says it never came in.",
    "I got an email from my solicitor saying their bank account had changed, so I sent the "
    "deposit there, and now they say it wasn't them.",
    # safety and self-harm
    "I'm not sure I can keep going, I've got nothing left.",
    "I'm frightened he'll hurt me again and the firm has done nothing about the order.",
    "My ex is out of prison and coming to the house and my solicitor won't call me back.",
    "He beat me last year and your firm has been sending letters to the house we shared.",
    # personal data gone to someone it should not
    "You sent my letter, with my bank statements, to someone I've never heard of.",
    "You copied my husband into an email about my divorce even though I told you not to.",
    "Your receptionist discussed my case with my sister without my permission.",
    "Someone at your firm told my neighbour about my divorce.",
    "The other side now knows my address because your firm put it on a document.",
    "Someone from your office emailed my ex-wife my financial disclosure.",
    "Your firm sent the other side a copy of my medical records without asking me.",
    "I found my client file in the bin outside your office.",
    # a date days away, told in words the date reading took for the past or for no event
    "I'm being evicted on the 11th and your firm has done nothing.",
    "My claim will be time-barred on Friday unless the papers are issued.",
    "I will lose my house on Thursday if the solicitor does not send the redemption money.",
    "I have to be out of the property by Monday and my solicitor has not filed anything.",
    "We're meant to move on Wednesday and the money still isn't there.",
    # the fourth and fifth rounds
    "So basically the lawyer has had my $40k in his trust account since June.",
    "He told me the check cleared weeks ago but I never seen a dime of it.",
    "The solicitor for the estate has gone quiet and the bank says the account has been emptied.",
    "The firm has frozen my funds and I can't pay my rent.",
    "The divorce settlement money was supposed to be transferred to me on Friday and it never was.",
    "The conveyancer still has the £18,500 we paid and won't give it back.",
    "I need to know why my redundancy payout went into your firm's account and not mine.",
    "My solicitor cashed the insurance cheque and hasn't given me my share.",
    "I paid the final invoice to the account details you sent and your accounts team says they "
    "have no record of it.",
    "I'm due in court in the morning and I've no idea if my solicitor will turn up.",
    "The notice to quit runs out on Thursday and my solicitor hasn't replied.",
    "I've been told the sale of our home is going ahead on Tuesday unless the arrears are paid.",
    "Honestly some days I think everyone would be better off if I wasn't around.",
    "Some nights I just want to go to sleep and not wake up.",
    "I have a plan to end things if this case goes badly.",
    "I've been cutting myself again since the court letter.",
    "I had to call the police because he came to the house again last night.",
    "She has threatened to take the children abroad and my solicitor is on leave.",
    "I don't feel safe in my own home since your letter told him I'd moved.",
    "He keeps sending me messages saying he knows where I live now.",
    "My daughter has told me her father hits her when she stays with him.",
    "A letter meant for me was given to my neighbour, who read it.",
    "The solicitor left my file open in reception and other clients could read it.",
    "Your assistant read my address out loud in the waiting room.",
    "My details were in an email chain sent to over 50 people.",
    "I received a bundle with another family's child protection reports in it.",
    "Someone at your office has been looking at my file and telling people in the village.",
    "My ID documents were sent in an unsealed envelope and arrived opened.",
    "Your letter had the wrong client's bank details printed at the bottom.",
    # an independent writer's sentences (2026-12-07, a seventh session; its other half and a
    # second set measure what these forms carry over: README, Triage)
    "The firm's office on the High Street is shuttered and the website has disappeared "
    "overnight. They were holding £15,600 of my compensation.",
    "The law firm has closed down and nobody can tell me what happened to the money they held "
    "for me.",
    "The sum held in your client account has not been paid out and your office has been "
    "unable to tell me where it is.",
    "The solicitor says the estate was paid, but the account number they quote doesn't belong "
    "to any of us.",
    "That isn't my signature on the TR1.",
    "I never signed any transfer, yet the Land Registry now shows my share gone to my ex.",
    "The bill lists 37 hours of 'research and drafting' for a four-paragraph letter lifted "
    "from a template, plus phone calls to me that never took place.",
    "I paid the fee up front and the reference number they gave me doesn't exist.",
]
# The words of suicidal thinking as screening questions and crisis lines use them (wanting to be
# dead, no reason to live, a method, not being here), then domestic abuse (violence done, threats,
# fleeing, a refuge, being tracked or controlled). Left out: "I want it to stop for good" (as
# often the calls or the case as the writer's life) and "my ex is harassing me" (the corpus's
# harassment is a debt collector's or a dispute's, labelled below critical).
SAFEGUARDING_SIGNS = [
    'I wish I was dead.',
    "I've been having thoughts of killing myself.",
    'I have thought about ending my life.',
    'I want to disappear forever.',
    'I just want to disappear.',
    "There's no reason for me to live any more.",
    "I feel like there's no point in living.",
    "I don't want to be alive anymore.",
    "I'm thinking of jumping off a bridge.",
    "I've thought about hanging myself.",
    "I've been looking up ways to die.",
    "I've written letters to my family in case I'm not here.",
    "I'm going to take all my pills.",
    'I took an overdose last week because of this.',
    "I've been self-harming.",
    'I feel suicidal.',
    'I have suicidal thoughts.',
    "Life isn't worth living anymore.",
    "I'd rather be dead than go through this.",
    'Everyone would be better off without me.',
    'I have nothing to live for.',
    "I'm ready to give up on life.",
    "I've been thinking about killing myself.",
    'Sometimes I think about not being here anymore.',
    "I've been hurting myself.",
    "I don't see the point in going on.",
    'I wish I could go to sleep and never wake up.',
    "I've had enough of life.",
    "I won't be around much longer.",
    # domestic abuse
    'He hit me again last night.',
    'My husband is violent and I am scared of him.',
    'He threatened to kill me if I went ahead with the divorce.',
    'He said he would kill me.',
    'My ex has been stalking me for months.',
    "He won't leave me alone and keeps turning up at my door.",
    'He broke into my house while I was out.',
    'My partner has a gun and has threatened to use it.',
    'He strangled me during an argument.',
    'My ex-husband is abusive.',
    "I'm in danger and need the order urgently.",
    'The police have been called to my house three times this month because of him.',
    'I had to flee my home with the children.',
    "I'm staying in a refuge.",
    'He has breached the non-molestation order twice.',
    'He tracks my phone and knows where I go.',
    'He followed me home from work.',
    "He controls all my money and I can't leave.",
    'I fear for my life.',
    "He told me I'd be sorry if I went to court.",
    "My son's father has threatened to snatch him from school.",
    'He pushed me down the stairs.',
    "I've been assaulted by my ex.",
    "He smashed my phone so I couldn't call anyone.",
    'My landlord has threatened me with violence.',
    "My neighbour attacked me and the solicitor hasn't done anything.",
    "I'm frightened to go home.",
    'He is a danger to the children.',
    'My daughter is being abused by her stepfather.',
    # an independent writer's sentences (2026-12-07, a seventh session; its other half and a
    # second set measure what these forms carry over: README, Triage)
    "I've sorted out my affairs and written letters to my kids, so maybe it won't matter much "
    "longer anyway.",
    "i cant do this anymore im standing on the bridge near my flat",
    "Sometimes I think about just driving my car off the bridge.",
    "I don't see how I can carry on living like this.",
    "If I see him on the street I'll put him in the hospital.",
    "Your client waved a knife at me over the fence this morning.",
    "He said he'd finish me if the surveyor comes on Thursday.",
    "He leaves voicemails saying he's going to burn my house down with me in it.",
    "I have complained before, but this is different, I'm scared.",
    "My ex turned up at my work yesterday and now I am afraid to leave the house.",
    "The children came back from contact with bruises.",
    "My stepbrother is locking Dad in his room.",
    "Dad rang me crying and said he hasn't eaten since Tuesday.",
    "My grandson phoned to say mummy won't wake up and there's no food in the house.",
    "My niece told me her mum's boyfriend touches her at night.",
    "My disabled son has had nobody to do his feeds since yesterday morning.",
    "I have not been able to collect my insulin for four days.",
    "The stress has given me chest pains all morning and my left arm has gone numb.",
    "We've been at a bus station since 6 and the refuge is full.",
    "I'm living in my car because he threw us out.",
    "We have nowhere to sleep tonight.",
]
# Lost, hacked, leaked, misaddressed, put online, looked at without reason, sent to someone else.
# "Lost my original documents" stands for "lost my file", left out: in a complaint, as often
# misfiled or lost in a new case system; so is a voicemail "that my boss heard".
DATA_BREACHES = [
    'You sent my documents to the wrong address.',
    'My letter was emailed to the wrong person.',
    'Your firm lost my original documents.',
    'One of your staff had their laptop stolen with my case on it.',
    'Your email system was hacked and my details were taken.',
    'There has been a leak of my personal information from your firm.',
    'My personal information was shared without my consent.',
    'You put my home address in a letter to the other side even though I asked you not to.',
    "Your office emailed all your clients with everyone's addresses visible.",
    "I received someone else's divorce papers from you.",
    'My medical records were posted to my old address.',
    'Your firm disclosed my criminal record to my employer.',
    'Someone from your firm posted my details online.',
    'Your staff member accessed my file for no reason and told my ex.',
    'My bank details were sent to the wrong client.',
    'You sent my passport copy to someone else.',
    "I think your firm has had a data breach, I've had scam calls quoting my case number.",
    "Your firm's letter about my case was opened by my neighbour because it was misaddressed.",
    "The other side's solicitor received my confidential notes from you by mistake.",
    'My documents were left in a public place by your courier.',
    "Your staff uploaded my documents to the wrong client's portal.",
    'You shared my mental health report with the other party without asking.',
    'My new address was included in the bundle sent to my abuser.',
    'Your assistant sent a text about my case to the wrong number.',
    # an independent writer's sentences (2026-12-07, a seventh session; its other half and a
    # second set measure what these forms carry over: README, Triage)
    "Your office emailed my whole Form E directly to my ex-husband instead of to his solicitor.",
    "A copy of my will was posted to my estranged son.",
    "I receive a letter by post which is for another client of you, with her address.",
    "My manager quoted from the grievance notes I had only ever shared with you.",
    "The only way he could have them is from your side.",
]
# The account not the firm's, the email fake, the money with a criminal, a request to use a new
# account, the firm's email cloned.
PAYMENT_DIVERSION = [
    "We've been scammed, we paid the deposit to a fraudster pretending to be you.",
    'We received an email with new bank details and paid the completion money into it.',
    'Someone hacked your emails and sent us a fake invoice.',
    "The account we paid into doesn't belong to your firm.",
    'Your accounts team emailed to say your bank had changed, was that real?',
    'I got an email asking me to transfer the balance to a different account today.',
    "The bank says the money went to an account in someone else's name.",
    'We were sent different payment details halfway through the purchase.',
    'The money we sent for completion has gone to a criminal.',
    "I've just realised the email with your bank details was fake.",
    'My bank has told me the transfer to your firm was fraud.',
    "We paid £85,000 to what we thought was your account and you say you haven't received it.",
    "A text from your firm's number asked me to pay into a new account.",
    "I think I've been a victim of conveyancing fraud.",
    'The invoice had a different sort code from the one in your client care letter.',
    'Your email account must be compromised, someone is sending invoices in your name.',
    'We transferred our life savings to scammers who intercepted our emails with you.',
    'The email said your firm had moved banks and asked us to pay there instead.',
    'Please confirm your bank details, I received a request to use a new account.',
    'Our deposit was diverted to a fraudulent account.',
    "Someone cloned your firm's email and took our money.",
    'My bank froze the payment because it looked like fraud.',
    "The fraudster knew our completion date and our solicitor's name.",
    'We have lost the money we sent to the new account from your email.',
    "I paid your invoice by bank transfer using the details in the email and now it says it "
    "was not from you.",
]


@pytest.mark.parametrize(("text", "flag"),
                         [(t, None) for t in EVERYDAY_CRITICAL + PAYMENT_DIVERSION]
                         + [(t, "safeguarding") for t in SAFEGUARDING_SIGNS]
                         + [(t, "data_breach") for t in DATA_BREACHES])
def test_everyday_wordings_of_the_critical_signals(text: str, flag: str | None) -> None:
    """Critical, and with the flag that sends it to the right person where the family has one."""
    found = suggest(text, MONDAY, None)
    assert found.urgency == "critical"
    assert flag is None or flag in found.flags


# Near misses of those forms: the writer's own acts, the past, a bill, a judge, a holiday.
NOT_CRITICAL = [
    "I paid £3,000 to the solicitor and have not had any update since.",
    "My solicitor told my wife the hearing had moved, which was helpful.",
    "I told my employer about my case and they were very supportive.",
    "I have copied my wife into this email.",
    "Please copy my husband into future emails about the sale.",
    "I was evicted last year and the firm never appealed.",
    "I'm frightened of going to court, can someone explain what happens?",
    "Can you tell me when I will get my deposit back from the landlord?",
    "I can't keep going back and forth to your office every week for signatures.",
    "I'm not sure I can keep going to these meetings in person with my back.",
    "The other side beat me at trial because my barrister was unprepared.",
    "Thank you for sending the completion money so quickly, we got the keys today.",
    "The firm has not refunded the £500 I paid for a service you never provided.",
    "I cut myself off from my family during the divorce.",
    "I want to end things with this firm and move my file.",
    "The police interview went fine, thank you for your help.",
    "I would like to know how much of my deposit will be used for the searches.",
    "I'd like to confirm my daughter may speak to you about the sale of my house, as I'm going "
    "into hospital next week.",
    # event verbs in the past or far off
    "We are moving on from this and will not be instructing you again.",
    "I was sentenced last year and want to complain about my barrister.",
    "We completed on Friday and the keys were handed over, thank you.",
    "I'm moving to Spain next year and need my will updated.",
    "We complete next March, can you confirm the fees?",
    "I was being evicted on the 9th and nobody from your firm helped.",
    # the writer's own bank changes and questions
    'Please send me your bank details so I can pay the invoice.',
    'I changed banks last month so please send my refund to my new account.',
    "The letter was not from you but from the other side's solicitor.",
    'Can you confirm the account is in your name before I pay?',
    'I sent the signed contract to the new address you gave me.',
    'The invoice was sent to the wrong department at my work.',
    "I've asked my bank to use a new account for the mortgage payments.",
    # near the forms read from the independent writer's sentences
    "The other side's solicitor called me a liar in their letter.",
    "It won't matter much longer because the sale completes next week.",
    "Your Leeds office has moved, please update my file.",
    "I never signed the client care letter, so I do not accept the fees.",
    "I'm scared the costs will be more than the estimate.",
    "The phone line was dead when I rang about my deposit.",
    "I never signed the will but my father did.",
]
# Near the safeguarding signs: holidays, tablets as prescribed, a bill, a settlement, a childhood.
NOT_SAFEGUARDING = [
    'I want to disappear on holiday once this is over.',
    'Please hang my coat up next time, it was left on the floor.',
    'I take my tablets every morning as prescribed.',
    'The case is not worth it any more, I want to settle.',
    "I'd like to disappear for a week after the hearing.",
    'I had to jump through hoops to get my file.',
    "I've had enough of your excuses.",
    "I'm tired of chasing you for updates.",
    "I won't be around next week, I'm on holiday.",
    'The solicitor hit me with a huge bill at the end.',
    'He pushed me to accept the settlement.',
    "My partner is dealing with the sale while I'm away.",
    'My landlord has been harassing me for the rent, which I have paid.',
    'The firm keeps harassing me for payment of an invoice I dispute.',
    'My ex controls the business accounts and I need them for the divorce.',
    'The police have been called about the boundary dispute before.',
    'I fled the country for work reasons in 2019.',
    "The other side's solicitor attacked my credibility in court.",
    'My neighbour has a dog that barks all night.',
    'He is a risk to my business if he keeps delaying.',
    'The judge said I would regret it if I did not settle.',
    'My father was abusive when I was a child and I want to talk about his will.',
    # near the forms read from the independent writer's sentences
    "My arm went numb from holding the phone for an hour.",
    "I put my affairs in order with your firm when I made my will.",
    "The children came back from the holiday with sunburn.",
    "Nobody has been able to give me an answer for weeks.",
    "I'm sleeping in the spare room while the house is sold.",
    "He said he would finish the report by Friday.",
    "We stood on the bridge at our wedding.",
    "The crash put him in hospital for a week.",
    "She can't wake up early for the hearing.",
]
# The writer's own losses and requests.
NOT_A_BREACH = [
    'I lost my passport, can you tell me what ID you need instead?',
    "I've misplaced my documents from the sale, can you send copies?",
    "Please send the documents to my employer's address, as agreed.",
    'I want to leave a review of your firm online.',
    'I received my file from you today, thank you.',
    'Can you confirm my address is not included in the bundle?',
    'The other side received the letter on time.',
    'Please do not post my details online.',
    # near the forms read from the independent writer's sentences
    "Please post the letter to my estranged husband's solicitor, not to him.",
    "I asked you to send the bundle to my solicitor instead of to me.",
    "The court has the statement I only sent to you.",
    "Another client's case was heard before mine.",
]


@pytest.mark.parametrize(("text", "flag"), [(t, None) for t in NOT_CRITICAL]
                         + [(t, "safeguarding") for t in NOT_SAFEGUARDING]
                         + [(t, "data_breach") for t in NOT_A_BREACH])
def test_near_misses_of_those_wordings_are_not_read_as_them(text: str, flag: str | None) -> None:
    """Below critical; for the flagged families, at least without that flag."""
    found = suggest(text, MONDAY, None)
    assert (found.urgency != "critical") if flag is None else (flag not in found.flags)


@pytest.mark.parametrize("told", [
    "I am being sentenced {d}", "The house is being repossessed {d}", "We complete {d}",
    "We are moving {d}", "I have to leave my flat {d}", "My appeal has to be lodged {d}",
    "The last day to appeal is {d}", "I must file my defence {d}", "My visa runs out {d}",
    "My case is being heard {d}", "Judgment is being handed down {d}", "My FDR is {d}",
    "My immigration appeal is {d}", "Jury selection is {d}",
])
@pytest.mark.parametrize("day", ["tomorrow", "on the 10th", "next Tuesday", "on 10/12"])
def test_events_told_as_verbs_are_dated_events(told: str, day: str) -> None:
    """A grid of event verbs and date forms (2026-12-07): the nouns were read, these were not."""
    text = told.format(d=day) + " and my solicitor has not replied to my emails."
    assert suggest(text, MONDAY, None).urgency == "critical"
