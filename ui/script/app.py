"""customs-graph: the analyst's workbench (Streamlit). It ships in the wheel;
`customs-graph app` runs it, and so does the checkout's app.py:

    streamlit run app.py          # store from CUSTOMS_GRAPH_STORE, else the default

Pages live in ui/pages/ and only arrange widgets; the work is done in ui/ and graph/.
"""

from importlib.resources import files
from pathlib import Path

import streamlit as st

from ui.auth import gate
from ui.common import app_icon, language_switch, page_style, sidebar_store, sidebar_working
from ui.i18n import t

PAGES = Path(str(files("ui.pages")))  # where the package is, installed or checked out


def _page(name: str, icon: str, **kw) -> st.Page:
    return st.Page(PAGES / f"{name}.py", title=t(f"nav.{name}"), icon=icon, url_path=name,
                   **kw)


def main() -> None:
    st.set_page_config(page_title="customs-graph", page_icon=app_icon(), layout="wide",
                       initial_sidebar_state="expanded")

    page_style()
    language_switch()
    nav = st.navigation({
        t("nav.group.start"): [_page("overview", ":material/dashboard:", default=True)],
        t("nav.group.investigate"): [
            _page("explore", ":material/hub:"),
            _page("investigations", ":material/folder_shared:"),
            _page("paths", ":material/route:"),
            _page("routes", ":material/flight_takeoff:"),
            _page("timeline", ":material/timeline:"),
            _page("analysis", ":material/insights:"),
            _page("resolve", ":material/join:"),
        ],
        t("nav.group.queries"): [
            _page("saved", ":material/bookmarks:"),
            _page("console", ":material/terminal:"),
        ],
        t("nav.group.share"): [
            _page("export", ":material/download:"),
            _page("duty_log", ":material/edit_note:"),
        ],
    })
    if gate():  # once users exist, every page asks for sign-in first
        sidebar_store()
        nav.run()
        sidebar_working()


if __name__ == "__main__":
    main()
