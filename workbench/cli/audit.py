"""``audit verify`` (the trail is intact and proves the data) and ``audit history``."""

from __future__ import annotations

import argparse
import sys

from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    add_json_flag,
    dump_json,
    echo,
    group,
    opened_store,
    plural,
    resolve_inspection,
    table,
)


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "audit", "the hash-chained audit trail")
    verify = actions.add_parser(
        "verify",
        help="check the audit trail, and that it proves the data",
        description="Check every event of the audit trail (this store's and those received "
        "in packs) against its hash and the event before it, the recorded heads of each chain "
        "(so removed newest events and rewritten chains show), the store file itself, and "
        "that replaying the events reproduces every audited value. Exit 0 when all is well, "
        "1 listing every problem found.",
    )
    verify.set_defaults(handler=run_audit_verify)
    history = actions.add_parser(
        "history",
        help="a case's history: who changed what, when, from which store",
        description="Every audit event about a case (its assessments, referrals, responses "
        "and moderation) in time order: who, what, old and new value, and from which store.",
    )
    add_inspection_option(history)
    history.add_argument("--case", required=True, metavar="REF", help="the case's reference")
    add_json_flag(history, "the events")
    history.set_defaults(handler=run_audit_history)


def run_audit_verify(args: argparse.Namespace) -> int:
    from workbench.audit_check import check_audit

    with opened_store(args) as store, store.sessions() as session:
        report = check_audit(session)
    if report.intact:
        events, stores = plural(report.events, "event"), plural(report.origins, "store")
        echo(f"Audit trail intact: {events} from {stores}.")
        gaps = (
            f"; {plural(report.gaps, 'declared gap')} (other inspections' events)"
            if (report.gaps)
            else ""
        )
        echo(f"Every audited value of {plural(report.records, 'record')} matches it{gaps}.")
        return 0
    count = len(report.problems)
    echo(f"workbench: the audit check found {plural(count, 'problem')}:", sys.stderr)
    echo([f"  - {line}" for line in report.shown()], sys.stderr)
    return 1


def _shown(value: str | None, width: int = 40) -> str:
    if not value:
        return "-"
    text = value.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def run_audit_history(args: argparse.Namespace) -> int:
    from workbench.audit_history import case_history

    with opened_store(args) as store:
        inspection_id, _ = resolve_inspection(store, args.inspection)
        entries = case_history(store, inspection_id, args.case)
    if args.json:
        dump_json([e.to_json() for e in entries])
        return 0
    if not entries:
        echo(f"No audit events about case {args.case}.")
        return 0
    rows = [
        (
            f"{e.at[8:10]}/{e.at[5:7]}/{e.at[:4]} {e.at[11:19]}",
            e.actor,
            f"{e.action} {e.entity}",
            e.field or "-",
            _shown(e.old_value),
            _shown(e.new_value),
            e.store,
        )
        for e in entries
    ]
    headers = ("When (UTC)", "Who", "What", "Field", "Old value", "New value", "From")
    echo(table(headers, rows))
    return 0
