import html
import json
import re

import pytest

from graph.core.text import compact, fold, search_text, search_tokens


def test_fold_is_diacritics_blind():
    assert fold("Công ty TNHH TM DV XNK Du lịch Việt Trấn") == \
        "cong ty tnhh tm dv xnk du lich viet tran"
    assert fold("Nguyễn Văn An") == fold("NGUYEN VAN AN")
    assert fold("Đặng  Thị   Đào") == "dang thi dao"
    assert fold("Hermès") == "hermes"


def test_compact_and_search_text():
    assert compact("B 123-456") == "b123456"
    text = search_text(["WHSU5018375", "Wan Hai Lines"])
    assert "whsu5018375" in text and "wan hai lines" in text and "wanhailines" in text
    assert search_tokens("  Việt   TRẤN ") == ["viet", "tran"]


# --- escaping: one function per target language --------------------------------------
HOSTILE_MD = ["<img src=x onerror=alert(1)>", "[link](javascript:alert(1))", "**bold** _it_",
              "# heading", "- item", "1. item", "1) item", "> quote", "`code`", "```", "---",
              "===", "| a | b |", "![i](http://x/y.png)", "<https://x.invalid>", "\\*",
              "&lt;b&gt;", "$x^2$", ":red[text]", "~~gone~~", "line\n- list\n# head\n    code"]


@pytest.mark.parametrize("text", HOSTILE_MD)
def test_md_escape_leaves_no_markup(text):
    """What the app shows through st.markdown and the handover's Markdown: rendered,
    the value is one paragraph of its own text, nothing else."""
    from markdown_it import MarkdownIt

    from graph.core.text import md_escape

    out = md_escape(text)
    assert "\n" not in out  # a value never breaks the surrounding line
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(out)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert [c.type for c in tokens[1].children] in (["text"], ["text", "text"], [])
    rendered = MarkdownIt("commonmark").render(out)
    shown = html.unescape(re.sub(r"</?p>", "", rendered)).strip()
    assert shown == " ".join(text.split("\n")).strip()


def test_a_markdown_escape_that_lets_a_link_through_would_be_caught():
    from markdown_it import MarkdownIt

    from graph.core.text import md_escape

    tokens = MarkdownIt("commonmark").parse(md_escape("[a]") + " [a](https://x.invalid)")
    assert [c.type for c in tokens[1].children] == ["text", "link_open", "text", "link_close"]


def test_script_json_cannot_close_its_element():
    from graph.core.text import script_json

    data = {"n": "</script><script>alert(1)</script><!--", "m": "a&b\u2028c\u2029"}
    out = script_json(data)
    assert not set("<>&\u2028\u2029") & set(out)
    assert json.loads(out) == data


# --- search_text a column at a time (the load's path) against search_text --------
import csv  # noqa: E402
import random  # noqa: E402

import pyarrow as pa  # noqa: E402

from graph.core.text import search_column  # noqa: E402
from tests.conftest import SAMPLE  # noqa: E402

HOSTILE_TEXT = [
    "", " ", "Đặng Thị Đào", "đĐđ", "ĐẶNG-đào", "Nguyễn\u0301 Văn", "a\u0301\u0323b", "\u0301",
    "Straße ẞ", "İstanbul", "ǅemal ǈ", "ﬁnance ½", "Ⅻ ① ㍱", "Ǆ", "x" * 250, "a b" + "c" * 150,
    "Đ" + "ư" * 120, "ư" * 90 + " " + "ê" * 30,
    "Ａｂｃ１２３", "한국어 조선", "Ελληνικά ΣΊΣΥΦΟΣ", "עברית", "ไทย", "e\u0308\u0301",
    "\u00a0\u2003x",
    "A\tB\nC\rD", "tab\x0bvt", "🙂 emoji 🇻🇳", "ȷ ı ſ K Å", "ª º ¹ ² ³", "\u200b\u200dzw\u2060j",
    "Lê Hoàng Ḿ ẞ", "日本語テキスト", "--", "a--b--c", "UPPER lower MiXeD 123-456",
]


def _sample_values() -> list[str]:
    out = []
    for path in sorted(SAMPLE.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                out += row
    return out


def test_search_column_equals_search_text_value_by_value():
    rng = random.Random(16)
    pool = [chr(c) for c in range(0x20, 0x3000)] + list("đĐ -\u0301\u0323") * 100
    rand = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 25))) for _ in range(5000)]
    every_char = [f"a{chr(c)}b" for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    values = _sample_values() + HOSTILE_TEXT + rand + every_char[::7]
    assert len(values) > 100_000
    assert search_column([values]).to_pylist() == [search_text([v]) for v in values]


def test_search_column_joins_values_as_search_text_does():
    rng = random.Random(7)
    cols = [[rng.choice(HOSTILE_TEXT + [None, "", "P1"]) for _ in range(3000)] for _ in range(3)]
    rows = list(zip(*cols, strict=True))
    got = search_column(cols).to_pylist()
    # A missing value: no text (the load's nodes), or the text of the rest.
    assert got == [None if None in r else search_text(list(r)) for r in rows]
    got = search_column([pa.chunked_array([c[:10], c[10:]]) for c in cols],
                        null_is_empty=True).to_pylist()
    assert got == [search_text(list(r)) for r in rows]
    # The trailing rows count too (an Arrow join kernel dropped them once).
    assert len(got) == 3000 and got[-1] == search_text(list(rows[-1]))
