"""The system's own evaluation report: how well the border system and its data collection work.

`evaluate(start, end, post_code=None)` computes every indicator from what the records hold, for
the country with a row per post, or for one post. An indicator this version cannot compute,
because nothing records what it needs, comes back with its `missing` reason instead of a figure.

Modules: indicators (the types and `evaluate`), tally (what one pass over the period's crossings
counts), sources (alert-list versions, synchronisation and silences), present (figures as text),
pdf (the report as an A4 PDF), forms and views (the page).
"""

from bmis.stats.evaluation import views  # so that urls.py can name `evaluation.views.evaluation`
from bmis.stats.evaluation.indicators import Evaluation, Indicator, Measure, evaluate

__all__ = ["Evaluation", "Indicator", "Measure", "evaluate", "views"]
