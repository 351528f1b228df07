"""``inspection archive`` and ``inspection delete``."""

from __future__ import annotations

import argparse

from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    echo,
    opened_store,
    resolve_inspection,
)


def register(actions: Subparsers[argparse.ArgumentParser]) -> None:
    archive = actions.add_parser(
        "archive",
        help="archive an inspection (kept whole, no longer offered for work)",
        description="Archive an inspection: everything in it is kept, and it is no longer "
        "offered in the window's list of inspections. --undo brings it back.",
    )
    add_inspection_option(archive)
    archive.add_argument("--undo", action="store_true", help="bring the inspection back")
    archive.set_defaults(handler=run_archive)
    delete = actions.add_parser(
        "delete",
        help="delete an inspection and everything in it",
        description="Delete an inspection with its cases, grades, referrals and keys. It "
        "cannot be undone (the audit trail records the deletion). --yes confirms; an "
        "inspection holding findings packs received from inspectors also needs "
        "--with-received-packs.",
    )
    add_inspection_option(delete)
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")
    delete.add_argument(
        "--with-received-packs",
        action="store_true",
        help="confirm again: delete even though it holds packs received from inspectors",
    )
    delete.set_defaults(handler=run_delete)


def run_archive(args: argparse.Namespace) -> int:
    from workbench.services.inspections import archive_inspection

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        changed = archive_inspection(store, inspection_id, archived=not args.undo)
    state = "brought back from the archive" if args.undo else "archived"
    echo(f"{title} {state}." if changed else f"{title} was already {state}.")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.services.inspections import delete_inspection

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        if not args.yes:
            raise WorkbenchError(
                f"Deleting '{title}' removes its cases, grades, referrals and keys from this "
                "store for good. Run the command again with --yes to confirm."
            )
        delete_inspection(store, inspection_id, with_received_packs=args.with_received_packs)
    echo(f"Deleted {title}.")
    return 0
