"""The evaluation's figures as text in the active language, for the page and the PDF alike."""

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bmis.stats.evaluation.catalogue import Indicator

NOT_AVAILABLE = "—"


def figure(value, kind: str) -> str:
    """Return `value`, a figure of the given kind, as the report shows it."""
    if value is None:
        return NOT_AVAILABLE
    if kind == "share":
        return _("%(value)s %%") % {"value": _number(round(100 * value, 1), 1)}
    if kind == "hours":
        return pgettext("duration", "%(value)s h") % {"value": _number(round(value, 1), 1)}
    if kind == "milliseconds":
        return pgettext("duration", "%(value)s ms") % {"value": _number(round(value, 1), 1)}
    if kind == "seconds":
        return pgettext("duration", "%(value)s s") % {"value": _number(round(value, 1), 1)}
    if kind == "minutes":
        return pgettext("duration", "%(value)s min") % {"value": _number(round(value, 1), 1)}
    if kind == "rate":
        return _number(round(value, 2), 2)
    return _number(value, 0)


def _number(value, places: int) -> str:
    return formats.number_format(value, decimal_pos=places, force_grouping=True)


@dataclass
class Shown:
    """An indicator as shown: its scope's figures as (label, text) and a row of text per post."""

    indicator: Indicator
    summary: list[tuple[str, str]]
    headings: list[str]
    rows: list[tuple[str, str, list[str]]]  # post code, post name, one text per measure


def shown(indicator: Indicator) -> Shown:
    """Return `indicator` with its figures written out."""
    measures = indicator.measures
    return Shown(
        indicator=indicator,
        summary=[(m.label, figure(indicator.values.get(m.key), m.kind)) for m in measures],
        headings=[m.label for m in measures],
        rows=[
            (row["post"], row["name"], [figure(row.get(m.key), m.kind) for m in measures])
            for row in indicator.by_post
        ],
    )
