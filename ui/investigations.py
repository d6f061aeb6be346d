"""Investigations in the app: save the working graph, open one (any version), share,
hand over, close, duplicate; notes on the chart and to the duty log; the i2 chart,
the investigator's report and the case package. Every call goes through the door.

Also the hooks Explore uses: the notes to mark on the chart and in the side panel,
and where the browser drew the nodes (saved with the chart)."""

from __future__ import annotations

import functools

import streamlit as st

from graph import actions
from graph.records.investigations import STATUSES, Chart, Investigation
from ui import auth, state
from ui.common import md_escape
from ui.i18n import lang
from ui.workspace import workspace

OPEN_KEY = "inv_open"  # session: the id of the investigation chosen in the list
NEXT_KEY = "inv_next"  # session: the one to choose on the next run (just saved or changed)
_T = {
    "title": ("Investigations", "Chuyên án"),
    "intro": ("A saved working graph with its notes, shared with colleagues; every change "
              "is a new version.", "Đồ thị làm việc đã lưu cùng ghi chú, chia sẻ với đồng "
              "nghiệp; mỗi thay đổi là một phiên bản mới."),
    "current": ("On the chart now", "Đang trên đồ thị"),
    "unsaved": ("The working graph is not saved as an investigation.",
                "Đồ thị làm việc chưa được lưu thành chuyên án."),
    "name": ("Name", "Tên"),
    "save_new": ("Save as a new investigation", "Lưu thành chuyên án mới"),
    "save": ("Save a new version", "Lưu phiên bản mới"),
    "saved": ("Saved: version {v}", "Đã lưu: phiên bản {v}"),
    "list": ("Investigations you may open", "Chuyên án bạn được mở"),
    "none": ("No investigation yet.", "Chưa có chuyên án nào."),
    "pick": ("Investigation", "Chuyên án"),
    "version": ("Version", "Phiên bản"),
    "open": ("Open on the chart", "Mở trên đồ thị"),
    "opened": ("Opened version {v}", "Đã mở phiên bản {v}"),
    "history": ("Version history", "Lịch sử phiên bản"),
    "share": ("Share with (user names)", "Chia sẻ với (tên người dùng)"),
    "share_btn": ("Share", "Chia sẻ"),
    "status": ("Status", "Trạng thái"),
    "status_btn": ("Set status", "Đặt trạng thái"),
    "rename_btn": ("Rename", "Đổi tên"),
    "duplicate_btn": ("Duplicate", "Nhân bản"),
    "notes": ("Notes", "Ghi chú"),
    "no_notes": ("No notes.", "Chưa có ghi chú."),
    "note_on": ("Note on", "Ghi chú cho"),
    "note_text": ("Note", "Ghi chú"),
    "note_add": ("Add the note", "Thêm ghi chú"),
    "the_investigation": ("the investigation", "chuyên án"),
    "post": ("Post to the duty log", "Đưa vào nhật ký trực ban"),
    "posted": ("Posted as duty log entry #{id}", "Đã ghi vào nhật ký trực ban, mục #{id}"),
    "out": ("Out", "Xuất"),
    "anx": ("i2 chart (ANX)", "Biểu đồ i2 (ANX)"),
    "report": ("Report (HTML)", "Báo cáo (HTML)"),
    "pdf": ("Report (PDF)", "Báo cáo (PDF)"),
    "status.open": ("open", "đang mở"),
    "status.handed over": ("handed over", "đã bàn giao"),
    "status.closed": ("closed", "đã đóng"),
    "by": ("{who}, {time}: {change}", "{who}, {time}: {change}"),
    "readonly": ("Shared with you to read.", "Được chia sẻ để xem."),
}


def _t(key: str, **kw) -> str:
    en, vi = _T[key]
    text = vi if lang() == "vi" else en
    return text.format(**kw) if kw else text


# --- hooks for Explore -------------------------------------------------------------------
def chart_notes() -> dict[str, list[str]]:
    """{node id or link key: [note text]} of the investigation on the chart."""
    inv = workspace().investigation
    out: dict[str, list[str]] = {}
    for n in (inv.notes if inv else ()):
        if n.target:
            out.setdefault(n.target, []).append(n.text)
    return out


