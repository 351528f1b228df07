"""``kit list``: the kits issued from this store, whose packs it accepts."""

from __future__ import annotations

import argparse

from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    add_json_flag,
    dump_json,
    echo,
    opened_store,
    resolve_inspection,
    table,
)


def register_kit_list(actions: Subparsers[argparse.ArgumentParser]) -> None:
    listing = actions.add_parser(
        "list",
        help="the kits issued for an inspection",
        description="The kits issued from this store for the inspection: to whom, by whom, "
        "when, how many cases. A pack is accepted only from an inspector issued a kit, and "
        "only for the cases of their kits.",
    )
    add_inspection_option(listing)
    add_json_flag(listing, "the kits")
    listing.set_defaults(handler=run_kit_list)


def run_kit_list(args: argparse.Namespace) -> int:
    from workbench.packs.kit_grants import issued_kits

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        with store.sessions() as session:
            kits = issued_kits(session, inspection_id)
    if args.json:
        dump_json([kit.to_json() for kit in kits])
        return 0
    if not kits:
        echo(f"No kits have been issued for '{title}' from this store.")
        return 0
    rows = [
        (
            k.inspector,
            f"{k.issued_at:%d/%m/%Y %H:%M}",
            k.issued_by,
            f"{k.cases} (every case)" if k.every_case else str(k.cases),
            k.file_name or "-",
        )
        for k in kits
    ]
    echo(table(("Inspector", "Issued (UTC)", "By", "Cases", "File"), rows))
    return 0
