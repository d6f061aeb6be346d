"""Duty log: write entries (refs picked from the working graph or typed), read the
shift, verify the chain and download the handover report (Markdown or HTML).

Run by st.navigation as a page script (`__name__ == "__main__"`); `page()` is the
page itself, importable without side effects. Its strings are in MESSAGES below
(English and Vietnamese), outside ui/i18n.py.
"""

from __future__ import annotations

import functools
import re

import streamlit as st

from graph import actions
from graph.core.errors import CustomsGraphError
from graph.records import dutylog, handover, users
from graph.records.dutylog import KINDS, DutyLog
from ui import auth, investigations
from ui.common import md_escape, run_page
from ui.i18n import lang

USER_KEY = auth.USER_KEY  # session: the users.User signed in (when users are set up)
_MSG_KEY = "dutylog_msg"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Duty log",
        "intro": "Every finding, instruction and result, recorded in full and handed over "
                 "between shifts. Entries are never changed: a mistake is put right by a "
                 "correction.",
        "shift": "Shift",
        "as": "Writing as {name} ({role})",
        "single": "single-user mode",
        "log_file": "Log file: {name}",
        "tab.write": "Write",
        "tab.read": "Shift log",
        "tab.handover": "Verify & hand over",
        "kind": "Kind",
        "kind.finding": "Finding",
        "kind.instruction": "Instruction",
        "kind.result": "Result",
        "kind.handover": "Handover note",
        "kind.correction": "Correction",
        "text": "Entry",
        "refs_working": "Entities from the working graph",
        "refs_typed": "Other references (Label:key, separated by commas)",
        "corrects": "Corrects entry",
        "corrects_none": "— none —",
        "add": "Add to the log",
        "added": "Entry #{id} added.",
        "all_shifts": "All shifts",
        "no_entries": "No entries in this shift yet.",
        "corrects_note": "corrects #{id}",
        "corrected_by": "corrected by {ids}",
        "refs": "References",
        "queries": "Queries",
        "exports": "Exports",
        "verify_ok": "Chain verified: {n} entries, none edited, removed or moved. "
                     "Head #{id} · {hash}",
        "verify_bad": "The duty log failed verification: {n} problem(s).",
        "handover": "Handover report",
        "handover_help": "The shift's entries, its instructions and handover notes first, "
                         "with the chain head to check the log against later.",
        "download_md": "Download Markdown",
        "download_html": "Download HTML",
        "sign_out": "Sign out",
        "not_allowed": "Your role ({role}) may not read the duty log.",
    },
    "vi": {
        "title": "Sổ nhật ký trực ban",
        "intro": "Mọi phát hiện, chỉ đạo và kết quả được ghi đầy đủ, trung thực và bàn giao "
                 "giữa các ca. Bản ghi không bao giờ bị sửa: sai sót được khắc phục bằng một "
                 "bản ghi đính chính.",
        "shift": "Ca trực",
        "as": "Ghi với tên {name} ({role})",
        "single": "chế độ một người dùng",
        "log_file": "Tệp nhật ký: {name}",
        "tab.write": "Ghi sổ",
        "tab.read": "Nhật ký ca",
        "tab.handover": "Kiểm tra & bàn giao",
        "kind": "Loại",
        "kind.finding": "Phát hiện",
        "kind.instruction": "Chỉ đạo",
        "kind.result": "Kết quả",
        "kind.handover": "Ghi chú bàn giao",
        "kind.correction": "Đính chính",
        "text": "Nội dung",
        "refs_working": "Thực thể trong đồ thị làm việc",
        "refs_typed": "Tham chiếu khác (Nhãn:mã, cách nhau bằng dấu phẩy)",
        "corrects": "Đính chính bản ghi",
        "corrects_none": "— không —",
        "add": "Ghi vào sổ",
        "added": "Đã ghi bản ghi #{id}.",
        "all_shifts": "Tất cả các ca",
        "no_entries": "Ca này chưa có bản ghi nào.",
        "corrects_note": "đính chính #{id}",
        "corrected_by": "đã được đính chính bởi {ids}",
        "refs": "Tham chiếu",
        "queries": "Truy vấn",
        "exports": "Tệp đã xuất",
        "verify_ok": "Chuỗi hợp lệ: {n} bản ghi, không bản ghi nào bị sửa, xoá hay đổi chỗ. "
                     "Đầu chuỗi #{id} · {hash}",
        "verify_bad": "Sổ nhật ký không vượt qua kiểm tra: {n} vấn đề.",
        "handover": "Báo cáo bàn giao ca",
        "handover_help": "Các bản ghi của ca, chỉ đạo và ghi chú bàn giao trước, kèm mã đầu "
                         "chuỗi để đối chiếu sổ về sau.",
        "download_md": "Tải Markdown",
        "download_html": "Tải HTML",
        "sign_out": "Đăng xuất",
        "not_allowed": "Vai trò của bạn ({role}) không được xem sổ nhật ký.",
    },
}


