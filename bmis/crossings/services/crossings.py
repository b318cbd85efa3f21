"""The counter's write: a traveller's crossing, with its document, photo and audit event.

Every function validates everything before writing anything, writes inside one transaction with
its audit event, and leaves the traveller's derived state (stays.refresh) consistent with the
crossings. A failure writes nothing.

A crossing is keyed for idempotency by the `submission` id the browser mints when it shows the
decision form: the same submission sent twice (a double click, a retry after a timeout, a reload)
returns the crossing the first one recorded.
"""

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.accounts.roles import INSPECTION_SUPERVISORS
from bmis.core import audit
from bmis.crossings import identity, stays
from bmis.crossings.inspection import Inspection, inspect, name_key
from bmis.crossings.models import (
    Crossing,
    Decision,
    Direction,
    Mode,
    Person,
    Photo,
    Shift,
    TravelDocument,
)
from bmis.crossings.reading import Reading
from bmis.reference.models import Country, RefusalReason, TravelPurpose
from domain import stay as domain

PHOTO_MAX_BYTES = 400_000
MAX_INTENDED_STAY = 3650
DETAIL_FIELDS = (
    "mode",
    "carrier",
    "flight",
    "vehicle",
    "place_country",
    "place",
    "purpose",
    "intended_stay_days",
    "address",
    "residence",
)


@dataclass
class Details:
    """The travel details the officer completes."""

    mode: str = ""
    carrier: str = ""
    flight: str = ""
    vehicle: str = ""
    place_country: str = ""
    place: str = ""
    purpose: TravelPurpose | None = None
    intended_stay_days: int | None = None
    address: str = ""
    residence: str = ""


def decode_photo(data_url: str) -> bytes | None:
    """Return the JPEG bytes of a `data:image/jpeg;base64,…` URL; raise ValidationError."""
    if not data_url:
        return None
    prefix = "data:image/jpeg;base64,"
    if not data_url.startswith(prefix) or len(data_url) > PHOTO_MAX_BYTES * 4 // 3 + 100:
        raise ValidationError({"photo": _("The photo is not a JPEG image of at most 400 kB.")})
    try:
        data = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data.startswith(b"\xff\xd8\xff") or len(data) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is not a JPEG image of at most 400 kB.")})
    return data


def _check_details(details: Details, direction: str, decision: str, nationality: str) -> dict:
    errors: dict[str, str] = {}
    if details.mode not in Mode.values:
        errors["mode"] = _("Choose how the traveller travels: air, sea or land.")
    for name in ("place_country", "residence"):
        code = getattr(details, name)
        if code and not Country.objects.filter(code=code, is_active=True).exists():
            errors[name] = _("Choose a state from the list.")
    if details.purpose is not None and not details.purpose.is_active:
        errors["purpose"] = _("This purpose of travel is no longer in use: choose another.")
    if (
        direction == Direction.ENTRY
        and decision == Decision.ADMITTED
        and details.purpose is None
        and nationality != "HTI"
    ):
        errors["purpose"] = _("Give the purpose of the visit.")
    days = details.intended_stay_days
    if days is not None and not 1 <= days <= MAX_INTENDED_STAY:
        errors["intended_stay_days"] = _("An intended stay is 1 to 3650 days.")
    return errors


def _check_decision(
    *,
    actor,
    blocking: bool,
    decision: str,
    refusal_reason: RefusalReason | None,
    override: bool,
) -> dict:
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choose a decision: admit, refuse or refer.")
        return errors
    if decision == Decision.REFUSED:
        if refusal_reason is None:
            errors["refusal_reason"] = _("Choose the reason for the refusal.")
        elif not refusal_reason.is_active:
            errors["refusal_reason"] = _("This reason is no longer in use: choose another.")
    if override and actor.role not in INSPECTION_SUPERVISORS:
        errors["override"] = _("Only a supervisor can override failed checks.")
    elif decision == Decision.ADMITTED and blocking and not override:
        if actor.role in INSPECTION_SUPERVISORS:
            errors["override"] = _(
                "The checks failed: confirm that you override them to admit the traveller."
            )
        else:
            errors["decision"] = _(
                "The checks failed: refer the traveller to secondary inspection or refuse. "
                "Only a supervisor can admit them."
            )
    return errors


def _existing(submission: uuid.UUID, actor) -> Crossing | None:
    crossing = Crossing.objects.filter(submission=submission).first()
    if crossing is not None and crossing.officer_id != actor.pk:
        raise ValidationError(_("This form was already used by another officer. Scan again."))
    return crossing


