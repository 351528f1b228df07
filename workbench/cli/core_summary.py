"""``workbench summary``: the findings summary as sentences and compact tables, or JSON."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from db.gc_pause import gc_paused
from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    add_json_flag,
    dump_json,
    echo,
    opened_store,
    plural,
    resolve_inspection,
    table,
)
from workbench.dates import short_date

if TYPE_CHECKING:
    from workbench.methodology import Methodology

Summary = dict[str, Any]


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "summary",
        help="the findings summary of an inspection",
        description="The findings summary of an inspection: each case counted once, by its "
        "moderated grade or the grade its inspectors agree on. README.md documents every key "
        "of --json.",
    )
    add_inspection_option(parser)
    add_json_flag(parser, "the summary as one JSON object")
    parser.set_defaults(handler=run_summary)


def run_summary(args: argparse.Namespace) -> int:
    from workbench.quick_store import READ_ERRORS, quick_reader

    summary = None
    # The summary's modules are imported while the store key is derived.
    with quick_reader(args.db, meanwhile=_import_summary) as quick:
        if quick.fetch is not None:  # a store file at this version: no SQLAlchemy
            from workbench.services.summary import summarise_rows

            # Rows and counts by the million and no cycle among them: the collector would
            # only walk them, again and again (a fifth of the time at 100,000 cases).
            try:
                with gc_paused():
                    summary = summarise_rows(quick.fetch, args.inspection)
            except READ_ERRORS:
                summary = None  # busy or damaged: the usual opening says so in words
    if summary is None:
        from workbench.services.summary import summarise

        with opened_store(args, passphrase=quick.passphrase) as store:
            inspection_id, _title = resolve_inspection(store, args.inspection)
            summary = summarise(store, inspection_id)
    if args.json:
        dump_json(summary)
    else:
        echo(render(summary))
    return 0


def _import_summary() -> None:
    import workbench.services.summary  # noqa: F401


def render(summary: Summary) -> list[str]:
    """The summary for a person: marking, headline sentences, then the tables."""
    from workbench.methodology import load_methodology
    from workbench.services.summary import headline

    info = summary["inspection"]
    method = load_methodology(info["methodology_id"], info["methodology_version"])
    lines = [info["marking"], _title_line(info), "", *headline(summary)]
    if summary["cases"]:
        lines += _section("Overall grade of each graded case", _overall(summary, method))
        lines += _section("By category", _tally(summary["by_category"], method, "Category"))
        lines += _section("By stage (graded cases, stages that apply)", _stages(summary, method))
        lines += _section("By unit", _tally(summary["by_unit"], method, "Unit"))
        lines += _section("The force's own grade (rows) against ours", _force(summary, method))
        lines += ["", _referrals_line(summary["referrals"], method)]
        lines += prompt_sections(summary, method)
    marking = info["marking"]
    if summary.get("interim"):
        marking = f"{marking}  {summary['interim_label']}"
        lines[0] = marking
    return [*lines, "", marking]


def prompt_sections(summary: Summary, method: Methodology) -> list[str]:
    """The prompt and fact tables, the answers against the grade and the force's own view."""
    from workbench.cli.core_summary_prompts import answers_by_grade, prompt_tables, self_view

    return [*prompt_tables(summary, method), *answers_by_grade(summary, method)] + self_view(
        summary, method
    )


def _title_line(info: dict[str, Any]) -> str:
    start, end = (short_date(date.fromisoformat(info[key])) for key in ("start_date", "end_date"))
    return f"{info['title']}: {info['force']}, fieldwork {start} to {end}"


def _section(title: str, rows: list[str]) -> list[str]:
    return ["", title, *rows]


def _grade_names(method: Methodology) -> list[tuple[str, str]]:
    return [(g.id, g.name) for g in method.grades] + [("unresolved", "Unresolved")]


def _overall(summary: Summary, method: Methodology) -> list[str]:
    from workbench.services.summary import MIN_FOR_PERCENT  # fewer cases: counts, no share

    graded, overall = summary["graded"], summary["overall"]
    rows = []
    for key, name in _grade_names(method):
        count = overall.get(key, 0)
        share = f"{round(100 * count / graded)}%" if graded >= MIN_FOR_PERCENT else "-"
        rows.append((name, count, share))
    return table(("Grade", "Cases", "Share"), rows, numeric=(1, 2))


def _tally(tallies: dict[str, dict[str, Any]], method: Methodology, what: str) -> list[str]:
    grades = _grade_names(method)
    headers = (what, "Cases", "Graded", *(name for _, name in grades))
    rows = [
        (entry.get("name", key) or "(none)", entry["cases"], entry["graded"])
        + tuple(entry.get(grade, 0) for grade, _ in grades)
        for key, entry in tallies.items()
    ]
    return table(headers, rows, numeric=range(1, len(headers)))


def _stages(summary: Summary, method: Methodology) -> list[str]:
    keys = [
        *_grade_names(method)[:-1],
        (method.not_assessed.id, method.not_assessed.name),
        ("unresolved", "Unresolved"),
        ("not_recorded", "Not recorded"),
    ]
    headers = ("Stage", *(name for _, name in keys))
    rows = [
        (entry["name"], *(entry.get(key, 0) for key, _ in keys))
        for entry in summary["by_stage"].values()
    ]
    return table(headers, rows, numeric=range(1, len(headers)))


def _force(summary: Summary, method: Methodology) -> list[str]:
    grades = [(g.id, g.name) for g in method.grades]
    crosstab = summary["force_vs_inspector"]
    rows = [
        (name, *(crosstab.get(force, {}).get(ours, 0) for ours, _ in grades))
        for force, name in grades
    ]
    agreement = summary.get("force_vs_inspector_agreement", {})
    compared = agreement.get("compared", sum(sum(r[1:]) for r in rows))
    lines = table(
        ("Force \\ ours", *(name for _, name in grades)), rows, numeric=range(1, len(grades) + 1)
    )
    return [*lines, f"({plural(compared, 'case')} graded by both the force and us.)"]


def _referrals_line(referrals: dict[str, Any], method: Methodology) -> str:
    total = referrals["total"]
    text = (
        f"Referrals: {total} ({referrals['open']} open, {referrals['closed']} closed) "
        f"for {plural(referrals['cases_referred'], 'case')}"
    )
    urgent = [
        f"{count} {method.urgency(key).name.lower()}"
        for key, count in referrals.get("by_urgency", {}).items()
        if count and key in {u.id for u in method.urgencies}
    ]
    return text + (f"; {', '.join(urgent)}." if urgent else ".")
