"""Kits out, signed encrypted packs back, lossless merge (see ``docs/pack-format.md``).

- ``keys``: the inspection key pair, this store's device key, inspectors' registered keys.
- ``container``: the signed zip container and every check on untrusted files.
- ``kit``: ``export_kit`` (lead) and ``import_kit`` (inspector).
- ``pack``: ``export_pack`` (inspector); ``importing``: ``import_packs`` (lead), which checks
  each pack (``document``) and merges it (``merge``).
"""

from workbench.packs.container import PackRefused
from workbench.packs.importing import ImportOutcome, PackImport, import_packs
from workbench.packs.keys import (
    KeyReport,
    UnknownKey,
    create_inspection_keys,
    key_report,
    reregister,
)
from workbench.packs.kit import (
    KitExport,
    KitImport,
    KitNameDiffers,
    assigned_inspectors,
    export_kit,
    import_kit,
)
from workbench.packs.merge import MergeCounts
from workbench.packs.pack import PackExport, export_pack

__all__ = [
    "ImportOutcome",
    "KeyReport",
    "KitExport",
    "KitImport",
    "KitNameDiffers",
    "MergeCounts",
    "PackExport",
    "PackImport",
    "PackRefused",
    "UnknownKey",
    "assigned_inspectors",
    "create_inspection_keys",
    "export_kit",
    "export_pack",
    "import_kit",
    "import_packs",
    "key_report",
    "reregister",
]