def _person_and_document(reading: Reading, inspection: Inspection, link: Person | None):
    """Return the traveller and document to record, creating what is new."""
    if inspection.document is not None:
        person = Person.objects.select_for_update().get(pk=inspection.person.pk)
        return person, inspection.document
    person = link
    if person is None:
        person = Person.objects.create(
            surname=reading.surname,
            given_names=reading.given_names,
            name_key=name_key(reading.surname, reading.given_names),
            birth_date=reading.birth_date,
            birth_date_raw=reading.birth_date_raw,
            sex=reading.sex,
            nationality=reading.nationality,
        )
    document = TravelDocument.objects.create(
        person=person,
        kind=reading.kind,
        document_code=reading.document_code,
        issuing_state=reading.issuing_state,
        number=reading.number,
        expiry_date=reading.expiry_date,
        expiry_date_raw=reading.expiry_date_raw,
        mrz=reading.mrz,
    )
    return person, document


def _stay_for_exit(crossing: Crossing, found: domain.Matching) -> None:
    stay = stays.stay_of_exit(found, str(crossing.id))
    if stay is not None:
        crossing.stay_days = stay.days
        crossing.overstay_days = stay.overstay_days


def _write(crossing: Crossing, person: Person, photo: bytes | None) -> None:
    """Save `crossing` with its stay figures and photo, and refresh the traveller."""
    history = list(identity.crossings_of(person))
    found = stays.matching([*history, crossing])
    if crossing.direction == Direction.EXIT and crossing.decision == Decision.ADMITTED:
        _stay_for_exit(crossing, found)
    crossing.save(force_insert=True)
    if photo:
        Photo.objects.create(
            crossing=crossing, data=photo, sha256=hashlib.sha256(photo).hexdigest()
        )
    stays.refresh(person, [*history, crossing], found)


def _rule(crossing: Crossing, reading_kind: str, nationality: str, day: date) -> None:
    if crossing.direction != Direction.ENTRY or crossing.decision != Decision.ADMITTED:
        crossing.stay_rule, crossing.permitted_until = "", None
        return
    choice = stays.choose_rule(
        nationality=nationality,
        document_kind=reading_kind,
        residence=crossing.residence or nationality,
        entry_day=day,
    )
    crossing.stay_rule = choice.code if choice else ""
    crossing.permitted_until = choice.permitted_until if choice else None


def crossing_record(
    *,
    officer,
    shift: Shift,
    submission: uuid.UUID,
    reading: Reading,
    details: Details,
    decision: str,
    link_person: Person | None = None,
    refusal_reason: RefusalReason | None = None,
    note: str = "",
    override: bool = False,
    accompanied_by: Crossing | None = None,
    photo: bytes | None = None,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Crossing:
    """Record a traveller's crossing at `shift`'s counter with the officer's decision."""
    existing = _existing(submission, officer)
    if existing is not None:
        return existing
    if shift.officer_id != officer.pk or shift.closed_at is not None:
        raise ValidationError(_("Your shift at this counter is closed: open the counter again."))
    at = at or timezone.now()
    today = timezone.localdate(at)
    inspection = inspect(
        reading,
        direction=shift.direction,
        today=today,
        residence=details.residence,
        person=link_person,
    )
    errors = _check_details(details, shift.direction, decision, reading.nationality)
    errors |= _check_decision(
        actor=officer,
        blocking=inspection.blocking,
        decision=decision,
        refusal_reason=refusal_reason,
        override=override,
    )
    if link_person is not None and inspection.person != link_person:
        errors["link_person"] = _("This traveller cannot be linked to this document.")
    if accompanied_by is not None and (
        accompanied_by.post_id != shift.post_id or timezone.localdate(accompanied_by.at) != today
    ):
        errors["accompanied_by"] = _("Choose an adult recorded at this post today.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            person, document = _person_and_document(reading, inspection, link_person)
            crossing = Crossing(
                submission=submission,
                person=person,
                document=document,
                post_id=shift.post_id,
                counter_id=shift.counter_id,
                shift=shift,
                officer=officer,
                at=at,
                direction=shift.direction,
                decision=decision,
                refusal_reason=refusal_reason if decision == Decision.REFUSED else None,
                note=note.strip(),
                accompanied_by=accompanied_by,
                document_problems=[list(problem) for problem in reading.problems],
                checks=[result.as_json() for result in inspection.results],
                override_by=officer if override else None,
                **{name: getattr(details, name) for name in DETAIL_FIELDS},
            )
            _rule(crossing, reading.kind, reading.nationality, today)
            _write(crossing, person, photo)
            audit.record(
                actor=officer,
                action="crossing.recorded",
                obj=crossing,
                request=request,
                details={
                    "direction": crossing.direction,
                    "decision": decision,
                    "person": str(person.pk),
                    "document": f"{document.issuing_state} {document.number}",
                    "counter": shift.counter.code,
                    "override": override,
                    "linked_to_known_person": link_person is not None,
                },
            )
    except IntegrityError:
        # Two requests with one submission raced; the first one won.
        existing = _existing(submission, officer)
        if existing is None:
            raise
        return existing
    return crossing