def on_positions(key: str, shown_ids: dict[str, str]) -> None:
    """The browser reported where it drew the nodes: keep them (real ids) for saving."""
    from ui import graphview

    got = graphview.event(key, "positions") or {}
    ws = workspace()
    for shown, xy in dict(got).items():
        real = shown_ids.get(shown, shown)
        if real in ws.sub.nodes and isinstance(xy, (list, tuple)) and len(xy) == 2:
            ws.positions[real] = (float(xy[0]), float(xy[1]))


def node_notes(node_id: str) -> None:
    """The side panel's notes of one node."""
    texts = chart_notes().get(node_id)
    if texts:
        st.caption(_t("notes"))
        for text in texts:
            st.markdown(f"✎ {md_escape(text)}")


# --- the working graph <-> an investigation ------------------------------------------------
def chart_now() -> Chart:
    ws = workspace()
    sub = ws.sub
    inv = ws.investigation
    day = st.session_state.get(DAY_KEY) or None
    return Chart(sub, {k: v for k, v in ws.positions.items() if k in sub.nodes},
                 set(ws.pinned), set(inv.chart.hidden) if inv else set(), ws.focus,
                 list(ws.groups), (None, day) if day else None)


def load(inv: Investigation) -> None:
    """Put an investigation on the chart: nodes, links, marks, where they were drawn."""
    ws = workspace()
    ws.open(inv.chart.sub, focus=inv.chart.focus)
    ws.pinned = set(inv.chart.pinned) & set(ws.sub.nodes)
    ws.positions = dict(inv.chart.positions)
    ws.placed = dict(inv.chart.positions)
    ws.groups = list(inv.chart.groups)
    ws.investigation = inv
    st.session_state[PENDING_DAY] = (inv.chart.window or (None, None))[1] or ""


def _keep(inv: Investigation) -> Investigation:
    workspace().investigation = inv
    st.session_state[NEXT_KEY] = inv.id  # chosen in the list on the next run
    return inv


# --- the page ----------------------------------------------------------------------------
def _current() -> None:
    ws = workspace()
    inv = ws.investigation
    st.subheader(_t("current"))
    if inv is None:
        st.caption(_t("unsaved"))
    else:
        st.markdown(f"**{md_escape(inv.name)}** · v{inv.version} · "
                    f"{md_escape(_t('status.' + inv.status))} · {md_escape(inv.owner)}")
    if not auth.can("investigate") or not ws.sub.nodes:
        return
    row = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
    name = row.text_input(_t("name"), key="inv_name", max_chars=200)
    if row.button(_t("save_new"), key="inv_save_new", icon=":material/save_as:",
                  disabled=not name.strip()):
        done = _keep(auth.act(actions.investigation_save, state.get_store(), chart_now(),
                              name=name))
        st.success(_t("saved", v=done.version))
    if inv is not None and row.button(_t("save"), key="inv_save", type="primary",
                                      icon=":material/save:"):
        done = _keep(auth.act(actions.investigation_save, state.get_store(), chart_now(),
                              inv_id=inv.id, expect=inv.version))
        st.success(_t("saved", v=done.version))


def _manage(inv: Investigation) -> None:
    me = auth.who()
    owner = auth.can("investigate") and (me == inv.owner or auth.role() == "admin")
    if not owner:
        if not auth.can("investigate"):
            st.caption(_t("readonly"))
        return
    store = state.get_store()
    a, b = st.columns(2, vertical_alignment="bottom")
    people = a.text_input(_t("share"), value=", ".join(inv.shared), key="inv_share")
    if b.button(_t("share_btn"), key="inv_share_btn", icon=":material/share:"):
        want = [p.strip() for p in people.split(",") if p.strip()]
        _keep(auth.act(actions.investigation_share, store, inv.id,
                       add=[p for p in want if p not in inv.shared],
                       remove=[p for p in inv.shared if p not in want]))
        st.rerun()
    c, d = st.columns(2, vertical_alignment="bottom")
    status = c.selectbox(_t("status"), STATUSES, index=STATUSES.index(inv.status),
                         format_func=lambda s: _t("status." + s), key="inv_status")
    if d.button(_t("status_btn"), key="inv_status_btn", icon=":material/flag:"):
        _keep(auth.act(actions.investigation_status, store, inv.id, status))
        st.rerun()
    e, f, g = st.columns([2, 1, 1], vertical_alignment="bottom")
    new = e.text_input(_t("name"), value=inv.name, key="inv_rename", max_chars=200)
    if f.button(_t("rename_btn"), key="inv_rename_btn", icon=":material/edit:"):
        _keep(auth.act(actions.investigation_rename, store, inv.id, new))
        st.rerun()
    if g.button(_t("duplicate_btn"), key="inv_dup_btn", icon=":material/content_copy:"):
        _keep(auth.act(actions.investigation_duplicate, store, inv.id, f"{inv.name} (2)"))
        st.rerun()


