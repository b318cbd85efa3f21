"""The stay rules a new installation starts with, which an administrator then adjusts.

Descriptions are data, in French like the names of the posts: the administrator rewrites them.
"""

from bmis.crossings.models import StayRule

# (code, description, nationality, document kind, residence, allowance, days)
STAY_RULES = [
    ("VISITOR", "Visiteurs exemptés de visa", "", "", "", "days", 90),
    ("CITIZEN", "Citoyens haïtiens", "HTI", "", "", "unlimited", None),
    ("RESIDENT", "Résidents en Haïti", "", "", "HTI", "unlimited", None),
    (
        "BORDER_CARD",
        "Résidents dominicains de la zone frontalière, avec carte frontalière",
        "DOM",
        "border_card",
        "",
        "same_day",
        None,
    ),
]


def stay_rules_load(*, actor) -> int:
    """Create the default rules that do not exist yet; leave existing ones as they are."""
    from bmis.crossings.services import stay_rule_save

    created = 0
    for code, description, nationality, kind, residence, allowance, days in STAY_RULES:
        if StayRule.objects.filter(code=code).exists():
            continue
        stay_rule_save(
            actor=actor,
            code=code,
            description=description,
            nationality=nationality,
            document_kind=kind,
            residence=residence,
            allowance=allowance,
            days=days,
        )
        created += 1
    return created
