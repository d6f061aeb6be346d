"""The actions layer: the one door every action goes through (graph/actions/core.py).

    from graph import actions
    found = actions.search(actor, store, "viet tran")

Each action checks the actor's role against graph.records.users.PERMISSIONS, masks the
result for that role, runs and writes one audit record (allowed, refused or
failed). `ACTIONS` lists them with their permission.
"""

from graph.actions.core import (
    ACTIONS,
    MAX_ROWS,
    MAX_TIMEOUT_S,
    Action,
    Ctx,
    Nobody,
    action,
    cli_actor,
    query_limits,
)
from graph.actions.investigations import (
    investigation_duplicate,
    investigation_export,
    investigation_list,
    investigation_note,
    investigation_open,
    investigation_post,
    investigation_rename,
    investigation_save,
    investigation_share,
    investigation_status,
    investigation_versions,
)
from graph.actions.logs import (
    log_add,
    log_audit,
    log_handover,
    log_reanchor,
    log_shifts,
    log_show,
    log_verify,
    users_add,
    users_disable,
    users_enable,
    users_init,
    users_list,
    users_password,
    users_remove,
    users_role,
    users_single_user,
    users_whoami,
)
from graph.actions.masking import Masker, personal_column
from graph.actions.reads import (
    analyse,
    counts,
    cypher,
    entity,
    expand,
    merges,
    neighbours,
    overview,
    paths,
    queries_list,
    query,
    risk_scores,
    routes,
    search,
    summary,
    timeline,
)
from graph.actions.work import (
    alerts,
    bench,
    case_package,
    case_verify,
    export,
    export_download,
    index_rebuild,
    load,
    neo4j_import,
    resolve_accept,
    resolve_list,
    resolve_reject,
    resolve_undo,
    screen_file,
    screen_stored,
    serve,
    watchlist_save,
)

__all__ = [
    "Action", "action", "ACTIONS", "alerts", "analyse", "bench", "case_package", "case_verify",
    "cli_actor", "counts", "Ctx", "cypher", "entity", "expand", "export", "export_download",
    "index_rebuild", "investigation_duplicate", "investigation_export", "investigation_list",
    "investigation_note", "investigation_open", "investigation_post", "investigation_rename",
    "investigation_save", "investigation_share", "investigation_status",
    "investigation_versions", "load", "log_add", "log_audit", "log_handover", "log_reanchor",
    "log_shifts",
    "log_show", "log_verify", "Masker", "MAX_ROWS", "MAX_TIMEOUT_S", "merges", "neighbours",
    "neo4j_import", "Nobody", "overview", "paths", "personal_column", "queries_list", "query",
    "query_limits", "resolve_accept", "resolve_list", "resolve_reject", "resolve_undo",
    "risk_scores", "routes", "screen_file", "screen_stored", "search", "serve", "summary",
    "timeline", "users_add", "users_disable", "users_enable", "users_init", "users_list",
    "users_password", "users_remove", "users_role", "users_single_user", "users_whoami",
    "watchlist_save"
]
