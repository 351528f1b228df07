"""The force's own grades against ours: all cases, the cases referred back, and by category.

A case is *compared* when the force graded it and it has an effective grade of ours (its
moderated grade or the grade its inspectors agree on). The referred cases also state the
force's own grades whether or not we have graded them yet, as a published report does: "Of
the 38 cases referred back ... the force had itself assessed one as 'requires improvement'
and three as 'inadequate'".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from workbench.agreement import agreement
from workbench.methodology import Methodology

if TYPE_CHECKING:
    from workbench.services.summary_data import CaseRecord


def _block(method: Methodology, records: Sequence[CaseRecord]) -> dict[str, Any]:
    grades = list(method.grade_ids)
    rank = {g: i for i, g in enumerate(grades)}
    pairs = Counter(map(attrgetter("force_grade", "effective_grade"), records))
    forced = {(f, o): n for (f, o), n in pairs.items() if f in rank}
    both = {(rank[f], rank[o]): n for (f, o), n in forced.items() if o in rank}
    table = [[0] * len(grades) for _ in grades]
    for (force, ours), n in both.items():
        table[force][ours] += n
    force_counts: Counter[str] = Counter()
    for (force, _ours), n in forced.items():
        force_counts[force] += n
    return {
        "cases": len(records),
        "force_graded": sum(forced.values()),
        "force_grades": {g: force_counts.get(g, 0) for g in grades},
        "compared": sum(both.values()),
        "crosstab": {f: {o: table[i][j] for j, o in enumerate(grades)} for i, f in
                     enumerate(grades)},
        "same": sum(n for (force, ours), n in both.items() if force == ours),
        "force_more_favourable": sum(n for (force, ours), n in both.items() if force < ours),
        "inspector_more_favourable": sum(n for (f, o), n in both.items() if f > o),
        "agreement": agreement(table),
    }  # fmt: skip


def self_assessment(method: Methodology, records: Sequence[CaseRecord]) -> dict[str, Any]:
    """The ``force_self_assessment`` key of the summary (``records``: one per case)."""
    referred = _block(method, [r for r in records if r.referred])
    referred["sentence"] = referred_sentence(method, referred)
    of_category: dict[str, list[CaseRecord]] = {}
    for record in records:
        of_category.setdefault(record.category, []).append(record)
    by_category = {}
    for category in method.category_ids:
        rows = of_category.get(category)
        if rows:
            by_category[category] = {"name": method.category_name(category), **_block(method, rows)}
    return {"all": _block(method, records), "referred": referred, "by_category": by_category}


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
