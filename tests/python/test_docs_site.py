"""The documentation site builds as `make docs` builds it (Sphinx, warnings are errors, notebooks executed).

One build (a few tens of seconds, mostly the notebooks), then checks on its pages: the landing page and its
sections, the API reference (every public name, `socval.Results` in particular), a model page with its math, the
command help generated at build time, the benchmarks, and every notebook executed with its outputs.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
KATEX = Path("/usr/share/javascript/katex/katex.min.js")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once, with the flags of `make docs`; return the output folder."""
    out = tmp_path_factory.mktemp("docs-html")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS), str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    warnings = [line for line in proc.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert proc.returncode == 0, f"sphinx exited {proc.returncode}:\n" + "\n".join(warnings or [proc.stderr[-3000:]])
    assert not warnings, "\n".join(warnings)
    return out


def page(site: Path, name: str) -> str:
    path = site / name
    assert path.is_file(), f"{name} was not built"
    return path.read_text(encoding="utf-8")


def test_landing_page_links_every_section(site):
    html = page(site, "index.html")
    for target in ("guide/installation.html", "guide/scenarios.html", "guide/simulation.html",
                   "guide/comparison.html", "guide/portfolio.html", "guide/sensitivity.html", "guide/cli.html",
                   "model.html", "formats/scenario.html", "formats/results.html", "west-of-england.html",
                   "api/index.html", "benchmarks/index.html"):
        assert f'href="{target}' in html, f"index.html does not link {target}"
    for notebook in sorted((DOCS / "notebooks").glob("*.ipynb")):
        assert f'href="notebooks/{notebook.stem}.html' in html, f"index.html does not link notebook {notebook.name}"


def test_api_reference_documents_results_and_every_public_name(site):
    html = page(site, "api/socval.html")
    assert 'id="socval.Results"' in html
    for method in ("summary", "draws", "by_priority", "save"):
        assert f'id="socval.Results.{method}"' in html, f"socval.Results.{method} is not documented"

    from sphinx.util.inventory import InventoryFile

    import socval

    with open(site / "objects.inv", "rb") as f:
        inventory = InventoryFile.load(f, "", lambda base, uri: uri)
    documented = {name for kind in inventory.values() for name in kind}
    public = [n for n in socval.__all__ if n != "__version__" and not isinstance(getattr(socval, n), type(socval))]
    missing = [n for n in public if f"socval.{n}" not in documented]
    assert not missing, f"public names missing from the API reference: {missing}"
    modules = {n for n in inventory.get("py:module", {})}
    # every module of the public layers has its page (one page per layer: docs/api/<layer>.rst)
    package = ROOT / "python" / "socval"
    for layer in ("appraisal", "values", "report"):  # a package documented as one module
        assert f"socval.{layer}" in modules, f"socval.{layer} has no API page"
    for layer in ("io", "model", "engine", "sensitivity", "indicators", "decision", "plots"):
        assert (site / "api" / f"{layer}.html").is_file(), f"layer {layer} has no API page"
        for path in sorted((package / layer).glob("*.py")):
            if path.stem != "__init__":
                assert f"socval.{layer}.{path.stem}" in modules, f"socval.{layer}.{path.stem} has no API page"
    # socval.simulate and socval.compare are functions of the top level (no module hides them)
    assert "socval.simulate" in inventory["py:function"] and "socval.compare" in inventory["py:function"]


def test_model_page_has_rendered_math(site):
    html = page(site, "model/appraisal.html")
    inline = re.findall(r'<span class="math notranslate nohighlight">\\\((.*?)\\\)</span>', html, re.S)
    display = re.findall(r'<div class="math notranslate nohighlight">\s*\\\[(.*?)\\\]', html, re.S)
    assert any("DF" in m for m in display), "the discount factor formula is not display math"
    assert len(inline) > 10
    if KATEX.is_file():   # offline: Debian's KaTeX is copied into the site and used
        assert "_static/katex/katex.min.js" in html and "cdn.jsdelivr.net" not in html
        assert (site / "_static" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").is_file()
    else:                 # fallback: MathJax from its CDN
        assert "mathjax" in html.lower()
    for chapter in ("appraisal", "engine", "local_economy", "sampling", "simulation", "decision", "portfolio",
                    "sensitivity", "scenario_sensitivity"):
        assert (site / "model" / f"{chapter}.html").is_file(), f"model chapter {chapter} was not built"


def test_no_page_loads_scripts_from_the_network_except_mathjax(site):
    for path in site.rglob("*.html"):
        for src in re.findall(r'<script[^>]*src="(https?://[^"]+)"', path.read_text(encoding="utf-8")):
            assert "mathjax" in src and not KATEX.is_file(), f"{path.relative_to(site)} loads {src}"


def test_cli_help_is_generated_for_every_subcommand(site):
    html = page(site, "guide/cli.html")
    for command in ("validate", "evaluate", "run", "summary", "compare", "sensitivity", "optimise", "values"):
        assert f"usage: socval {command}" in html, f"no generated help for socval {command}"


def test_benchmarks_page_includes_results_and_links_area_pages(site):
    html = page(site, "benchmarks/index.html")
    assert "Headline figures" in html
    for area in ("simulation", "sampling", "results_file", "decision_solver", "sensitivity",
                 "sensitivity_scenario"):
        assert f'href="{area}.html"' in html
        assert (site / "benchmarks" / f"{area}.html").is_file()


def test_every_notebook_page_was_executed(site):
    notebooks = sorted((DOCS / "notebooks").glob("*.ipynb"))
    assert notebooks, "docs/notebooks has no notebook"
    for notebook in notebooks:
        html = page(site, f"notebooks/{notebook.stem}.html")
        outputs = html.count('class="nboutput')
        assert outputs > 0, f"{notebook.name}: the page has no cell outputs (not executed?)"
        assert "Traceback (most recent call last)" not in html, f"{notebook.name}: a cell raised"
