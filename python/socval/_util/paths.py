"""Paths as socval records them in its outputs: never an absolute path that discloses the user's folders."""
from __future__ import annotations

import os
from typing import Optional

__all__ = ["stored_path"]


def stored_path(path: Optional[str]) -> str:
    """``path`` relative to the working folder when it lies below it, else only its file name ("" for none)."""
    if not path:
        return ""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.getcwd())
    except ValueError:  # another drive (Windows)
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return os.path.basename(absolute)
    return relative
