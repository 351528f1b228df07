"""The force's own grades against ours: all cases, the cases referred back, and by category.

A case is *compared* when the force graded it and it has an effective grade of ours (its
moderated grade or the grade its inspectors agree on). The referred cases also state the
force's own grades whether or not we have graded them yet, as a published report does: "Of
the 38 cases referred back ... the force had itself assessed one as 'requires improvement'
and three as 'inadequate'".
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.agreement import agreement
from workbench.methodology import Methodology


def _block(method: Methodology, frame: pd.DataFrame) -> dict[str, Any]:
    grades = list(method.grade_ids)
    rank = {g: i for i, g in enumerate(grades)}
    forced = frame[frame["force_grade"].isin(grades)]
    both = forced[forced["effective_grade"].isin(grades)]
    table = np.zeros((len(grades), len(grades)), dtype=int)
    force_rank = both["force_grade"].map(rank).to_numpy(dtype=int)
    our_rank = both["effective_grade"].map(rank).to_numpy(dtype=int)
    np.add.at(table, (force_rank, our_rank), 1)
    force_counts = forced["force_grade"].value_counts()
    return {
        "cases": len(frame),
        "force_graded": len(forced),
        "force_grades": {g: int(force_counts.get(g, 0)) for g in grades},
        "compared": len(both),
        "crosstab": {f: {o: int(table[i, j]) for j, o in enumerate(grades)} for i, f in
                     enumerate(grades)},
        "same": int((force_rank == our_rank).sum()),
        "force_more_favourable": int((force_rank < our_rank).sum()),
        "inspector_more_favourable": int((force_rank > our_rank).sum()),
        "agreement": agreement(table),
    }  # fmt: skip


def self_assessment(method: Methodology, frame: pd.DataFrame) -> dict[str, Any]:
    """The ``force_self_assessment`` key of the summary (``frame``: the case frame)."""
    referred = _block(method, frame[frame["referred"]])
    referred["sentence"] = referred_sentence(method, referred)
    by_category = {}
    for category in method.category_ids:
        rows = frame[frame["category"] == category]
        if len(rows):
            by_category[category] = {"name": method.category_name(category), **_block(method, rows)}
    return {"all": _block(method, frame), "referred": referred, "by_category": by_category}


def referred_sentence(method: Methodology, referred: dict[str, Any]) -> str:
    """The Annex A sentence about the force's own grades of the cases referred back."""
    cases = referred["cases"]
    if not cases:
        return ""
    subject = (
        "Of the 1 case referred back to the force because it placed a child or children at "
        "continued risk"
        if cases == 1
        else f"Of the {cases} cases referred back to the force because they placed a child or "
        "children at continued risk"
    )
    named = [
        f"{n} as '{method.grade_name(g).lower()}'" for g, n in referred["force_grades"].items() if n
    ]
    if not named:
        return f"{subject}, the force had graded none itself."
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return f"{subject}, the force had itself assessed {listed}."
