"""Every page in Vietnamese leaves no English catalogue text on screen: each
string a page shows comes from the catalogue (or the data), in the language
chosen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from graph.core import phrases, schema  # noqa: E402
from graph.core.stores import ENV_STORE, open_store  # noqa: E402
from ui import i18n  # noqa: E402
from ui.workspace import SESSION_KEY, Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.stem for p in (ROOT / "ui" / "pages").glob("*.py") if p.stem != "__init__")


def _english_patterns() -> list[tuple[str, re.Pattern]]:
    """The English texts that differ from their Vietnamese, as patterns
    (placeholders match anything). A text of several words is looked for inside
    what a page shows; a single word only as the whole of a text (a label name such
    as "Company" also stands in data: "Import Export Co.", "Company:0312345678")."""
    out = []
    catalogue = {**i18n.MESSAGES, **{f"phrase.{k}": v for k, v in phrases.PHRASES.items()},
                 **{f"schema.{x.name}": x.names for x in (*schema.LABELS, *schema.REL_TYPES)}}
    for key, (en, vi) in catalogue.items():
        bare = re.sub(r"\{\w*\}", "", en).strip()
        if en == vi or len(bare) < 4:
            continue
        body = ".*?".join(re.escape(p) for p in re.split(r"\{\w*\}", en))
        if len(bare.split()) > 1:
            out.append((key, re.compile(r"(?<![\w])" + body + r"(?![\w])")))
        else:
            out.append((key, re.compile(r"^\s*" + body + r"\s*$")))
    return out


PATTERNS = _english_patterns()
SKIP = {"code", "html"}  # Cypher and the page's constant CSS are not prose


def _texts(at: AppTest) -> list[str]:
    """Every text the page shows: headings, prose, labels, options, placeholders,
    help, table headings, tab and expander titles, the graph component's own text."""
    out: list[str] = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if getattr(node, "type", "") in SKIP:
            return
        if proto is not None:
            for field in ("body", "label", "placeholder", "help", "value", "text"):
                v = getattr(proto, field, None)
                if isinstance(v, str) and v:
                    out.append(v)
            for v in getattr(proto, "options", []) or []:
                if isinstance(v, str):
                    out.append(v)
        for child in getattr(node, "children", {}).values() if hasattr(node, "children") else ():
            walk(child)

    walk(at._tree)
    for df in at.dataframe:
        out += [str(c) for c in df.value.columns]
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        out += [str(v) for v in (data.get("text") or {}).values()]
        out += [item.get("text", "") for item in data.get("legend") or []]
    return out


@pytest.fixture(scope="module")
def working_graph(sample_lbug_url):
    """Something for every page to show: the container's two hops and a flight."""
    with open_store(sample_lbug_url) as s:
        sub = s.neighbours("Container:WHSU5018375", hops=2)
        sub.merge(s.neighbours("Flight:VN18@2017-03-19", hops=1, labels=["Airport"]))
    return sub


@pytest.mark.parametrize("name", PAGES)
def test_no_english_left_on_the_page(sample_lbug_url, working_graph, monkeypatch, name):
    # A fresh app per page, run once: AppTest formats widget options outside the
    # session (in English) when it reruns, which no browser does.
    monkeypatch.setenv(ENV_STORE, sample_lbug_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state[i18n.STATE_KEY] = "vi"
    ws = Workspace()
    ws.open(working_graph, focus="Container:WHSU5018375")
    at.session_state[SESSION_KEY] = ws
    at.switch_page(f"ui/pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    left = sorted({f"{key}: {text[:90]!r}" for text in _texts(at)
                   for key, pat in PATTERNS if pat.search(text)})
    assert not left, "\n".join(left)
