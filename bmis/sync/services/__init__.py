"""Headquarters' side of synchronisation, one function per write, each validating, auditing,
atomic: enrolment and credentials (nodes), and receiving a post's push (push)."""

from bmis.sync.services.nodes import (
    CODE_ALPHABET,
    Refused,
    authenticate,
    node_code_issue,
    node_enrol,
    node_revoke,
    pull_served,
    refused,
)
from bmis.sync.services.push import PUSHED, chain_advance, push_receive, refresh_persons

__all__ = [
    "CODE_ALPHABET",
    "PUSHED",
    "Refused",
    "authenticate",
    "chain_advance",
    "node_code_issue",
    "node_enrol",
    "node_revoke",
    "pull_served",
    "push_receive",
    "refresh_persons",
    "refused",
]
