"""Commands for keys, kits, packs, the imports log and moderation.

``keys create|show|reregister``, ``kit export|import``, ``pack export|import``,
``imports list``, ``moderate`` and ``moderation list``. The lead's passphrase comes from
``WORKBENCH_PASSPHRASE`` when set (for scripts), else it is asked for without echo; a kit
code from ``--code``, ``WORKBENCH_KIT_CODE`` or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.common import (
    add_inspection_option,
    add_json_flag,
    dump_json,
    echo,
    group,
    opened_store,
    optional_inspection,
    plural,
    resolve_inspection,
    table,
)
from workbench.cli.common import terminal_progress as progress
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.packs import ImportOutcome, PackImport
    from workbench.services.moderation import ModerationCase

PASSPHRASE_ENV, KIT_CODE_ENV = "WORKBENCH_PASSPHRASE", "WORKBENCH_KIT_CODE"


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_passphrase(*, new: bool = False) -> str:
    """The lead's passphrase: ``WORKBENCH_PASSPHRASE``, else asked for (twice when new)."""
    from workbench.crypto import check_new_passphrase

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        if not _interactive():
            raise WorkbenchError(
                f"This needs the inspection's passphrase: set {PASSPHRASE_ENV}, or run the "
                "command in a terminal to be asked for it."
            )
        prompt = "New passphrase for the inspection's key: " if new else "Passphrase: "
        passphrase = getpass.getpass(prompt)
        if new and getpass.getpass("The same passphrase again: ") != passphrase:
            raise WorkbenchError("The two passphrases differ; nothing was changed.")
    if new:
        check_new_passphrase(passphrase)
    return passphrase


def read_kit_code(given: str | None, file: Path | None = None) -> str:
    """The kit code: asked for (not echoed), else ``WORKBENCH_KIT_CODE`` or ``--code-file``;
    ``--code`` still works but others can read a command line (``ps``), so it warns."""
    if given:
        print("workbench: warning: a kit code given with --code can be seen by other users "
              f"of this computer; type it when asked, or use {KIT_CODE_ENV} or --code-file.",
              file=sys.stderr)  # fmt: skip
        return given
    if file is not None:
        try:
            return file.read_text(encoding="utf-8").strip()[:200]
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkbenchError(f"Cannot read the kit code from {file}: {exc}.") from exc
    code = os.environ.get(KIT_CODE_ENV)
    if code:
        return code
    if not _interactive():
        raise WorkbenchError(
            f"Give the kit code the lead told you: run on a terminal to be asked for it, or "
            f"use {KIT_CODE_ENV} or --code-file."
        )
    return getpass.getpass("Kit code (the lead tells you it): ")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's commands."""
    _register_keys(group(subparsers, "keys", "inspection keys and key fingerprints"))
    _register_kit(group(subparsers, "kit", "inspection kits, from the lead to an inspector"))
    _register_pack(group(subparsers, "pack", "findings packs, from an inspector to the lead"))
    imports = group(subparsers, "imports", "the log of everything imported into this store")
    listing = imports.add_parser("list", help="list the imports", description="List imports.")
    add_inspection_option(listing, required=False)
    add_json_flag(listing, "the log")
    listing.set_defaults(handler=run_imports_list)
    _register_moderation(subparsers)


# --- keys ----------------------------------------------------------------------------------


def _register_keys(actions: argparse._SubParsersAction) -> None:
    create = actions.add_parser(
        "create",
        help="make an inspection's key pair",
        description="Make the inspection's key pair, its private half encrypted under your "
        f"passphrase (asked for, or {PASSPHRASE_ENV}). Keep the passphrase safe: without it "
        "no pack for the inspection can be opened.",
    )
    add_inspection_option(create)
    create.set_defaults(handler=run_keys_create)
    show = actions.add_parser(
        "show",
        help="show key fingerprints to compare by phone",
        description="Show this store's device key fingerprint and, with --inspection, the "
        "inspection's and every registered inspector's.",
    )
    add_inspection_option(show, required=False)
    add_json_flag(show, "the fingerprints")
    show.set_defaults(handler=run_keys_show)
    again = actions.add_parser(
        "reregister",
        help="accept an inspector's new device key",
        description="Accept packs from INSPECTOR signed by the key with this fingerprint from "
        "now on (after they read it to you by phone, from 'workbench keys show').",
    )
    add_inspection_option(again)
    again.add_argument("--inspector", required=True, metavar="NAME")
    again.add_argument("--fingerprint", required=True, metavar="FP", help="32 hex digits")
    again.add_argument(
        "--reason", default="", metavar="TEXT", help="why the key changes (kept in the audit trail)"
    )
    again.set_defaults(handler=run_keys_reregister)


