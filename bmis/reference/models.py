"""Reference data every node holds: states and ICAO codes, refusal reasons, purposes of travel.

Headquarters owns it and it reaches the posts by synchronisation; it is keyed by its standard
codes, so the same row has the same key everywhere. Names are stored in the four interface
languages, because they are data an administrator may correct, not interface text.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Named(models.Model):
    """A row named in the four interface languages; `label` is the name in the current one."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ht = models.CharField(_("name (Haitian Creole)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pk} — {self.label}"

    @property
    def label(self) -> str:
        lang = (get_language() or "fr")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_fr or self.name_en


class CountryKind(models.TextChoices):
    STATE = "state", _("State (ISO 3166-1)")
    ICAO = "icao", _("ICAO code for a state or nationality")
    ORGANISATION = "organisation", _("Organisation issuing travel documents")
    SPECIAL = "special", _("Stateless, refugee or unspecified")
    SPECIMEN = "specimen", _("Specimen (fictitious)")


class Country(Named):
    """A three-letter code that may stand for an issuing state or a nationality in an MRZ.

    The code is written as in ICAO Doc 9303 Part 3 §5 without its fillers: `D` for Germany.
    """

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CountryKind.choices)
    iso_alpha2 = models.CharField(_("ISO alpha-2"), max_length=2, blank=True)
    iso_alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("state or nationality code")
        verbose_name_plural = _("state and nationality codes")
        ordering = ["code"]


class RefusalReason(Named):
    """A standard reason for refusing entry (the Schengen Borders Code's form, letters A to I)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("refusal reason")
        verbose_name_plural = _("refusal reasons")
        ordering = ["order", "code"]


class TravelPurpose(Named):
    code = models.CharField(_("code"), max_length=16, primary_key=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("purpose of travel")
        verbose_name_plural = _("purposes of travel")
        ordering = ["order", "code"]
