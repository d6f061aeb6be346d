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
