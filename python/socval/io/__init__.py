"""Results files: self-describing HDF5 (layout: docs/formats/results.md)."""
from . import results_file

__all__ = ["results_file"]
