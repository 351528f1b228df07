"""The report typeface: DejaVu Sans, shipped in ``resources/fonts`` and embedded in every PDF.

reportlab's 14 standard PDF fonts are never used: they are not embedded, so a printer or
an archive may substitute them. The TTF files are read through ``importlib.resources`` so
that they are found the same way in a source checkout, an installed wheel and a frozen build.
"""

from __future__ import annotations

import functools
import io
from importlib import resources
from typing import TYPE_CHECKING

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

REGULAR = "WorkbenchSans"
BOLD = "WorkbenchSans-Bold"
ITALIC = "WorkbenchSans-Italic"
BOLD_ITALIC = "WorkbenchSans-BoldItalic"
FAMILY = REGULAR

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
LICENCE_FILE = "LICENSE-DejaVu.txt"


def font_folder() -> Traversable:
    return resources.files("resources") / "fonts"


@functools.cache
def register_fonts() -> str:
    """Register the family with reportlab once per process; returns the regular face's name.

    ``<b>`` and ``<i>`` in paragraphs then pick the bold and italic files of the same family.
    """
    folder = font_folder()
    for name, file in _FILES.items():
        try:
            data = (folder / file).read_bytes()
        except OSError as exc:
            raise WorkbenchError(
                f"The report font {file} is missing from the installation ({exc.strerror}); "
                "reinstall the Inspector's Workbench."
            ) from exc
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
    return REGULAR
