"""What this installation is: its version, the store it uses, and the licences it ships under.

``workbench --version`` and Help ▸ About read these; the version comes from the installed
package's metadata (kept in the frozen build by ``copy_metadata`` in build.spec), so there is
one place to change it: ``pyproject.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.engine import Store

DISTRIBUTION = "inspectors-workbench"
LICENCE = "MIT"
# The libraries the workbench ships with and their licences, as their authors state them.
THIRD_PARTY = (
    ("Qt for Python (PySide6)", "LGPL-3.0-only"),
    ("Qt 6", "LGPL-3.0-only"),
    ("SQLAlchemy", "MIT"),
    ("Alembic", "MIT"),
    ("platformdirs", "MIT"),
    ("pandas", "BSD-3-Clause"),
    ("NumPy", "BSD-3-Clause"),
    ("openpyxl", "MIT"),
    ("XlsxWriter", "BSD-2-Clause"),
    ("reportlab", "BSD-3-Clause"),
    ("cryptography", "Apache-2.0 OR BSD-3-Clause"),
    ("DejaVu fonts", "Bitstream Vera licence (free, see resources/fonts/LICENSE-DejaVu.txt)"),
    ("Python", "PSF-2.0"),
)


def installed_version() -> str:
    """The installed version, or "unknown" when the package metadata cannot be found."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class AboutFacts:
    version: str
    store: str
    schema_revision: str
    pack_format: int
    licence: str
    third_party: tuple[tuple[str, str], ...]


def about_facts(store: Store | None, place: str = "") -> AboutFacts:
    """Everything Help ▸ About shows, for the open ``store`` (or the one named ``place``)."""
    from db.engine import current_revision, head_revision
    from workbench.packs.container import FORMAT

    revision = (current_revision(store.engine) if store is not None else None) or head_revision()
    return AboutFacts(
        version=installed_version(),
        store=store.describe() if store is not None else place or "not open yet",
        schema_revision=revision,
        pack_format=FORMAT,
        licence=LICENCE,
        third_party=THIRD_PARTY,
    )
