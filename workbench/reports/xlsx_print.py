"""The rules that make the workbook's sheets safe to open and fit to print (applied by
``xlsx_write``).

- **No formula injection.** A text cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a
  tab or carriage return) is stored as text with Excel's *quote prefix* (the hidden
  apostrophe), so neither Excel nor LibreOffice will ever run it as a formula, even after the
  cell is edited: a case reference or a rationale comes from outside and may be hostile.
- **Print as people print.** A sheet wider than an A4 page is set to landscape and scaled to
  fit the page's width (as many pages down as it takes).
- **Percentages are fractions** (0.73) with a % format, so Excel computes with them and shows
  73%.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PORTRAIT_WIDTH = 95  # characters of column width that fit across a portrait A4 page
PERCENT_MEASURE = "Percent "  # the Summary sheet's measures that are percentages


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)
