"""Writing a report's files: which files a report writes beside its path, each written whole or not at all, and
tables as CSV text."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Dict, Union

import pandas as pd

PathLike = Union[str, "os.PathLike[str]"]


def _write_atomic(path: Path, data: Union[str, bytes]) -> None:
    """Write a file whole or not at all: a temporary file in the same folder, renamed over ``path``."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def companion_paths(path: PathLike, format: str = "html", pdf: bool = False, csv: bool = False) -> Dict[str, Path]:
    """The files a report at ``path`` writes: ``main`` (the .html or .md, absent for a PDF-only report), ``pdf``,
    ``figures`` (the folder of PNG charts of a Markdown report) and ``csv:<table>`` for each CSV table."""
    path = Path(path)
    out: Dict[str, Path] = {}
    if path.suffix.lower() == ".pdf":
        out["pdf"] = path
    else:
        out["main"] = path
        if pdf:
            out["pdf"] = path.with_suffix(".pdf")
    if format == "md":
        out["figures"] = path.with_name(f"{path.stem}_files")
    if csv:
        for t in ("headline", "summary", "by-priority", "assumptions"):
            out[f"csv:{t}"] = path.with_name(f"{path.stem}-{t}.csv")
    return out


def _csv_text(df: pd.DataFrame) -> str:
    """CSV whose text cells cannot run as spreadsheet formulas (OWASP: a leading ' before = + - @)."""
    from .._util.safe_text import neutralise_frame

    return neutralise_frame(df).to_csv(index=False, lineterminator="\n")