def run_keys_create(args: argparse.Namespace) -> int:
    from workbench.packs import create_inspection_keys

    passphrase = read_passphrase(new=True)
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        fingerprint = create_inspection_keys(store, inspection_id, passphrase)
    echo(f"Key pair made for '{title}'. Its fingerprint: {fingerprint}")
    return 0


def run_keys_show(args: argparse.Namespace) -> int:
    from workbench.packs import key_report

    with opened_store(args) as store:
        inspection_id = optional_inspection(store, args.inspection)
        report = key_report(store, inspection_id)
    if args.json:
        dump_json(
            {
                "device": report.device_fingerprint,
                "inspection": report.inspection_fingerprint,
                "holds_private_key": report.holds_private_key,
                "kdf": report.kdf,
                "inspectors": [
                    {
                        "inspector": k.inspector,
                        "fingerprint": k.fingerprint,
                        "registered_at": k.registered_at.isoformat(),
                        "active": k.active,
                    }
                    for k in report.inspectors
                ],
            }
        )
        return 0
    lines = [f"This store's device key:  {report.device_fingerprint}"]
    if inspection_id is not None:
        if report.inspection_fingerprint is None:
            lines.append("Inspection key:           none yet ('workbench keys create')")
        else:
            held = "private key held here" if report.holds_private_key else "public key only"
            lines.append(f"Inspection key:           {report.inspection_fingerprint} ({held})")
        rows = [
            (k.inspector, k.fingerprint, f"{k.registered_at:%d/%m/%Y}", "yes" if k.active else "no")
            for k in report.inspectors
        ]
        if rows:
            lines += ["", *table(("Inspector", "Fingerprint", "Registered", "Active"), rows)]
    echo(lines)
    return 0


def run_keys_reregister(args: argparse.Namespace) -> int:
    from workbench.packs import reregister

    with opened_store(args) as store:
        inspection_id, _ = resolve_inspection(store, args.inspection)
        fingerprint = reregister(
            store, inspection_id, args.inspector, args.fingerprint, args.reason
        )
    echo(f"Packs from {args.inspector} are now accepted under the key {fingerprint}.")
    return 0


# --- kits ----------------------------------------------------------------------------------


def _register_kit(actions: argparse._SubParsersAction) -> None:
    export = actions.add_parser(
        "export",
        help="issue a kit to an inspector",
        description="Write a kit for INSPECTOR: the inspection, its methodology, the cases "
        "assigned to them (or every case) and the inspection's public key. Prints the kit "
        "code: tell it to the inspector by phone, never in the email carrying the kit.",
    )
    add_inspection_option(export)
    export.add_argument("--inspector", required=True, metavar="NAME")
    export.add_argument("--out", required=True, metavar="FILE", type=Path)
    export.add_argument("--all-cases", action="store_true", help="every case, not only theirs")
    export.set_defaults(handler=run_kit_export)
    opening = actions.add_parser(
        "import",
        help="open a kit from the lead",
        description=f"Open a kit: adds its inspection and cases to this store. The kit code "
        f"is asked for, or comes from {KIT_CODE_ENV} or --code-file.",
    )
    opening.add_argument("file", type=Path, metavar="FILE")
    opening.add_argument(
        "--code", metavar="CODE", help="the kit code (visible to other users: prefer a prompt)"
    )
    opening.add_argument(
        "--code-file", metavar="FILE", type=Path, help="a file holding the kit code"
    )
    opening.set_defaults(handler=run_kit_import)
    from workbench.cli import trust

    trust.register_kit_list(actions)


def run_kit_export(args: argparse.Namespace) -> int:
    from workbench.packs import export_kit

    passphrase = read_passphrase()
    with opened_store(args) as store:
        inspection_id, _ = resolve_inspection(store, args.inspection)
        with progress() as show:
            kit = export_kit(
                store,
                inspection_id,
                args.inspector,
                args.out,
                passphrase,
                all_cases=args.all_cases,
                progress=show,
            )
    echo(
        [
            f"Kit for {kit.inspector} written to {kit.path} ({plural(kit.cases, 'case')}).",
            f"Kit code: {kit.code}",
            "Tell the kit code to the inspector by phone or in person, not in the email that "
            "carries the kit.",
            f"Inspection key fingerprint (for them to check): {kit.fingerprint}",
        ]
    )
    return 0


