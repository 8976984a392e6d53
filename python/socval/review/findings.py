"""The checklist's findings: one record per problem found, and the collection a check returns (text table, JSON,
pandas DataFrame). Severities: ``error`` (the appraisal is wrong as it stands), ``warning`` (a reviewer will ask),
``advice`` (worth saying in the paper)."""
from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Iterator, List, Sequence

import pandas as pd

__all__ = ["Finding", "Findings", "SEVERITIES"]

#: Severities, most serious first.
SEVERITIES = ("error", "warning", "advice")
_COLUMNS = ["rule", "severity", "where", "key", "found", "guidance", "action"]


@dataclass(frozen=True)
class Finding:
    """One thing the checklist found.

    rule: the rule id (``ADD001``, ... as in docs/guide/checklist.md); severity: ``error`` | ``warning`` |
    ``advice``; file, line, column: where it was written (line and column 1-based, 0 when not known); key: the key
    path (``outcomes.jobs.deadweight``); found: what was found; guidance: the guidance the rule rests on;
    action: what to do.
    """

    rule: str
    severity: str
    file: str
    line: int
    column: int
    key: str
    found: str
    guidance: str
    action: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity: expected one of {SEVERITIES}, found {self.severity!r}")

    @property
    def where(self) -> str:
        """``file:line:column`` (or the file alone when the position is not known)."""
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file

    def to_dict(self) -> dict:
        d = asdict(self)
        d["where"] = self.where
        return d

    def __str__(self) -> str:
        return (f"{self.where}: {self.key}: {self.severity} {self.rule}: {self.found} [{self.guidance}] "
                f"-> {self.action}")


class Findings(Sequence[Finding]):
    """The findings of a check, most serious first (then by file, line and rule)."""

    def __init__(self, findings: Iterable[Finding] = (), subject: str = "") -> None:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        self._items: List[Finding] = sorted(
            dict.fromkeys(findings), key=lambda f: (order[f.severity], f.file, f.line, f.column, f.rule, f.key))
        self.subject = subject

    def __getitem__(self, i):  # type: ignore[override]
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._items)

    def __add__(self, other: "Findings") -> "Findings":
        return Findings(list(self) + list(other), subject=self.subject or other.subject)

    @property
    def has_errors(self) -> bool:
        """True when an error-level finding is present (``socval check`` then exits 1)."""
        return any(f.severity == "error" for f in self._items)

    def rules(self) -> List[str]:
        """The rule ids found, each once, in order."""
        return list(dict.fromkeys(f.rule for f in self._items))

    def by_rule(self, rule: str) -> "Findings":
        return Findings([f for f in self._items if f.rule == rule], self.subject)

    def counts(self) -> dict:
        """Number of findings per severity."""
        return {s: sum(f.severity == s for f in self._items) for s in SEVERITIES}

    def to_frame(self) -> pd.DataFrame:
        """One row per finding: rule, severity, where (file:line:column), key, found, guidance, action, and the
        file, line and column as separate columns."""
        rows = [f.to_dict() for f in self._items]
        return pd.DataFrame(rows, columns=_COLUMNS + ["file", "line", "column"])

    def to_list(self) -> List[dict]:
        return [f.to_dict() for f in self._items]

    def to_json(self, **kwargs: Any) -> str:
        """``{"subject", "counts", "findings": [...]}`` as JSON text (``kwargs`` go to json.dumps)."""
        kwargs.setdefault("indent", 2)
        return json.dumps({"subject": self.subject, "counts": self.counts(), "findings": self.to_list()}, **kwargs)

    def table(self, width: int = 0) -> str:
        """A plain-text table: one block per finding (where, rule, severity; what; guidance; what to do); with
        ``width`` > 0, the text is wrapped to that many columns under its label (a long id is never split)."""
        if not self._items:
            return f"{self.subject + ': ' if self.subject else ''}no findings"
        c = self.counts()
        head = (f"{self.subject + ': ' if self.subject else ''}{len(self)} findings "
                f"({c['error']} errors, {c['warning']} warnings, {c['advice']} advice)")
        lines = [head]
        for f in self._items:
            head = f"{f.severity.upper():8} {f.rule:7} {f.where}  {f.key}"
            if 0 < width < len(head):  # the key on a line of its own
                head = f"{f.severity.upper():8} {f.rule:7} {f.where}\n         key:    {f.key}"
            lines.append(head)
            for label, text in (("found:  ", f.found), ("basis:  ", f.guidance), ("action: ", f.action)):
                first = "         " + label
                if width > len(first) + 20:
                    lines.extend(textwrap.wrap(str(text), width, initial_indent=first,
                                               subsequent_indent=" " * len(first), break_long_words=False,
                                               break_on_hyphens=False) or [first.rstrip()])
                else:
                    lines.append(f"{first}{text}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        return self.to_frame()[_COLUMNS].to_html(index=False)
