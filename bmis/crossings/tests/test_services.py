"""The counter's writes: crossings recorded once, stays matched across posts, corrections."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from bmis.core.models import AuditEvent
from bmis.crossings import services
from bmis.crossings.models import Crossing, Person, Photo, StayCase, TravelDocument
from bmis.crossings.reading import from_mrz
from bmis.crossings.tests.conftest import passport
from bmis.reference.models import RefusalReason, TravelPurpose

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100


def read(**kwargs):
    return from_mrz(passport(**kwargs), today=timezone.localdate())


def record(officer, shift, decision="admitted", at=None, **kwargs):
    fields = {"mode": "air", "purpose": TravelPurpose.objects.get(code="tourism")}
    details = services.Details(**(fields | kwargs.pop("details", {})))
    return services.crossing_record(
        officer=officer,
        shift=shift,
        submission=kwargs.pop("submission", uuid.uuid4()),
        reading=kwargs.pop("reading", None) or read(),
        details=details,
        decision=decision,
        at=at,
        **kwargs,
    )


@pytest.fixture
def exit_shift(officer_oua, oua, reference):
    from bmis.posts.models import Counter

    counter = Counter.objects.create(post=oua, code="1", name="Guichet 1")
    return services.shift_open(officer=officer_oua, counter=counter, direction="exit")


def test_a_crossing_is_recorded_with_its_traveller_document_and_audit(officer, shift):
    crossing = record(officer, shift)
    assert Person.objects.count() == 1 and TravelDocument.objects.count() == 1
    assert crossing.person.name_key == "ERIKSSON ANNA MARIA"
    assert crossing.document.mrz == passport()
    event = AuditEvent.objects.get(action="crossing.recorded")
    assert event.object_id == str(crossing.pk) and event.details["decision"] == "admitted"


def test_the_same_submission_records_one_crossing(officer, shift):
    submission = uuid.uuid4()
    first = record(officer, shift, submission=submission)
    second = record(officer, shift, submission=submission)
    assert first.pk == second.pk
    assert Crossing.objects.count() == 1
    assert AuditEvent.objects.filter(action="crossing.recorded").count() == 1


def test_another_officer_cannot_reuse_a_submission(officer, shift, supervisor, exit_counter):
    submission = uuid.uuid4()
    record(officer, shift, submission=submission)
    other = services.shift_open(officer=supervisor, counter=exit_counter, direction="entry")
    with pytest.raises(ValidationError):
        record(supervisor, other, submission=submission)


def test_the_document_seen_again_is_the_same_traveller(officer, shift):
    first = record(officer, shift)
    second = record(officer, shift)
    assert first.person_id == second.person_id and first.document_id == second.document_id


def test_a_new_passport_is_proposed_and_linked_only_on_confirmation(officer, shift):
    first = record(officer, shift)
    new = read(number="NEW123456")
    from bmis.crossings.inspection import inspect

    inspection = inspect(new, direction="entry", today=timezone.localdate())
    assert inspection.person is None and inspection.candidates == [first.person]
    unlinked = record(officer, shift, reading=new)
    assert unlinked.person_id != first.person_id
    linked = record(officer, shift, reading=read(number="NEW999999"), link_person=first.person)
    assert linked.person_id == first.person_id


def test_a_traveller_cannot_be_linked_to_someone_else(officer, shift):
    first = record(officer, shift)
    stranger = read(surname="OTHER", number="ZZ1234567")
    with pytest.raises(ValidationError) as caught:
        record(officer, shift, reading=stranger, link_person=first.person)
    assert "link_person" in caught.value.message_dict
    assert Crossing.objects.count() == 1


def test_an_exit_at_another_post_closes_the_stay(officer, shift, officer_oua, exit_shift):
    now = timezone.localtime()  # days in Haiti's calendar, whatever a change of clocks
    entry = record(officer, shift, at=now - timedelta(days=9))
    exit_ = record(officer_oua, exit_shift, at=now, details={"mode": "land"})
    assert exit_.stay_days == 10 and exit_.overstay_days == 0
    person = Person.objects.get(pk=entry.person_id)
    assert not person.present and person.last_crossing_id == exit_.pk


def test_an_overstay_is_flagged_at_exit(officer, shift, officer_oua, exit_shift):
    now = timezone.localtime()  # days in Haiti's calendar, whatever a change of clocks
    entry = record(officer, shift, at=now - timedelta(days=100))
    person = Person.objects.get(pk=entry.person_id)
    assert person.present and person.permitted_until < timezone.localdate()
    assert Person.objects.overstaying(timezone.localdate()).get() == person
    exit_ = record(officer_oua, exit_shift, at=now, details={"mode": "land"})
    assert exit_.overstay_days == 11  # 101 days in the country, 90 permitted
    assert any(check["code"] == "overstay" for check in exit_.checks)


def test_an_exit_without_entry_is_a_case_not_a_refusal(officer_oua, exit_shift):
    exit_ = record(officer_oua, exit_shift, details={"mode": "land"})
    assert exit_.decision == "admitted"
    case = StayCase.objects.get()
    assert case.code == "exit_without_entry" and case.crossing == exit_
    assert case.post_id == exit_.post_id


def test_a_second_entry_without_exit_is_a_case(officer, shift):
    now = timezone.now()
    record(officer, shift, at=now - timedelta(days=3))
    second = record(officer, shift, at=now)
    case = StayCase.objects.get()
    assert case.code == "entry_without_exit" and case.crossing == second
    assert Person.objects.get().present_since == now


def test_a_refused_entry_does_not_put_the_traveller_in_the_country(officer, shift):
    reason = RefusalReason.objects.get(code="C")
    crossing = record(officer, shift, decision="refused", refusal_reason=reason)
    assert crossing.permitted_until is None and crossing.stay_rule == ""
    assert not Person.objects.get().present


def test_a_refusal_needs_a_reason(officer, shift):
    with pytest.raises(ValidationError) as caught:
        record(officer, shift, decision="refused")
    assert "refusal_reason" in caught.value.message_dict
    assert Person.objects.count() == 0 and Crossing.objects.count() == 0


def test_a_failing_document_needs_a_supervisors_override(officer, shift, supervisor, exit_counter):
    zone = passport().split("\n")
    bad = from_mrz(zone[0] + "\n" + zone[1][:9] + "0" + zone[1][10:], today=timezone.localdate())
    assert not bad.valid
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        record(officer, shift, reading=bad)
    assert "Only a supervisor" in str(caught.value)
    with pytest.raises(ValidationError):
        record(officer, shift, reading=bad, override=True)
    other = services.shift_open(officer=supervisor, counter=exit_counter, direction="entry")
    crossing = record(supervisor, other, reading=bad, override=True)
    assert crossing.override_by == supervisor and crossing.document_problems


def test_nothing_is_written_when_the_photo_is_not_a_jpeg(officer, shift):
    with pytest.raises(ValidationError):
        services.decode_photo("data:image/png;base64,iVBORw0KGgo=")
    with pytest.raises(ValidationError):
        services.decode_photo("data:image/jpeg;base64,not base64!")
    crossing = record(officer, shift, photo=JPEG)
    assert Photo.objects.get(crossing=crossing).data == JPEG


def test_nothing_is_written_half_way_when_the_audit_fails(officer, shift, monkeypatch):
    from bmis.core import audit

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        record(officer, shift)
    assert Crossing.objects.count() == 0 and Person.objects.count() == 0
    assert TravelDocument.objects.count() == 0


def test_crossings_cannot_be_edited_or_deleted(officer, shift):
    crossing = record(officer, shift)
    with pytest.raises(TypeError):
        crossing.save()
    with pytest.raises(TypeError):
        crossing.delete()
    with pytest.raises(TypeError):
        Crossing.objects.filter(pk=crossing.pk).update(note="x")
    with pytest.raises(TypeError):
        Crossing.objects.all().delete()


def test_a_correction_is_a_new_linked_record(officer, shift, supervisor):
    original = record(officer, shift)
    correction = services.crossing_correct(
        actor=supervisor,
        original=original,
        submission=uuid.uuid4(),
        reason="Mauvais vol",
        details=services.Details(mode="air", flight="AA123", purpose=original.purpose),
    )
    assert correction.corrects == original and correction.flight == "AA123"
    original.refresh_from_db()
    assert original.flight == "" and original.corrected_by == correction
    assert Crossing.objects.in_force().get() == correction
    event = AuditEvent.objects.get(action="crossing.corrected")
    assert event.details["original"] == str(original.pk)
    assert event.details["changed"]["flight"] == ["", "AA123"]
    with pytest.raises(ValidationError):
        services.crossing_correct(
            actor=supervisor, original=original, submission=uuid.uuid4(), reason="Encore"
        )


def test_withdrawing_an_entry_takes_the_traveller_out_of_the_country(officer, shift, supervisor):
    original = record(officer, shift)
    assert Person.objects.get().present
    services.crossing_correct(
        actor=supervisor, original=original, submission=uuid.uuid4(), reason="Doublon", void=True
    )
    assert not Person.objects.get().present


def test_an_officer_cannot_correct(officer, shift):
    original = record(officer, shift)
    with pytest.raises(ValidationError):
        services.crossing_correct(
            actor=officer, original=original, submission=uuid.uuid4(), reason="x"
        )


def test_a_correction_needs_a_reason(officer, shift, supervisor):
    original = record(officer, shift)
    with pytest.raises(ValidationError) as caught:
        services.crossing_correct(
            actor=supervisor, original=original, submission=uuid.uuid4(), reason="  "
        )
    assert "reason" in caught.value.message_dict
    assert Crossing.objects.count() == 1


def test_a_referral_is_completed_once(officer, shift, supervisor):
    referral = record(officer, shift, decision="referred")
    assert not Person.objects.get().present
    completion = services.referral_complete(
        actor=supervisor, referral=referral, submission=uuid.uuid4(), decision="admitted"
    )
    assert completion.resolves == referral and completion.stay_rule == "VISITOR"
    assert Person.objects.get().present
    with pytest.raises(ValidationError):
        services.referral_complete(
            actor=supervisor, referral=referral, submission=uuid.uuid4(), decision="refused"
        )
    assert Crossing.objects.awaiting_secondary().count() == 0


def test_a_supervisor_of_another_post_cannot_complete_a_referral(officer, shift, oua):
    from conftest import make_user

    referral = record(officer, shift, decision="referred")
    other = make_user("sup_oua", "supervisor", oua)
    with pytest.raises(ValidationError):
        services.referral_complete(
            actor=other, referral=referral, submission=uuid.uuid4(), decision="admitted"
        )


def test_a_closed_shift_records_nothing(officer, shift):
    services.shift_close(officer=officer, shift=shift)
    with pytest.raises(ValidationError):
        record(officer, shift)


def test_a_minor_is_linked_to_the_adult(officer, shift):
    adult = record(officer, shift)
    child = read(given="LISA", number="C12345678", birth=date.today() - timedelta(days=3000))
    crossing = record(officer, shift, reading=child, accompanied_by=adult)
    assert crossing.accompanied_by == adult and list(adult.minors.all()) == [crossing]
    assert any(check["code"] == "minor" for check in crossing.checks)


def test_a_haitian_citizen_may_stay_without_limit(officer, shift):
    haitian = read(surname="JOSEPH", given="MARIE", number="HT1234567", state="HTI")
    crossing = record(officer, shift, reading=haitian)
    assert crossing.stay_rule == "CITIZEN" and crossing.permitted_until is None