def run_kit_import(args: argparse.Namespace) -> int:
    from workbench.packs import import_kit

    code = read_kit_code(args.code, args.code_file)
    with opened_store(args) as store, progress() as show:
        result = import_kit(store, args.file, code, progress=show)
    echo(
        [
            f"Opened the kit for '{result.title}': {plural(result.cases_added, 'case')} added, "
            f"{result.cases_updated} updated.",
            f"Inspection id: {result.inspection_id}",
            f"Check this fingerprint with the lead inspector by phone: {result.fingerprint}",
        ]
        + ([f"This store's user is now {result.inspector}."] if result.user_name_set else [])
    )
    return 0


# --- packs ---------------------------------------------------------------------------------


def _register_pack(actions: argparse._SubParsersAction) -> None:
    export = actions.add_parser(
        "export",
        help="export your findings for the lead",
        description="Write everything you recorded for the inspection (assessments, referrals "
        "and their responses, audit events), encrypted to the inspection and signed by this "
        "store's key.",
    )
    add_inspection_option(export)
    export.add_argument("--out", required=True, metavar="FILE", type=Path)
    export.set_defaults(handler=run_pack_export)
    opening = actions.add_parser(
        "import",
        help="merge inspectors' packs into this store",
        description=f"Merge findings packs (each in its own transaction; a refused pack "
        f"changes nothing). Needs the inspection's passphrase ({PASSPHRASE_ENV} or asked). "
        "Exit 1 if any pack was refused.",
    )
    opening.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add_inspection_option(opening, required=False)
    add_json_flag(opening, "what each pack added and changed")
    opening.set_defaults(handler=run_pack_import)


def run_pack_export(args: argparse.Namespace) -> int:
    from workbench.packs import export_pack

    with opened_store(args) as store:
        inspection_id, _ = resolve_inspection(store, args.inspection)
        with progress() as show:
            result = export_pack(store, inspection_id, args.out, progress=show)
    echo(
        [
            f"Pack written to {result.path}: {plural(result.assessments, 'assessment')}, "
            f"{plural(result.referrals, 'referral')}, {plural(result.responses, 'response')}, "
            f"{plural(result.audit_events, 'audit event')}.",
            f"Signed by this store's key {result.fingerprint}.",
        ]
    )
    return 0


def run_pack_import(args: argparse.Namespace) -> int:
    from workbench.packs import import_packs

    passphrase = read_passphrase()
    with opened_store(args) as store:
        inspection_id = optional_inspection(store, args.inspection)
        with progress() as show:
            outcomes = import_packs(
                store, args.files, passphrase, inspection_id=inspection_id, progress=show
            )
    refused = [o for o in outcomes if o.error is not None]
    if args.json:
        dump_json([_outcome_json(o) for o in outcomes])
    else:
        for outcome in outcomes:
            if outcome.result is not None:
                echo(_outcome_line(outcome.result))
    for outcome in refused:
        echo(f"workbench: {outcome.path.name} refused: {outcome.error}", sys.stderr)
    return 1 if refused else 0


def _outcome_line(result: PackImport) -> str:
    counts = result.counts
    if result.same_file_as is not None:
        return (
            f"{result.path.name}: from {result.inspector} (key {result.fingerprint}): already "
            "imported (the very same file), so it was not opened again; nothing added or changed."
        )
    line = (
        f"{result.path.name}: from {result.inspector} (key {result.fingerprint}): "
        f"{counts.added} added, {counts.changed} changed"
    )
    if result.registered:
        line += "; their first pack, so this key is now registered for them"
    return line + "."


def _outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    from dataclasses import asdict

    result, error = outcome.result, outcome.error
    entry: dict[str, Any] = {"file": str(outcome.path)}
    if result is not None:
        entry.update(
            inspector=result.inspector,
            fingerprint=result.fingerprint,
            registered=result.registered,
            log_id=result.log_id,
            added=result.counts.added,
            changed=result.counts.changed,
            counts=asdict(result.counts),
            already_imported=result.same_file_as is not None,
        )
    else:
        entry.update(refused=str(error), reason=getattr(error, "code", "refused"))
    return entry


