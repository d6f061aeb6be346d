"""A rejected row: file, line, field, value and reason, shown with escapes."""

from __future__ import annotations

from dataclasses import dataclass

from graph.core.text import csv_cell, escape


@dataclass
class Reject:
    file: str
    line: int
    field: str
    value: str
    reason: str

    def __post_init__(self):
        # Shown with escapes from the start: a value holding bytes that were not
        # UTF-8 or control characters can then be printed and written anywhere.
        self.file, self.field = escape(self.file), escape(self.field)
        self.value, self.reason = escape(self.value), escape(self.reason)

    def as_row(self) -> list:
        value = self.value if len(self.value) <= 200 else self.value[:200] + "…"
        return [csv_cell(x) for x in (self.file, self.line, self.field, value, self.reason)]
