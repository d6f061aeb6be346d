"""The project's exceptions, one tree under CustomsGraphError.

    CustomsGraphError
    ├── SchemaError          unknown label, relationship type or property; bad REF
    ├── DataError            a bad input row: file, line, field, value, reason
    ├── NotFound             a REF that is not in the store
    ├── QueryError           a query that failed: name (or "cypher") and parameters
    │   └── ReadOnlyError    a write attempted where only reads are allowed
    └── StoreUnavailable     the store cannot be opened or reached
"""

from __future__ import annotations


class CustomsGraphError(Exception):
    """Root of every error this project raises on purpose."""


class SchemaError(CustomsGraphError):
    pass


class DataError(CustomsGraphError):
    def __init__(self, reason: str, *, file: str = "", line: int = 0, field: str = "", value=""):
        self.reason, self.file, self.line, self.field, self.value = reason, file, line, field, value
        where = f"{file}:{line}" if file else ""
        what = f" field {field!r}" if field else ""
        super().__init__(f"{where}{what}: {reason}" if where or what else reason)


class NotFound(CustomsGraphError):
    pass


class QueryError(CustomsGraphError):
    def __init__(self, message: str, *, name: str = "cypher", params: dict | None = None):
        self.name, self.params = name, dict(params or {})
        super().__init__(message)


class ReadOnlyError(QueryError):
    pass


class StoreUnavailable(CustomsGraphError):
    pass