def _t(key: str, **values) -> str:
    text = MESSAGES.get(lang(), MESSAGES["en"]).get(key) or MESSAGES["en"].get(key, key)
    return text.format(**values) if values else text


# --- who ------------------------------------------------------------------------------
def current_user() -> users.User | None:
    """The local admin in single-user mode, else whoever signed in this session."""
    return auth.current_user()


def _sign_in() -> None:
    """The app's one sign-in form (ui.auth): app.py shows it before any page; this
    page shows it too when it runs on its own."""
    auth.sign_in_form()


# --- references -----------------------------------------------------------------------
def working_refs() -> list[str]:
    """The ids ("Label:key") of the working graph's nodes, if there is one."""
    from ui.workspace import SESSION_KEY

    ws = st.session_state.get(SESSION_KEY)
    nodes = getattr(getattr(ws, "sub", None), "nodes", None) or {}
    return sorted(nodes)


def parse_refs(text: str) -> list[str]:
    """Refs typed by hand: separated by commas, semicolons or new lines."""
    return [r.strip() for r in re.split(r"[,;\n]", text or "") if r.strip()]


# --- write ----------------------------------------------------------------------------
def _submit(user: users.User) -> None:
    """The form's callback: add the entry, clear the form on success."""
    ss = st.session_state
    corrects = ss.get("dutylog_corrects")
    kind = "correction" if corrects else ss.get("dutylog_kind", "finding")
    refs = [*ss.get("dutylog_refs", []), *parse_refs(ss.get("dutylog_refs_typed", ""))]
    try:
        e = auth.act(actions.log_add, kind, ss.get("dutylog_text", ""),
                     shift=ss.get("dutylog_shift") or None, refs=refs, corrects=corrects or None)
    except CustomsGraphError as err:
        ss[_MSG_KEY] = ("error", str(err))
        return
    ss[_MSG_KEY] = ("success", _t("added", id=e.id))
    ss["dutylog_text"] = ""
    ss["dutylog_refs"] = []
    ss["dutylog_refs_typed"] = ""
    ss["dutylog_corrects"] = None


def _write(user: users.User, recent: list[dutylog.Entry]) -> None:
    options = working_refs()
    if any(r not in options for r in st.session_state.get("dutylog_refs", [])):
        st.session_state["dutylog_refs"] = [r for r in st.session_state["dutylog_refs"]
                                            if r in options]
    by_id = {e.id: e for e in recent}
    with st.form("dutylog_form", border=True):
        a, b = st.columns([1, 2])
        a.selectbox(_t("kind"), [k for k in KINDS if k != "correction"],
                    format_func=lambda k: _t(f"kind.{k}"), key="dutylog_kind")
        b.selectbox(_t("corrects"), [None, *reversed(by_id)], key="dutylog_corrects",
                    format_func=lambda i: _t("corrects_none") if i is None else
                    f"#{i} · {_t('kind.' + by_id[i].kind)} · {by_id[i].text[:70]}")
        st.text_area(_t("text"), key="dutylog_text", height=140)
        st.multiselect(_t("refs_working"), options, key="dutylog_refs")
        st.text_input(_t("refs_typed"), key="dutylog_refs_typed",
                      placeholder="Container:WHSU5018375, Company:0312345678")
        st.form_submit_button(_t("add"), type="primary", icon=":material/edit_note:",
                              on_click=_submit, args=(user,))
    msg = st.session_state.pop(_MSG_KEY, None)
    if msg:
        (st.success if msg[0] == "success" else st.error)(msg[1])


