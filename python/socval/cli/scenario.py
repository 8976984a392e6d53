"""CLI subcommands of a scenario file: ``socval validate FILE...``, ``socval evaluate FILE`` and ``socval init
DIR`` (the starter template, or a copy of a shipped example).

``register(subparsers)`` adds them to the ``socval`` command's argparse subparsers (see socval.cli.app).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .._core import SocvalError
from ..examples import copy as copy_example, write_template
from ..model.scenario import load_scenario
from .common import money_table

__all__ = ["register", "cmd_validate", "cmd_evaluate", "cmd_init"]


def cmd_validate(args: argparse.Namespace) -> int:
    """socval validate FILE...: read and validate each file; print OK and its warnings, or the error."""
    failed = 0
    report = []
    for path in args.files:
        try:
            sc = load_scenario(path, allow_outside=args.allow_outside, confined=args.confined)
        except SocvalError as e:
            failed += 1
            report.append({"file": path, "ok": False, "error": str(e), "warnings": []})
            if not args.json:
                print(str(e), file=sys.stderr)
            continue
        report.append({"file": path, "ok": True, "scenario": sc.name, "warnings": sc.warnings})
        if not args.json:
            print(f"{path}: OK ({sc.name}: {len(sc.core.options)} options, {len(sc.core.outcomes)} outcomes, "
                  f"{len(sc.core.priorities)} priorities)")
            for w in sc.warnings:
                print(f"{path}: warning: {w}")
    if args.json:
        print(json.dumps(report, indent=2))
    return 2 if failed else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """socval evaluate FILE [--json]: the deterministic appraisal of a scenario."""
    appraisal = load_scenario(args.file, allow_outside=args.allow_outside).evaluate()
    if args.json:
        print(appraisal.to_json(indent=2))
        return 0
    print(appraisal.summary())
    year = appraisal.price_base_year
    sections = (("Value by priority", appraisal.by_priority, ["value"], None),
                ("Value by beneficiary", appraisal.by_beneficiary, ["value"], None),
                ("Funded options", appraisal.by_option, ["value", "pv_costs", "npsv"], {"bcr": "ratio"}),
                ("Outcomes: physical totals over the horizon and their PV", appraisal.totals, ["pv"],
                 {"total": "count"}),
                ("Attribution (option -> priority)", appraisal.attribution, ["value"], None))
    for title, table, money_columns, kinds in sections:
        print()
        print(money_table(title, table, money_columns, kinds, year))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """socval init DIR [--force] [--example NAME]: write the commented starter template (or copy an example)."""
    if args.example:
        copy_example(args.example, args.dir)
        print(f"copied the example {args.example} to {args.dir}")
        return 0
    written = write_template(args.dir, force=args.force)
    print(f"wrote the starter template to {args.dir}:")
    for path in written:
        print(f"  {path.name}")
    a, b = (str(Path(args.dir) / n) for n in ("scenario-a.yaml", "scenario-b.yaml"))
    print(f"next: socval validate {a} {b}\n      socval compare {a} {b}")
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    """socval convert IN OUT: a scenario workbook (.xlsx) to YAML, or a scenario file to a workbook."""
    import yaml
    from ..model.scenario import scenario_from_dict
    from ..model.workbook import document_from_workbook, workbook_from_document

    src, dst = Path(args.input), Path(args.output)
    if src.suffix.lower() == ".xlsx":
        doc = document_from_workbook(src)
        scenario_from_dict(doc, name=str(src), base_dir=str(src.parent))  # validate before writing
        text = f"# Converted by socval convert from {src.name}\n" + yaml.safe_dump(doc, sort_keys=False)
        dst.write_text(text, encoding="utf-8")
    else:
        workbook_from_document(load_scenario(src).document, dst)
    print(f"wrote {dst}")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("validate", help="read and validate scenario files",
                              description="Read, merge and validate each scenario file; print OK and the "
                                          "warnings of each, or its error (exit code 2 if any file fails).")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files (YAML)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--allow-outside", action="store_true",
                   help="let include / extends paths leave the scenario's folder tree")
    p.add_argument("--confined", action="store_true",
                   help="refuse every file outside the scenario's folder tree, even when a file sets "
                        "allow_outside: true (for services that validate uploaded files)")
    p.set_defaults(func=cmd_validate)

    p = subparsers.add_parser("evaluate", help="deterministic appraisal of a scenario",
                              description="Evaluate FILE with every parameter at its central value: PV costs, "
                                          "PV benefits, NPSV, BCR, SROI, value by priority / pillar / lever / "
                                          "beneficiary, physical totals and attribution.")
    p.add_argument("file", metavar="FILE", help="scenario file (YAML)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--allow-outside", action="store_true",
                   help="let include / extends paths leave the scenario's folder tree")
    p.set_defaults(func=cmd_evaluate)

    p = subparsers.add_parser("init", help="write a commented starter template (framework, outcomes, options, "
                                           "two scenarios)",
                              description="Write a commented starter template into DIR (created if needed): "
                                          "framework.yaml, outcomes.yaml, options.yaml, scenario-a.yaml and "
                                          "scenario-b.yaml, which validate as written. Existing files are never "
                                          "overwritten unless --force.")
    p.add_argument("dir", metavar="DIR", help="folder to write the template into")
    p.add_argument("--force", action="store_true", help="overwrite files of the template that exist")
    p.add_argument("--example", default=None, metavar="NAME",
                   help="copy a shipped example folder instead (e.g. west-of-england) into DIR, which must not "
                        "exist")
    p.set_defaults(func=cmd_init)

    p = subparsers.add_parser("convert", help="scenario workbook (.xlsx) to YAML, or YAML to a workbook",
                              description="Convert a scenario workbook of the template (docs/formats/workbook.md: "
                                          "Metadata, Priorities, Outcomes, Options, Costs, Outputs, Links) to a "
                                          "scenario file (validated first; errors cite Sheet!Cell), or a scenario "
                                          "file to a workbook.")
    p.add_argument("input", metavar="IN", help="a .xlsx workbook or a scenario file (YAML)")
    p.add_argument("output", metavar="OUT", help="the scenario file or workbook to write")
    p.set_defaults(func=cmd_convert)
