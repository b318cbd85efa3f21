"""Writes on reference data: the loader, and an administrator's corrections.

`reference_load` brings the shipped data into the database: every ISO 3166-1 state (pycountry),
ICAO's own codes, the refusal reasons and the purposes of travel (`bmis.reference.data`), and
Haiti's border posts (`bmis.posts`). It runs in one transaction and is idempotent: a row is
written only when it differs from the shipped one, and the `reference.loaded` event, with the
counts, is recorded only when something was written. A name an administrator corrected is set
back to the shipped one; a row they deactivated stays deactivated; rows they added are left alone.
"""

import gettext
import re
from typing import Literal

import pycountry
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.posts.services import haiti_posts, post_upsert
from bmis.reference.data import HT_NAMES, ICAO_CODES, REFUSAL_REASONS, TRAVEL_PURPOSES, Coded
from bmis.reference.models import Country, CountryKind, RefusalReason, TravelPurpose

Outcome = Literal["created", "updated", "unchanged"]

# What a code looks like, per table; the admin and the loader both hold rows to it.
CODE_PATTERNS: dict[type[models.Model], re.Pattern] = {
    Country: re.compile(r"^[A-Z]{1,3}$"),
    RefusalReason: re.compile(r"^[A-Z0-9]{1,4}$"),
    TravelPurpose: re.compile(r"^[a-z][a-z_]{0,15}$"),
}


class _Missing(gettext.NullTranslations):
    """A catalogue's last fallback: an empty string says the name is not translated."""

    def gettext(self, message: str) -> str:
        return ""


def _catalogue(language: str) -> gettext.NullTranslations:
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    catalogue.add_fallback(_Missing())
    return catalogue


def country_rows() -> list[dict[str, str]]:
    """Return every ISO 3166-1 state and every ICAO code, named in the four languages.

    pycountry's catalogues name the states; where one lacks a name, French stands in, then
    English. Haitian Creole names of our own (`HT_NAMES`) come first.
    """
    fr, ht, es = _catalogue("fr"), _catalogue("ht"), _catalogue("es")
    rows = []
    for country in pycountry.countries:
        # The short name people use ("Bolivia"), where ISO's sorts ("Bolivia, Plurinational
        # State of"); pycountry's catalogues translate both.
        english = getattr(country, "common_name", None) or country.name
        name_fr = fr.gettext(english) or english
        rows.append(
            {
                "code": country.alpha_3,
                "kind": CountryKind.STATE,
                "iso_alpha2": country.alpha_2,
                "iso_alpha3": country.alpha_3,
                "name_fr": name_fr,
                "name_ht": HT_NAMES.get(country.alpha_3) or ht.gettext(english) or name_fr,
                "name_en": english,
                "name_es": es.gettext(english) or name_fr,
            }
        )
    for icao in ICAO_CODES:
        rows.append(
            {
                "code": icao.code,
                "kind": icao.kind,
                "iso_alpha2": icao.iso_alpha2,
                "iso_alpha3": icao.iso_alpha3,
                **_names(icao.names),
            }
        )
    return rows


def _names(names) -> dict[str, str]:
    return {f"name_{language}": name for language, name in names._asdict().items()}


def _ordered_rows(items: tuple[Coded, ...]) -> list[dict]:
    # Steps of ten leave room for an administrator to slot a row in between.
    return [
        {"code": item.code, "order": (index + 1) * 10, **_names(item.names)}
        for index, item in enumerate(items)
    ]


def _sync(model: type[models.Model], rows: list[dict]) -> dict[str, int]:
    """Write the rows that are missing or differ; return how many were created, updated, kept."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    stored = model.objects.in_bulk([row["code"] for row in rows])
    for row in rows:
        values = {field: value for field, value in row.items() if field != "code"}
        obj = stored.get(row["code"])
        if obj is None:
            obj = model(code=row["code"], **values)
            obj.full_clean()
            obj.save(force_insert=True)
            counts["created"] += 1
            continue
        changed = [field for field, value in values.items() if getattr(obj, field) != value]
        if not changed:
            counts["unchanged"] += 1
            continue
        for field in changed:
            setattr(obj, field, values[field])
        obj.full_clean(validate_unique=False)
        obj.save(update_fields=changed)
        counts["updated"] += 1
    return counts


def _load_posts(actor) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for post in haiti_posts():
        _post, outcome = post_upsert(actor=actor, **post)
        counts[outcome] += 1
    return counts


def reference_load(*, actor=None) -> dict[str, dict[str, int]]:
    """Load the shipped reference data and Haiti's posts; return the counts per table.

    Each count says how many rows were created, updated and left unchanged.
    """
    with transaction.atomic():
        counts = {
            "countries": _sync(Country, country_rows()),
            "refusal_reasons": _sync(RefusalReason, _ordered_rows(REFUSAL_REASONS)),
            "purposes": _sync(TravelPurpose, _ordered_rows(TRAVEL_PURPOSES)),
            "posts": _load_posts(actor),
        }
        if any(table["created"] or table["updated"] for table in counts.values()):
            audit.record(actor=actor, action="reference.loaded", details=counts)
    return counts


# --- An administrator's corrections (the Django admin) ---------------------------------------


def reference_check_code(model: type[models.Model], code: str) -> None:
    """Refuse a code that does not look like the codes of its table."""
    if model not in CODE_PATTERNS:
        raise TypeError(f"{model.__name__} is not reference data")
    if CODE_PATTERNS[model].match(code):
        return
    if model is Country:
        message = _("A state or nationality code is 1 to 3 capital letters, such as HTI or D.")
    elif model is RefusalReason:
        message = _("A refusal reason code is 1 to 4 capital letters or digits, such as A.")
    else:
        message = _(
            "A purpose code is 1 to 16 small letters or underscores, starting with a letter, "
            "such as family."
        )
    raise ValidationError({"code": message})


def _fields(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if not field.primary_key]


def reference_item_save(
    *, actor, item: models.Model, adding: bool, request: HttpRequest | None = None
) -> Outcome:
    """Save an administrator's new or corrected reference row; audit what changed."""
    model = type(item)
    reference_check_code(model, item.pk)
    with transaction.atomic():
        stored = model.objects.select_for_update().filter(pk=item.pk).first()
        if adding and stored is not None:
            raise ValidationError({"code": _("This code exists already.")})
        if not adding and stored is None:
            raise ValidationError(_("This row no longer exists: it cannot be changed."))
        item.full_clean(validate_unique=False)
        if adding:
            item.save(force_insert=True)
            changes = {
                field: {"from": None, "to": getattr(item, field)} for field in _fields(model)
            }
        else:
            changes = {
                field: {"from": getattr(stored, field), "to": getattr(item, field)}
                for field in _fields(model)
                if getattr(stored, field) != getattr(item, field)
            }
            if not changes:
                return "unchanged"
            item.save(update_fields=list(changes))
        audit.record(
            actor=actor,
            action="reference.changed",
            obj=item,
            request=request,
            details={"table": model._meta.model_name, "code": item.pk, "changes": changes},
        )
    return "created" if adding else "updated"


def reference_item_set_active(
    *, actor, item: models.Model, active: bool, request: HttpRequest | None = None
) -> Outcome:
    """Deactivate a reference row, or reactivate it (rows are never deleted: records use them)."""
    item.is_active = active
    return reference_item_save(actor=actor, item=item, adding=False, request=request)
