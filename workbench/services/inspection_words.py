"""What is said when an inspection key finds none or several inspections.

Apart from ``workbench.services.inspections`` (which needs SQLAlchemy), so that the quick
readers of a store (``workbench summary``) say the same words.
"""

from __future__ import annotations


def no_inspection(key: str) -> str:
    return f"No inspection with id '{key}' in this store. 'workbench inspection list' shows them."


def several_inspections(key: str, count: int) -> str:
    return f"'{key}' matches {count} inspections; give more of the id."
