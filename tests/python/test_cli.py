"""The socval command line: validate and evaluate, exit codes, errors without tracebacks, the subcommand registry."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from socval.cli import app as cli

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = str(ROOT / "tests" / "data" / "scenarios" / "complete.yaml")
DUPLICATE = str(ROOT / "tests" / "data" / "scenarios" / "duplicate_across_files.yaml")


def test_validate_ok_and_warnings(capsys):
    assert cli.main(["validate", COMPLETE]) == 0
    out = capsys.readouterr().out
    assert f"{COMPLETE}: OK (Retrofit and skills programme" in out


def test_validate_reports_each_file_and_fails_with_2(capsys):
    assert cli.main(["validate", COMPLETE, DUPLICATE]) == 2
    captured = capsys.readouterr()
    assert "OK" in captured.out
    assert "duplicate id 'health'" in captured.err
    assert "Traceback" not in captured.err


def test_validate_json(capsys):
    assert cli.main(["validate", "--json", COMPLETE, DUPLICATE]) == 2
    report = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in report] == [True, False]
    assert "duplicate id" in report[1]["error"]


def test_evaluate_text_and_json(capsys):
    assert cli.main(["evaluate", COMPLETE]) == 0
    out = capsys.readouterr().out
    assert "NPSV" in out and "Attribution" in out
    assert cli.main(["evaluate", COMPLETE, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["headline"]["npsv"] == pytest.approx(d["headline"]["pv_benefits"] - d["headline"]["pv_costs"])
    assert {r["option"] for r in d["attribution"]} == {"retrofit", "skills"}


def test_errors_print_the_message_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: {name: x, price_base_year: 2024, horizon: 3}\noutcomes:\n  - {id: a, unit: u, deadwieght: 0.1}\n")
    assert cli.main(["evaluate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "did you mean 'deadweight'" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    assert cli.main([]) == 2
    assert cli.main(["evaluate"]) == 2
    assert cli.main(["no-such-command"]) == 2
    capsys.readouterr()


def test_console_script_entry_point_runs_as_a_module():
    r = subprocess.run([sys.executable, "-m", "socval", "evaluate", str(ROOT / "no-such.yaml")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert "no such file" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "socval", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and "validate" in r.stdout and "evaluate" in r.stdout


def test_registry_adds_subcommands_from_modules(monkeypatch, tmp_path):
    mod = tmp_path / "socval_test_cli_plugin.py"
    mod.write_text("def register(sub):\n"
                   "    p = sub.add_parser('hello')\n"
                   "    p.set_defaults(func=lambda args: 7)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "SUBCOMMAND_MODULES", ["socval_test_cli_plugin", "socval.not_written_yet"])
    assert cli.main(["hello"]) == 7


def test_a_broken_subcommand_module_does_not_break_the_others(monkeypatch, tmp_path, capsys):
    (tmp_path / "socval_test_broken_plugin.py").write_text("raise RuntimeError('half written')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "SUBCOMMAND_MODULES", ["socval_test_broken_plugin"])
    assert cli.main(["validate", COMPLETE]) == 0
    err = capsys.readouterr().err
    assert "socval_test_broken_plugin are unavailable (RuntimeError: half written)" in err
