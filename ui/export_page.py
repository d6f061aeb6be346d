"""Export: the working graph in every format of the registry
(graph.interchange.export.FORMATS): a format added there appears here with no change,
with its extension, MIME type and description from its entry.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import streamlit as st

from graph.interchange import export as exporter
from ui import auth
from ui.common import md_escape
from ui.i18n import t
from ui.workspace import workspace


def export_bytes(sub, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"customs-graph{exporter.FORMATS[fmt].extension}"
        exporter.write(sub, fmt, target)
        return target.read_bytes()


def formats() -> list[str]:
    """Every export format, the offline HTML page first."""
    return sorted(exporter.FORMATS, key=lambda f: f != "html")


def case_bytes(sub, title: str) -> bytes:
    """The working graph as a case package: every format, its manifest with SHA-256."""
    from graph.interchange import case
    from ui import state

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "case.zip"
        case.build(sub, target, store_url=state.store_url(), title=title,
                   queries=[{"name": "working graph", "parameters": {"nodes": len(sub.nodes)}}])
        return target.read_bytes()


def _case_card(ws, stem: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{md_escape(t('export.case'))}**")
        st.caption(t("export.case_help"))
        data = auth.download("case", "zip", f"{stem}.case.zip",
                             functools.partial(case_bytes, ws.sub, stem),
                             nodes=len(ws.sub.nodes), edges=len(ws.sub.edges))
        st.download_button(f"{stem}.case.zip", data, file_name=f"{stem}.case.zip",
                           mime="application/zip", key="export_case",
                           icon=":material/folder_zip:", on_click="ignore")


def render() -> None:
    st.title(t("export.title"))
    st.caption(t("export.intro"))
    if not auth.can("export"):  # a convenience: the door refuses the download itself
        st.warning(t("auth.export_refused", role=auth.role()), icon=":material/block:")
        return
    ws = workspace()
    if not ws.sub.nodes:
        st.info(t("common.empty_working"), icon=":material/hub:")
        return
    a, b = st.columns([2, 3], vertical_alignment="bottom")
    stem = a.text_input(t("export.name"), value="customs-graph", key="export_stem").strip()
    stem = "".join(c for c in stem if c.isalnum() or c in "-_.") or "customs-graph"
    b.markdown(t("common.nodes_edges", n=len(ws.sub.nodes), m=len(ws.sub.edges)))
    cols = st.columns(3)
    for i, fmt in enumerate(formats()):
        entry = exporter.FORMATS[fmt]
        with cols[i % 3].container(border=True):
            head = t("export.html") if fmt == "html" else fmt.upper()
            st.markdown(f"**{md_escape(head)}**")
            st.caption(t("export.html_help") if fmt == "html" else md_escape(entry.description))
            ext, mime = entry.extension, entry.mime
            # Built on the click, through the door (checked and recorded there).
            data = auth.download("graph", fmt, f"{stem}{ext}",
                                 functools.partial(export_bytes, ws.sub, fmt),
                                 nodes=len(ws.sub.nodes), edges=len(ws.sub.edges))
            st.download_button(f"{stem}{ext}", data,
                               file_name=f"{stem}{ext}", mime=mime, key=f"export_{fmt}",
                               icon=":material/download:",
                               type="primary" if fmt == "html" else "secondary",
                               on_click="ignore")
    _case_card(ws, stem)