def run_imports_list(args: argparse.Namespace) -> int:
    from workbench.packs.imports_log import list_imports

    with opened_store(args) as store:
        inspection_id = optional_inspection(store, args.inspection)
        entries = list_imports(store, inspection_id)
    if args.json:
        dump_json([entry.to_json() for entry in entries])
        return 0
    if not entries:
        echo("Nothing has been imported into this store yet.")
        return 0
    rows = [
        (
            f"{e.at:%d/%m/%Y %H:%M}",
            e.kind,
            Path(e.source).name,
            e.inspector or e.actor,
            e.fingerprint or "-",
            e.added,
            e.changed,
        )
        for e in entries
    ]
    headers = ("When (UTC)", "Kind", "File", "From", "Key", "Added", "Changed")
    echo(table(headers, rows, numeric=(5, 6)))
    refused = [e for e in entries if e.kind == "refused"]
    if refused:
        echo("\nRefused imports (nothing was changed by them):")
        for e in refused:
            reason = str(e.details.get("refused", "")).replace("\n", " ")
            echo(f"  {e.at:%d/%m/%Y %H:%M} {Path(e.source).name}: {reason}")
    return 0


# --- moderation ----------------------------------------------------------------------------


def _register_moderation(subparsers: argparse._SubParsersAction) -> None:
    moderate = subparsers.add_parser(
        "moderate",
        help="record the agreed grade of a dual-graded case",
        description="Record the agreed overall grade of a case two inspectors graded, with "
        "the reason. The original grades are kept.",
    )
    add_inspection_option(moderate)
    moderate.add_argument("--case", required=True, metavar="REF", help="the case reference")
    moderate.add_argument("--grade", required=True, metavar="G", help="e.g. requires_improvement")
    moderate.add_argument("--reason", required=True, metavar="TEXT")
    moderate.add_argument(
        "--stage", metavar="STAGE_ID", help="moderate this stage's grade, not the overall grade"
    )
    moderate.set_defaults(handler=run_moderate)
    actions = group(subparsers, "moderation", "dual-graded cases and their moderation")
    listing = actions.add_parser(
        "list",
        help="list dual-graded cases whose grades differ",
        description="List the cases two inspectors graded differently, stage by stage.",
    )
    add_inspection_option(listing)
    listing.add_argument("--all", action="store_true", help="include cases graded alike")
    add_json_flag(listing, "the cases")
    listing.set_defaults(handler=run_moderation_list)


def run_moderate(args: argparse.Namespace) -> int:
    from workbench.services.moderation import moderate, moderate_stage

    with opened_store(args) as store:
        inspection_id, _ = resolve_inspection(store, args.inspection)
        if args.stage:
            record = moderate_stage(
                store, inspection_id, args.case, args.stage, args.grade, args.reason
            )
            grade = record.grade.replace("_", " ")
            echo(f"Stage {args.stage} of case {args.case} moderated as {grade}.")
            return 0
        record = moderate(store, inspection_id, args.case, args.grade, args.reason)
    grade = record.grade.replace("_", " ")
    echo(f"Case {args.case} moderated as {grade}; the inspectors' own grades are kept.")
    return 0


def run_moderation_list(args: argparse.Namespace) -> int:
    from workbench.services.moderation import moderation_cases

    with opened_store(args) as store:
        inspection_id, _ = resolve_inspection(store, args.inspection)
        cases = moderation_cases(store, inspection_id, include_agreed=args.all)
    if args.json:
        dump_json([case.to_json() for case in cases])
    elif not cases:
        echo("No dual-graded case has differing grades.")
    else:
        for case in cases:
            echo(_moderation_lines(case))
    return 0


def _moderation_lines(case: ModerationCase) -> list[str]:
    inspectors = [g.inspector for g in case.graders]
    settled = (
        f"moderated: {case.moderation.grade} by {case.moderation.moderated_by}"
        if case.moderation
        else ("awaiting moderation" if case.overall_differs else "overall grades agree")
    )
    rows = [
        (stage.name, *stage.grades, "differs" if stage.differs else "") for stage in case.stages
    ]
    rows.append(("Overall", *(g.overall_grade for g in case.graders), ""))
    return [
        f"{case.reference} ({case.category_name}, {case.unit or 'no unit'}): {settled}",
        *("  " + line for line in table(("Stage", *inspectors, ""), rows)),
        "",
    ]
