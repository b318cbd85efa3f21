"""The monthly statistical report on border crossings: `monthly_pdf(MonthlyFigures(...), lang=...)`.

- `figures`: what the report shows (`MonthlyFigures`, the indicators and their labels);
- `layout`: the page, the styles, the footer and the tables;
- `monthly`: the report itself.
"""

from bmis.stats.report.figures import INDICATORS, MonthlyFigures
from bmis.stats.report.monthly import monthly_pdf

__all__ = ["INDICATORS", "MonthlyFigures", "monthly_pdf"]
