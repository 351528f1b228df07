"""The optional publication block on the findings report's cover: ISBN, copyright or Open
Government Licence notice, and publication date.

Given when a report is published (``workbench report pdf|html --isbn ... --published ...
--copyright ogl``); a draft for the force carries none. The ISBN's check digit is verified,
since a mistyped ISBN printed on a published report cannot be recalled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from workbench.dates import long_date
from workbench.errors import WorkbenchError

OGL = (
    "© Crown copyright {year}. This publication is licensed under the terms of the Open "
    "Government Licence v3.0 except where otherwise stated. To view this licence, visit "
    "nationalarchives.gov.uk/doc/open-government-licence/version/3."
)


@dataclass(frozen=True)
class Publication:
    isbn: str = ""
    notice: str = ""  # "ogl" for the Open Government Licence notice, or the text to print
    published: date | None = None

    def facts(self) -> list[tuple[str, str]]:
        """The cover rows, in the order a library catalogue reads them."""
        rows = []
        if self.published is not None:
            rows.append(("Published", long_date(self.published)))
        if self.isbn:
            rows.append(("ISBN", self.isbn))
        if self.notice:
            rows.append(("Copyright", self.notice_text()))
        return rows

    def notice_text(self) -> str:
        if self.notice.strip().lower() == "ogl":
            year = (self.published or date.today()).year
            return OGL.format(year=year)
        return self.notice


def checked_isbn(text: str) -> str:
    """An ISBN-13 (or ISBN-10) as written, once its check digit is right; else refused."""
    digits = re.sub(r"[\s-]", "", text).upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
        valid = total % 10 == 0
    elif re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        valid = total % 11 == 0
    else:
        raise WorkbenchError(
            f"'{text}' is not an ISBN: write the 13 digits (hyphens allowed), such as "
            "978-1-4741-1234-5."
        )
    if not valid:
        raise WorkbenchError(
            f"The ISBN '{text}' has a wrong check digit (its last digit); check it against "
            "the number the ISBN agency issued."
        )
    return text.strip()


def publication_from(
    isbn: str | None, published: date | None, notice: str | None
) -> Publication | None:
    """The block the report options give (the ISBN checked), or None for a draft."""
    if not (isbn or published or notice):
        return None
    return Publication(checked_isbn(isbn) if isbn else "", notice or "", published)
