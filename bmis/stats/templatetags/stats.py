"""Template filters of the statistics' pages."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def cell(row: dict, key: str):
    """A row's value in column `key`, numbers grouped as the active language writes them."""
    value = row.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return "—" if value is None else value
