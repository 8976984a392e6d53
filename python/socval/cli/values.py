"""CLI subcommand ``socval values``: list the value library (its tables and unit values, with sources and licences).

``register(subparsers)`` adds it to the ``socval`` command's argparse subparsers (as ``socval.cli.simulation``
does); errors and exit codes are socval.cli.app's (2 for a socval error or an unknown id).

    socval values                 tables, then unit values (illustrative ones flagged with *)
    socval values --json          the same as JSON (every field, notes and addresses included)
    socval values --id ID         one table (its provenance and contents) or one unit value in full
    socval values --data DIR      another library folder (default: $SOCVAL_DATA or the shipped data/)
"""
from __future__ import annotations

import argparse
import json
import os
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from .common import json_ready
from .. import values

__all__ = ["register", "cmd_values", "library_listing"]


def library_listing(data: Optional[str] = None) -> Dict[str, Any]:
    """The library as plain data: ``{"version", "tables": {name: provenance}, "unit_values": {id: entry}}``.

    Parameters
    ----------
    data
        A library folder; None = the default library (``$SOCVAL_DATA`` or the shipped ``data/``).

    Raises
    ------
    socval.ValueLibraryError
        The folder is not a valid value library.
    """
    lib = values.load_library(data) if data else values.default_library()
    tables = {}
    for t in lib.tables():
        p = lib.provenance(t)
        tables[t] = {"source": p.source, "licence": p.licence, "vintage": p.vintage,
                     "price_base_year": p.price_base_year or None, "url": p.url, "notes": p.notes}
    units = {}
    for i in lib.unit_value_ids():
        u = lib.unit_value_entry(i)
        p = u.provenance
        units[i] = {"description": u.description, "unit": u.unit, "low": u.low, "central": u.central,
                    "high": u.high, "price_base_year": p.price_base_year, "illustrative": bool(u.illustrative),
                    "source": p.source, "licence": p.licence, "vintage": p.vintage, "url": p.url, "notes": p.notes}
    return {"version": lib.version, "tables": tables, "unit_values": units}


def table_contents(name: str, data: Optional[str] = None) -> Any:
    """The data of a library table as written in its file (without its provenance block)."""
    folder = Path(data) if data else Path(os.environ.get("SOCVAL_DATA", str(values.DATA_DIR)))
    files = (yaml.safe_load((folder / "library.yaml").read_text(encoding="utf-8")) or {}).get("tables", {})
    doc = yaml.safe_load((folder / files[name]).read_text(encoding="utf-8")) or {}
    return {k: v for k, v in doc.items() if k != "provenance"} if isinstance(doc, dict) else doc


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.6g}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _licence(text: str) -> str:
    return text.replace("Open Government Licence", "OGL")


def _print_listing(listing: Dict[str, Any]) -> None:
    print(f"socval value library {listing['version']}\n")
    print("Tables (`socval values --id TABLE` shows one with its contents)")
    rows = [(name, str(t["price_base_year"] or "-"), _short(t["vintage"], 24), _short(_licence(t["licence"]), 40))
            for name, t in listing["tables"].items()]
    sources = [_short(t["source"], 92) for t in listing["tables"].values()]
    _print_rows(("table", "base", "vintage", "licence"), rows, below=sources)
    print("\nUnit values (GBP per unit in the price base year; * = illustrative: replace before relying on it)")
    rows = []
    for i, u in listing["unit_values"].items():
        rows.append((("* " if u["illustrative"] else "  ") + i, _num(u["low"]), _num(u["central"]),
                     _num(u["high"]), str(u["price_base_year"]), _short(_licence(u["licence"]), 22)))
    units = [_short(f"{u['unit']}; {u['source']}", 92) for u in listing["unit_values"].values()]
    _print_rows(("id", "low", "central", "high", "base", "licence"), rows, below=units)
    print("\n`socval values --id ID` shows an entry in full (source, address, notes).")


def _print_rows(header: tuple, rows: List[tuple], below: Optional[List[str]] = None) -> None:
    """Aligned columns; with ``below``, each row followed by an indented line (its source) so the listing fits
    100 columns."""
    widths = [max(len(str(r[k])) for r in rows + [header]) for k in range(len(header))]
    print("  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip())
    for i, r in enumerate(rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
        if below:
            print(f"      {below[i]}")


def cmd_values(args: argparse.Namespace) -> int:
    """socval values [--id ID] [--json] [--data DIR]"""
    listing = library_listing(args.data)
    if args.id is not None:
        if args.id in listing["tables"]:  # a whole table: its provenance and its contents
            entry = {"table": args.id, **listing["tables"][args.id], "contents": table_contents(args.id, args.data)}
            if args.json:
                print(json.dumps(json_ready(entry), indent=2))
            else:
                for k, v in entry.items():
                    if k != "contents":
                        print(f"{k:>16}: {v}")
                print("        contents:")
                print(textwrap.indent(yaml.safe_dump(entry["contents"], sort_keys=False, width=100).rstrip(), "  "))
            return 0
        if args.id not in listing["unit_values"]:
            raise KeyError(f"unknown table or unit value {args.id!r}; expected a table "
                           f"({', '.join(listing['tables'])}) or a unit value ({', '.join(listing['unit_values'])})")
        entry = {"id": args.id, **listing["unit_values"][args.id]}
        if args.json:
            print(json.dumps(json_ready(entry), indent=2))
        else:
            for k, v in entry.items():
                print(f"{k:>16}: {v}")
        return 0
    if args.json:
        print(json.dumps(json_ready(listing), indent=2))
    else:
        _print_listing(listing)
    return 0


def register(subparsers: Any) -> None:
    """Add ``values`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("values", help="list the value library (tables and unit values, with sources)",
                              description="List the value library: each table and unit value with its source, "
                                          "licence, price base year and vintage.")
    p.add_argument("--id", default=None,
                   help="show one table (e.g. optimism_bias, wellby, carbon) or one unit value in full")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--data", default=None, metavar="DIR",
                   help="a value library folder (default: $SOCVAL_DATA or the shipped data/)")
    p.set_defaults(func=cmd_values)
