"""Sphinx configuration of the socval documentation site (``make docs``; warnings are errors).

Pages are Markdown (MyST), notebooks are executed at every build (nbsphinx, kernel ``socval``) and the API
reference comes from the numpy-style docstrings (autodoc + napoleon). Everything the site needs comes from
Debian packages; nothing is fetched while building. Math is rendered offline by Debian's KaTeX (``libjs-katex``)
when it is installed, otherwise by MathJax from its CDN (the only part of the site that then needs a network).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "python"))  # the package in the work tree (the venv has it editable too)

import socval  # noqa: E402  (after the path)

# -- Project -----------------------------------------------------------------------------------------------------
project = "socval"
author = "the socval developers"
copyright = "socval developers; value library figures: Open Government Licence v3.0 where stated"
version = socval.__version__
release = socval.__version__

# -- General -----------------------------------------------------------------------------------------------------
extensions = [
    "myst_parser",
    "nbsphinx",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}  # nbsphinx adds .ipynb
root_doc = "index"
exclude_patterns = [
    "_build", "**/.ipynb_checkpoints", "notebooks/README.md",
]
templates_path = ["_templates"]
pygments_style = "sphinx"
nitpicky = False  # references to numpy / pandas types stay plain text: no intersphinx (no network at build time)

# -- MyST (Markdown) ---------------------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 4          # `page.md#a-heading` links work down to ####
myst_dmath_double_inline = True   # `$$...$$` inside a paragraph is display math
myst_url_schemes = ["http", "https", "mailto"]

# The notebooks are listed in the landing page's toctree only when there are some: a toctree glob that matches
# nothing is a warning, and warnings are errors. `{{ notebooks_toctree }}` on its own line in index.md.
NOTEBOOKS = sorted((DOCS / "notebooks").glob("*.ipynb"))
myst_substitutions = {
    "notebooks_toctree": "```{toctree}\n:caption: Notebooks\n:maxdepth: 1\n:glob:\n\nnotebooks/*\n```\n"
    if NOTEBOOKS else "",
}

# -- Notebooks (nbsphinx): executed at every build, a failing cell fails the build ------------------------------
nbsphinx_execute = "always"
nbsphinx_kernel_name = "socval"
nbsphinx_allow_errors = False
nbsphinx_timeout = 120            # seconds per cell
nbsphinx_execute_arguments = ["--InlineBackend.figure_formats={'png'}", "--InlineBackend.rc={'figure.dpi': 96}"]
# ipykernel's debugger prints a "frozen modules" notice on every kernel start; the kernel inherits this setting.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
nbsphinx_requirejs_path = ""   # no require.js (from a CDN): no widgets here, and it would hide KaTeX's global
nbsphinx_widgets_path = ""
nbsphinx_prolog = """
.. note::
   This page is a Jupyter notebook executed when the site was built
   (``docs/{{ env.docname }}.ipynb``, socval |release|, kernel ``socval``).
"""

# -- API reference (autodoc + napoleon, numpy style) -------------------------------------------------------------
autodoc_default_options = {"member-order": "bysource", "show-inheritance": True}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"  # and the return type
autodoc_preserve_defaults = True  # show `draws=10_000`, not the evaluated default
autoclass_content = "both"        # class docstring + __init__ docstring
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = True
napoleon_use_ivar = True

# -- HTML ----------------------------------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"socval {release}"
html_static_path = ["_static"]
html_css_files = ["socval.css"]
html_theme_options = {
    "description": "Social value scenarios, Monte Carlo and decision support for UK public bodies",
    "fixed_sidebar": True,
    "page_width": "1240px",
    "sidebar_width": "260px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_show_sourcelink = True
html_copy_source = True

# -- Math: KaTeX from Debian (offline) if installed, else MathJax 3 from its CDN ---------------------------------
# Sphinx's mathjax extension writes inline math as \( \) and display math as \[ \] inside elements of class
# "math"; with KaTeX, a small script (_static/katex-render.js) renders exactly those elements with KaTeX's
# auto-render. No TeX installation is needed either way (imgmath would need latex and dvipng).
KATEX_DIR = Path("/usr/share/javascript/katex")
KATEX = (KATEX_DIR / "katex.min.js").is_file() and (KATEX_DIR / "contrib" / "auto-render.js").is_file()
if KATEX:
    mathjax_path = "katex-render.js"
    mathjax_options = {"defer": "defer"}
    html_css_files.append("katex/katex.min.css")
    html_js_files = [("katex/katex.min.js", {"defer": "defer"}),
                     ("katex/contrib/auto-render.js", {"defer": "defer"})]


def _copy_katex(app, exception) -> None:
    """Copy Debian's KaTeX (scripts, stylesheet, fonts; symbolic links followed) into the site's _static."""
    if exception is not None or not KATEX or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "katex"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(KATEX_DIR / "katex.min.js", target / "katex.min.js")
    shutil.copy2(KATEX_DIR / "katex.min.css", target / "katex.min.css")
    (target / "contrib").mkdir()
    shutil.copy2(KATEX_DIR / "contrib" / "auto-render.js", target / "contrib" / "auto-render.js")
    shutil.copytree(KATEX_DIR / "fonts", target / "fonts", ignore=shutil.ignore_patterns("*.ttf"))


# -- `socval` command help, generated at build time -------------------------------------------------------------
from socval.cli.helpdoc import command_help  # noqa: E402  one copy: the generated cli.md uses it too


def _socval_help_directive():
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class SocvalHelp(SphinxDirective):
        """``{socval-help} [COMMAND]``: the command's ``--help`` text as a literal block."""

        optional_arguments = 1
        has_content = False

        def run(self):
            command = self.arguments[0] if self.arguments else None
            try:
                text = command_help(command)
            except ValueError as e:
                raise self.error(str(e))
            block = nodes.literal_block(text, text, language="text")
            block["classes"].append("socval-help")
            return [block]

    return SocvalHelp