def _notes(inv: Investigation) -> None:
    st.subheader(_t("notes"))
    if not inv.notes:
        st.caption(_t("no_notes"))
    for n in inv.notes:
        on = n.target or _t("the_investigation")
        row = st.container(horizontal=True, gap="small", vertical_alignment="center")
        row.markdown(f"✎ **{md_escape(on)}**: {md_escape(n.text)}  \n"
                     f":gray[{md_escape(n.author)} · {md_escape(n.time)}]")
        if auth.can("log_write") and row.button(_t("post"), key=f"inv_post_{n.id}",
                                                icon=":material/edit_note:"):
            e = auth.act(actions.investigation_post, state.get_store(), inv.id, n.id)
            st.success(_t("posted", id=e.id))
    if not auth.can("investigate") or not (auth.who() == inv.owner or auth.who() in inv.shared
                                           or auth.role() == "admin"):
        return
    targets = ["", *sorted(inv.chart.sub.nodes)]
    a, b = st.columns([1, 2])
    target = a.selectbox(_t("note_on"), targets, key="inv_note_on",
                         format_func=lambda x: x or _t("the_investigation"))
    text = b.text_area(_t("note_text"), key="inv_note_text", max_chars=10_000, height=80)
    if st.button(_t("note_add"), key="inv_note_add", icon=":material/add_comment:",
                 disabled=not text.strip()):
        _keep(auth.act(actions.investigation_note, state.get_store(), inv.id, text, target))
        st.rerun()


def _out(inv: Investigation) -> None:
    if not auth.can("export"):
        return
    st.subheader(_t("out"))
    row = st.container(horizontal=True, gap="small")
    stem = f"investigation-{inv.id}-v{inv.version}"
    for fmt, label, ext, mime in (("anx", "anx", ".anx", "application/xml"),
                                  ("html", "report", ".html", "text/html"),
                                  ("pdf", "pdf", ".pdf", "application/pdf")):
        # Built on the click, through the door (checked and recorded there).
        make = functools.partial(actions.investigation_export, auth.user(), state.get_store(),
                                 inv.id, fmt, version=inv.version, where="app")
        row.download_button(_t(label), make, file_name=stem + ext, mime=mime,
                            key=f"inv_out_{fmt}", icon=":material/download:", on_click="ignore")


def render() -> None:
    st.title(_t("title"))
    st.caption(_t("intro"))
    _current()
    store = state.get_store()
    found = auth.act_once("inv_list", actions.investigation_list, store,
                          version=(state.store_url(), st.session_state.get("inv_seq", 0),
                                   getattr(workspace().investigation, "version", 0),
                                   getattr(workspace().investigation, "status", "")))
    st.subheader(_t("list"))
    if not found:
        st.info(_t("none"), icon=":material/folder_open:")
        return
    ids = [i["id"] for i in found]
    by_id = {i["id"]: i for i in found}
    asked = st.query_params.get("id")  # a link from the handover report
    if asked in by_id and st.session_state.get("inv_asked") != asked:
        st.session_state["inv_asked"] = st.session_state[NEXT_KEY] = asked
    if st.session_state.get(NEXT_KEY) in by_id:
        st.session_state[OPEN_KEY] = st.session_state.pop(NEXT_KEY)
    if st.session_state.get(OPEN_KEY) not in by_id:
        st.session_state[OPEN_KEY] = ids[0]
    pick = st.selectbox(_t("pick"), ids, key=OPEN_KEY,
                        format_func=lambda i: f"{by_id[i]['name']} · v{by_id[i]['version']} · "
                        f"{_t('status.' + by_id[i]['status'])} · {by_id[i]['owner']}")
    history = auth.act_once("inv_history", actions.investigation_versions, store, pick,
                            version=by_id[pick]["version"])
    versions = [v["version"] for v in reversed(history)]
    a, b = st.columns([1, 2], vertical_alignment="bottom")
    version = a.selectbox(_t("version"), versions, key=f"inv_version_{pick}")
    if b.button(_t("open"), key="inv_open_btn", type="primary", icon=":material/file_open:"):
        inv = auth.act(actions.investigation_open, store, pick, version)
        load(inv)
        st.success(_t("opened", v=inv.version))
    with st.expander(_t("history"), icon=":material/history:"):
        for v in reversed(history):
            st.markdown(f"v{v['version']} · " + md_escape(
                _t("by", who=v["by"], time=v["time"], change=v["change"])))
    inv = workspace().investigation
    if inv is not None and inv.id == pick:
        _manage(inv)
        _notes(inv)
        _out(inv)


