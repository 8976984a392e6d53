"""The value library: GDP deflator, carbon, WELLBY, QALY, optimism bias and unit values, with their sources.

Figures live in ``data/`` as YAML, each table with its source, licence, price base year and vintage. The default
library is the one shipped with socval; set ``SOCVAL_DATA`` or call :func:`load_library` to use another.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Union

import numpy as np
import pandas as pd

from .. import _core
from .. import examples as _examples

ArrayLike = Union[int, float, np.ndarray, list]
Library = _core.values.Library

#: The shipped value library folder: ``socval/examples/data`` in an installed package, else the repository's
#: ``data/`` (socval.examples.data_dir).
DATA_DIR = _examples.data_dir()


def load_library(directory: Union[str, Path]) -> Library:
    """Load and validate a value library folder (its ``library.yaml`` and the tables it lists)."""
    return Library.load(str(directory))


@functools.lru_cache(maxsize=None)
def _library_at(directory: str) -> Library:
    return Library.load(directory)


def default_library() -> Library:
    """The library in ``$SOCVAL_DATA`` if set, else the shipped one (loaded once)."""
    return _library_at(os.environ.get("SOCVAL_DATA", str(DATA_DIR)))


def _scalar_or_array(x):
    x = np.asarray(x)
    return x.item() if x.ndim == 0 else x


def deflator(year: ArrayLike):
    """GDP deflator index (2024 = 100) for a calendar year or an array of years."""
    return _scalar_or_array(default_library().deflator(year))


def rebase(amount: ArrayLike, from_year: ArrayLike, to_year: ArrayLike):
    """Move an amount from ``from_year`` prices to ``to_year`` prices: amount * deflator[to] / deflator[from]."""
    return _scalar_or_array(default_library().rebase(amount, from_year, to_year))


def carbon_value(year: ArrayLike, scenario: str = "central", price_base: int = 2024, beyond: str = "error"):
    """DESNZ value of one tCO2e in a calendar year (or array of years), in ``price_base`` prices.

    ``scenario`` is ``"low"``, ``"central"`` or ``"high"``. Years outside the published table (2020-2050) raise
    :class:`socval.ValueLibraryError` unless ``beyond="hold"``, which holds the nearest year's real value.
    """
    if beyond not in ("error", "hold"):
        raise _core.ValueLibraryError(f"carbon_value: expected beyond='error' or 'hold', found {beyond!r}")
    years = np.asarray(year)
    if years.dtype.kind not in "iu" and not np.all(np.mod(years, 1) == 0):
        raise _core.ValueLibraryError(f"carbon_value: expected whole calendar years, found {year!r}")
    return _scalar_or_array(default_library().carbon_value(years.astype(int), scenario, price_base, beyond == "hold"))


def wellby_value(scenario: str = "central", price_base: int = 2024) -> float:
    """Value of one WELLBY (HMT Wellbeing Guidance 2021: GBP 13,000 in 2019 prices, range 10,000-16,000)."""
    return default_library().wellby_value(scenario, price_base)


def qaly_value(scenario: str = "central", price_base: int = 2024) -> float:
    """Value of one QALY for cross-government appraisal (DHSC GBP 70,000 in 2019 prices, the WELLBY's base)."""
    return default_library().qaly_value(scenario, price_base)


def unit_value(id: str, scenario: str = "central", price_base: int = 2024) -> float:
    """A unit value of the library (GBP per unit of an outcome) in ``price_base`` prices."""
    return default_library().unit_value(id, scenario, price_base)


def optimism_bias(category: str) -> dict:
    """Upper-bound optimism bias uplifts (capital and duration, as shares) of a project category."""
    return default_library().optimism_bias(category)


def tables() -> pd.DataFrame:
    """Every table of the library with its source, licence, price base year and vintage."""
    lib = default_library()
    rows = []
    for t in lib.tables():
        p = lib.provenance(t)
        rows.append({"table": t, "source": p.source, "licence": p.licence, "vintage": p.vintage,
                     "price_base_year": p.price_base_year or None, "url": p.url})
    return pd.DataFrame(rows).set_index("table")


def unit_values() -> pd.DataFrame:
    """Every unit value of the library with its range, unit and provenance."""
    lib = default_library()
    rows = []
    for i in lib.unit_value_ids():
        u = lib.unit_value_entry(i)
        rows.append({"id": i, "description": u.description, "unit": u.unit, "low": u.low, "central": u.central,
                     "high": u.high, "price_base_year": u.provenance.price_base_year,
                     "illustrative": u.illustrative, "source": u.provenance.source, "licence": u.provenance.licence})
    return pd.DataFrame(rows).set_index("id")


def fixed_values(library: Library = None) -> pd.DataFrame:
    """The library values held fixed in every draw because their source gives no range (low = central = high):
    ``value:<id>`` is then not a parameter (docs/model/appraisal.md, "Value uncertainty"). Index the parameter id
    (``value:qaly``, ``value:<unit value id>``); columns value, unit, price_base_year, source, reason.

    The QALY is one: the HMT Wellbeing Guidance (2021) publishes the DHSC value (GBP 70,000, 2019 prices) without a
    range, and the WELLBY's published range (GBP 10,000-16,000) comes from the QALY-to-wellbeing conversion, so in
    each draw a QALY is 70,000 / (the WELLBY drawn) WELLBYs, as the guidance's derivation implies."""
    lib = library if library is not None else default_library()
    rows = []
    low, high = lib.qaly_value("low", 2019), lib.qaly_value("high", 2019)
    if low == high:
        p = lib.provenance("qaly")
        rows.append({"parameter": "value:qaly", "value": lib.qaly_value("central", p.price_base_year or 2019),
                     "unit": "GBP per QALY", "price_base_year": p.price_base_year or None, "source": p.source,
                     "reason": "no published range: the WELLBY's range reflects the QALY-to-wellbeing conversion, "
                               "not the QALY"})
    for i in lib.unit_value_ids():
        u = lib.unit_value_entry(i)
        if u.low == u.high:
            rows.append({"parameter": f"value:{i}", "value": u.central, "unit": u.unit,
                         "price_base_year": u.provenance.price_base_year, "source": u.provenance.source,
                         "reason": "no published range"})
    cols = ["parameter", "value", "unit", "price_base_year", "source", "reason"]
    return pd.DataFrame(rows, columns=cols).set_index("parameter")


def version() -> str:
    """Version of the default value library."""
    return default_library().version