# --- read -----------------------------------------------------------------------------
def _entries(entries: list[dutylog.Entry], fixes: dict[int, list[int]]) -> None:
    if not entries:
        st.caption(_t("no_entries"))
    for e in entries:
        with st.container(border=True):
            head = [f"#{e.id}", _t(f"kind.{e.kind}"), e.time, e.analyst, e.shift]
            if e.corrects is not None:
                head.append(_t("corrects_note", id=e.corrects))
            if fixes.get(e.id):
                head.append(_t("corrected_by", ids=", ".join(f"#{i}" for i in fixes[e.id])))
            st.caption(md_escape(" · ".join(head)))
            st.text(e.text)
            if e.refs:
                st.caption(f"{_t('refs')}: " + md_escape(", ".join(e.refs)))
            if e.queries:
                st.caption(f"{_t('queries')}: " + md_escape(
                    "; ".join(handover._query_text(q) for q in e.queries)))
            if e.exports:
                st.caption(f"{_t('exports')}: " + md_escape(
                    "; ".join(f"{x.get('file')} (sha256 {x.get('sha256')})" for x in e.exports)))


# --- verify and hand over -------------------------------------------------------------
def _report(fmt: str, shift: str, by: str, investigations=()) -> bytes:
    with DutyLog() as dl:
        res = dutylog.check(dl)
        make = handover.handover_markdown if fmt == "markdown" else handover.handover_html
        return make(dl, shift, by=by, verification=res,
                    investigations=investigations).encode("utf-8")


def _handover(user: users.User, shift: str, head) -> None:
    res, _trail = auth.act_once("dutylog_verify", actions.log_verify, version=head)
    if res.ok:
        st.success(_t("verify_ok", n=res.entries, id=res.head_id or 0, hash=res.head_hash),
                   icon=":material/verified:")
    else:
        st.error(_t("verify_bad", n=len(res.problems)), icon=":material/gpp_bad:")
        st.text("\n".join(p.message for p in res.problems))
    st.subheader(_t("handover"))
    st.caption(_t("handover_help"))
    stem = "handover-" + ("".join(c if c.isalnum() or c in "-_" else "-" for c in shift)
                          or "shift")
    # Built on the click, through the door (checked and recorded there).
    invs = investigations.handover_list(shift, user)
    md = auth.download("handover", "markdown", f"{stem}.md",
                       functools.partial(_report, "markdown", shift, user.name, invs),
                       shift=shift)
    page = auth.download("handover", "html", f"{stem}.html",
                         functools.partial(_report, "html", shift, user.name, invs), shift=shift)
    a, b = st.columns(2)
    a.download_button(_t("download_md"), md, file_name=f"{stem}.md", mime="text/markdown",
                      key="dutylog_dl_md", icon=":material/download:", on_click="ignore")
    b.download_button(_t("download_html"), page, file_name=f"{stem}.html", mime="text/html",
                      key="dutylog_dl_html", icon=":material/download:", type="primary",
                      on_click="ignore")


# --- the page -------------------------------------------------------------------------
def page() -> None:
    st.title(_t("title"))
    st.caption(_t("intro"))
    user = current_user()
    if user is None:
        _sign_in()
        return
    if not user.can("log_read"):  # a convenience: the door refuses the reads themselves
        st.info(_t("not_allowed", role=user.role), icon=":material/lock:")
        return
    st.session_state.setdefault("dutylog_shift", dutylog.current_shift())
    a, b = st.columns([2, 3], vertical_alignment="bottom")
    shift = a.text_input(_t("shift"), key="dutylog_shift").strip() or dutylog.current_shift()
    who = _t("as", name=user.name, role=user.role)
    b.caption(md_escape(who + (f" · {_t('single')}" if user.local else "")) + "  \n"
              + md_escape(_t("log_file", name=dutylog.default_log_path().name)))
    if not user.local:
        b.button(_t("sign_out"), key="dutylog_sign_out", on_click=auth.sign_out)
    with DutyLog() as dl:
        head = dl.head()  # what makes the answers below stale: the chain's head
    everything, fixes = auth.act_once("dutylog_entries", actions.log_show, version=head)
    tabs = st.tabs([_t("tab.write"), _t("tab.read"), _t("tab.handover")])
    with tabs[0]:
        if user.can("log_write"):  # a convenience: the door checks the entry itself
            _write(user, everything[-200:])
    with tabs[1]:
        every = st.toggle(_t("all_shifts"), key="dutylog_all")
        _entries(everything if every else [e for e in everything if e.shift == shift],
                 fixes)
    with tabs[2]:
        _handover(user, shift, head)


if __name__ == "__main__":
    run_page(page)
