"""The app's pages. PAGE_ACTIONS: the actions (graph/actions) each page calls, besides
the sidebar's "counts"; the door checks, masks and records each call
(tests/test_actions.py keeps this whole)."""

PAGE_ACTIONS: dict[str, tuple[str, ...]] = {
    "overview": ("counts", "overview", "query", "alerts"),
    "explore": ("search", "neighbours", "expand", "summary"),
    "paths": ("search", "paths"),
    "routes": ("routes", "export.download"),
    "timeline": ("timeline",),
    "analysis": ("search", "neighbours", "risk"),
    "resolve": ("resolve.list", "resolve.accept", "resolve.reject", "resolve.undo",
                "resolve.merges", "screen", "watchlist.save"),
    "saved": ("query", "export.download"),
    "console": ("cypher", "export.download"),
    "export": ("export.download",),
    "duty_log": ("log.add", "log.show", "log.verify", "export.download"),
    "investigations": ("investigation.list", "investigation.open", "investigation.versions",
                       "investigation.save", "investigation.share", "investigation.status",
                       "investigation.rename", "investigation.duplicate", "investigation.note",
                       "investigation.post", "investigation.export"),
}