def _skip_reexported(app, what, name, obj, skip, options):
    """Each object is documented once, under the name users write: `socval.Results`, not `socval.results.Results`.

    The top-level page (api/socval.rst) documents the names of ``socval.__all__``; a module page skips them.
    """
    if what == "module" and name in socval.__all__ and getattr(socval, name, None) is obj:
        return True
    return None


_ATTRIBUTE_DOCSTRINGS: dict = {}


def _keep_attribute_docstring(app, what, name, obj, options, lines) -> None:
    """Before napoleon (priority 400): remember the docstring of an attribute or property."""
    if what in ("attribute", "property", "data"):
        _ATTRIBUTE_DOCSTRINGS[name] = list(lines)


def _attribute_docstring_as_text(app, what, name, obj, options, lines) -> None:
    """After napoleon (priority 600): parse a property's docstring like a method's if its first line has a colon.

    For attributes and properties napoleon reads ``Where it came from: its file`` as ``type: description`` (a
    Google-style convention). socval's docstrings do not use it: types come from the annotations.
    """
    from sphinx.ext.napoleon.docstring import NumpyDocstring

    original = _ATTRIBUTE_DOCSTRINGS.pop(name, None)
    if original and ":" in original[0]:
        lines[:] = NumpyDocstring(original, app.config, app, "method", name, obj, options).lines()


_SECTION_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")
_COMBINED_NAMES = re.compile(r"^(\s*)([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s*(:.*)?$")


def _split_combined_attributes(app, what, name, obj, options, lines) -> None:
    """Before napoleon: ``mean, p_best:`` in an Attributes section becomes one entry per name.

    The numpy docstring standard lets names that share a type and description be combined, and napoleon splits
    them in Parameters sections but not in Attributes sections, where ``a, b`` would become one odd field.
    """
    out, in_attributes = [], False
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and _SECTION_UNDERLINE.match(lines[i + 1]):
            in_attributes = line.strip() == "Attributes"
        m = _COMBINED_NAMES.match(line) if in_attributes else None
        if m is None:
            out.append(line)
            continue
        indent, names, kind = m[1], [n.strip() for n in m[2].split(",")], m[3] or ""
        body = []
        for following in lines[i + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= len(indent):
                break
            body.append(following)
        for n in names[:-1]:
            out.append(f"{indent}{n}{' ' + kind if kind.strip(': ') else kind}")
            out.extend(body)
        out.append(f"{indent}{names[-1]}{' ' + kind if kind.strip(': ') else kind}")
    lines[:] = out


def setup(app):
    app.connect("autodoc-process-docstring", _split_combined_attributes, priority=400)
    app.connect("autodoc-process-docstring", _keep_attribute_docstring, priority=400)
    app.connect("autodoc-process-docstring", _attribute_docstring_as_text, priority=600)
    app.connect("autodoc-skip-member", _skip_reexported)
    app.add_directive("socval-help", _socval_help_directive())
    app.connect("build-finished", _copy_katex)
    return {"parallel_read_safe": True}
