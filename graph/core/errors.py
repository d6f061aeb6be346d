"""The project's exceptions, one tree under CustomsGraphError. As the Neo4j
driver's errors do, each says what the caller should do with it: `exit_code` (the
command line exits with it) and `retryable` (whether trying the same thing again
may work; the app offers "Retry" only then).

    CustomsGraphError        exit 1
    ├── UsageError           exit 2  an option or argument the command cannot take
    ├── SchemaError          exit 2  unknown label, relationship type or property; bad REF
    ├── DataError            exit 1  a bad input row: file, line, field, value, reason
    ├── NotFound             exit 1  a REF that is not in the store
    ├── QueryError           exit 1  a query that failed: name (or "cypher") and parameters
    │   └── ReadOnlyError    exit 1  a write attempted where only reads are allowed
    └── StoreUnavailable     exit 1  the store cannot be opened or reached: retryable,
                                     unless the cause will not go away (bad credentials)

>>> StoreUnavailable("down").retryable, StoreUnavailable("bad password", retryable=False).retryable
(True, False)
>>> UsageError("x").exit_code, SchemaError("x").exit_code, NotFound("x").exit_code
(2, 2, 1)
"""

from __future__ import annotations


class CustomsGraphError(Exception):
    """Root of every error this project raises on purpose."""

    exit_code = 1  # the command ran but failed
    retryable = False


class UsageError(CustomsGraphError):
    """Bad usage: what was asked cannot be done as asked (not a fault of the data)."""

    exit_code = 2


class SchemaError(CustomsGraphError):
    exit_code = 2


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
    retryable = True  # a server down or busy may answer later

    def __init__(self, message: str, *, retryable: bool = True):
        self.retryable = retryable
        super().__init__(message)
