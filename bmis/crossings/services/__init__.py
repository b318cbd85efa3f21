"""Writes of the crossings app: one function per write, each validating, auditing, atomic.

shifts (shift_open, shift_close), crossings (crossing_record, Details, decode_photo), supervision
(referral_complete, crossing_correct, case_review) and rules (stay_rule_save).
"""

from bmis.crossings.services.crossings import DETAIL_FIELDS, Details, crossing_record, decode_photo
from bmis.crossings.services.rules import stay_rule_save
from bmis.crossings.services.shifts import shift_close, shift_open
from bmis.crossings.services.supervision import case_review, crossing_correct, referral_complete

__all__ = [
    "DETAIL_FIELDS",
    "Details",
    "case_review",
    "crossing_correct",
    "crossing_record",
    "decode_photo",
    "referral_complete",
    "shift_close",
    "shift_open",
    "stay_rule_save",
]
