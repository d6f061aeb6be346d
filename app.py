"""customs-graph: the analyst's workbench (Streamlit).

    streamlit run app.py          # store from CUSTOMS_GRAPH_STORE, else the default

Pages live in ui/pages/ and only arrange widgets; the work is done in ui/ and graph/.
"""

import streamlit as st

from ui.auth import gate
from ui.common import app_icon, language_switch, page_style, sidebar_store, sidebar_working
from ui.i18n import t

st.set_page_config(page_title="customs-graph", page_icon=app_icon(), layout="wide",
                   initial_sidebar_state="expanded")

page_style()
language_switch()


def _page(name: str, icon: str, **kw) -> st.Page:
    return st.Page(f"ui/pages/{name}.py", title=t(f"nav.{name}"), icon=icon, url_path=name, **kw)


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