def handover_list(shift: str, user) -> list[dict]:
    """The investigations `user` may open that changed during the shift, for the
    handover report (built on the download's click, which the door records)."""
    from graph.records.investigations import in_shift, records_for

    with records_for(state.get_store()) as recs:
        return in_shift(recs, shift, user.name, admin=user.role == "admin")


# --- the time slider and groups, on Explore --------------------------------------------------
DAY_KEY = "explore_day"
PENDING_DAY = "explore_day_next"  # set by opening an investigation, applied before the slider
_T.update({
    "time": ("Chart as of", "Đồ thị tính đến"),
    "time_all": ("all dates", "mọi ngày"),
    "time_help": ("Entities and links dated later are hidden (the range: the chart's dated "
                  "properties).", "Ẩn thực thể và liên kết có ngày muộn hơn (khoảng ngày: các "
                  "thuộc tính ngày trên đồ thị)."),
    "play": ("Next date", "Ngày kế tiếp"),
    "group": ("Group {n} {label}", "Gộp {n} {label}"),
    "ungroup": ("Expand the {n} {label}", "Mở {n} {label}"),
})


def _step() -> None:
    stops = ["", *im_days()]
    now = st.session_state.get(DAY_KEY, "")
    i = stops.index(now) if now in stops else 0
    st.session_state[DAY_KEY] = stops[(i + 1) % len(stops)]


def im_days() -> list[str]:
    """The slider's stops: the day before the chart's first date, then every date on it."""
    from datetime import date, timedelta

    from graph.records.chartview import days

    found = days(workspace().sub)
    if not found:
        return []
    first = (date.fromisoformat(found[0]) - timedelta(days=1)).isoformat()
    return [first, *found]


def time_row() -> None:
    """A slider over the chart's dates and a button that plays it forward a date."""
    stops = im_days()
    if PENDING_DAY in st.session_state:  # a reopened chart's date
        st.session_state[DAY_KEY] = st.session_state.pop(PENDING_DAY)
    if not stops:
        return
    if st.session_state.get(DAY_KEY) not in ("", *stops):
        st.session_state[DAY_KEY] = ""
    row = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
    row.select_slider(_t("time"), ["", *stops], key=DAY_KEY, help=_t("time_help"),
                      format_func=lambda d: d or _t("time_all"))
    row.button(_t("play"), key="explore_play", on_click=_step, icon=":material/play_arrow:")


def shown(sub, keep=()):
    """The working graph as drawn: as of the slider's date, groups collapsed."""
    from graph.records.chartview import as_of, drawn

    day = st.session_state.get(DAY_KEY) or None
    return drawn(as_of(sub, day, keep), workspace().groups)


def _toggle_group(anchor: str, label: str, members) -> None:
    from graph.records.investigations import Group

    ws = workspace()
    mine = [g for g in ws.groups if (g.anchor, g.label) == (anchor, label)]
    ws.groups = [g for g in ws.groups if g not in mine] if mine else \
        [*ws.groups, Group(anchor, label, tuple(members))]


def group_buttons(node_id: str) -> None:
    """Collapse the neighbours of one kind around the selected node, or expand them."""
    from graph.records.chartview import groupable

    ws = workspace()
    row = st.container(horizontal=True, gap="small")
    for g in ws.groups:
        if g.anchor == node_id:
            row.button(_t("ungroup", n=len(g.members), label=g.label),
                       key=f"explore_ungroup_{g.label}", on_click=_toggle_group,
                       args=(g.anchor, g.label, g.members), icon=":material/unfold_more:")
    done = {g.label for g in ws.groups if g.anchor == node_id}
    keep = set(ws.pinned) | {ws.focus}
    for label, members in groupable(ws.sub, node_id, keep).items():
        if label not in done:
            row.button(_t("group", n=len(members), label=label), key=f"explore_group_{label}",
                       on_click=_toggle_group, args=(node_id, label, members),
                       icon=":material/unfold_less:")
