"""Saved queries in Vietnamese: `title.vi`, `description.vi` and `param.vi` header lines.

Every file in queries/ is translated in full (the check runs over the folder,
so a new file is held to it); a missing translation falls back to English; a
bad translation line is refused with its file and line, and hides no other file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.core import queries as saved
from graph.core.errors import QueryError

FILES = sorted(saved.QUERIES_DIR.glob("*.cypher"))
# Letters only Vietnamese uses: a "translation" that is English text has none.
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def untranslatable(text: str) -> set[str]:
    """What a translation must carry over as written: codes with a digit
    (P000901, WHSU5018375, VN18, HS6, 0312345678), upper-case codes (CDG, BKK, PNR),
    Label:key references, snake_case names of parameters and columns, and `quoted`
    names."""
    found = set(re.findall(r"`[^`]+`", text))
    found |= set(re.findall(r"\b[A-Z][A-Za-z]*:[\w@.-]*\w", text))
    found |= set(re.findall(r"\b[A-Z]+[A-Z0-9]*\d[A-Z0-9]*\b", text))
    found |= set(re.findall(r"\b\d{4,}\b", text))
    found |= set(re.findall(r"\b[A-Z]{2,4}\b", text))
    found |= set(re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text))
    return found


def test_the_folder_is_not_empty():
    assert len(FILES) >= 12


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_query_file_is_translated_into_vietnamese(path):
    q = saved.parse(path.read_text(encoding="utf-8"), str(path))
    assert "vi" in q.i18n, f"{path.name}: no title.vi, description.vi or param.vi lines"
    vi = q.i18n["vi"]
    for what, english, text in [("title", q.title, vi.title),
                                ("description", q.description, vi.description)]:
        assert text, f"{path.name}: no {what}.vi line"
        assert text != english and VIETNAMESE.search(text), f"{path.name}: {what}.vi: {text}"
        missing = untranslatable(english) - untranslatable(text)
        assert not missing, f"{path.name}: {what}.vi lost {sorted(missing)}"
    for p in q.params:
        text = vi.help.get(p.name)
        assert text, f"{path.name}: no param.vi line for {p.name}"
        assert text != p.help and VIETNAMESE.search(text), f"{path.name}: {p.name}: {text}"
        missing = untranslatable(p.help) - untranslatable(text)
        assert not missing, f"{path.name}: param.vi {p.name} lost {sorted(missing)}"
        assert q.help_in(p.name, "vi") == text and q.help_in(p.name, "en") == p.help
    assert q.title_in("vi") == vi.title and q.description_in("vi") == vi.description


def test_the_check_of_carried_over_codes_bites():
    english = ("P000901 finds `min_shared` via Container:WHSU5018375 on VN18 through CDG, "
               "days_from_seizure")
    assert untranslatable(english) == {"P000901", "`min_shared`", "Container:WHSU5018375",
                                       "WHSU5018375", "VN18", "CDG", "days_from_seizure",
                                       "min_shared"}
    mangled = "P000901 tìm ra `min_shared` qua Container:WHSU5018375, vn18, CDG, ngày_từ_vụ"
    assert untranslatable(english) - untranslatable(mangled) == {"VN18", "days_from_seizure"}


# --- the API ------------------------------------------------------------------------
PLAIN = """// name: plain
// title: Plain
// description: English only.
// param: n int = 1 -- how many
MATCH (p:Person) RETURN p.person_id AS id ORDER BY id LIMIT $n
"""
PARTIAL = """// name: partial
// title: Partial
// title.vi: Một phần
// description: Only the title is translated.
// param: n int = 1 -- how many
// param: who str = "" -- whose
// param.vi: who -- của ai
MATCH (p:Person) WHERE $who = '' RETURN p.person_id AS id ORDER BY id LIMIT $n
"""
OLD_KEYS = {"name", "title", "description", "parameters", "view", "alert", "tags"}


def test_without_translations_every_language_reads_english():
    q = saved.parse(PLAIN)
    assert dict(q.i18n) == {}
    for lang in ("vi", "en", "fr", ""):
        assert q.title_in(lang) == "Plain"
        assert q.description_in(lang) == "English only."
        assert q.help_in("n", lang) == "how many"
    assert set(q.to_json()) == OLD_KEYS


def test_a_partial_translation_falls_back_line_by_line():
    q = saved.parse(PARTIAL)
    assert q.title_in("vi") == "Một phần" and q.title_in("en") == "Partial"
    assert q.title_in("fr") == "Partial"  # a language with no translation at all
    assert q.description_in("vi") == "Only the title is translated."
    assert q.help_in("who", "vi") == "của ai" and q.help_in("who", "en") == "whose"
    assert q.help_in("n", "vi") == "how many"
    with pytest.raises(KeyError, match="no parameter 'nobody'"):
        q.help_in("nobody", "vi")


def test_to_json_keeps_its_keys_and_adds_only_what_is_translated():
    data = saved.parse(PARTIAL).to_json()
    assert set(data) == OLD_KEYS | {"i18n"}
    assert data["title"] == "Partial"
    assert [p["help"] for p in data["parameters"]] == ["how many", "whose"]
    assert data["i18n"] == {"vi": {"title": "Một phần", "help": {"who": "của ai"}}}
    json.dumps(data)  # plain JSON, no mapping proxies


def test_translations_cannot_be_changed_after_parsing():
    q = saved.parse(PARTIAL)
    with pytest.raises(TypeError):
        q.i18n["vi"] = None
    with pytest.raises(TypeError):
        q.i18n["vi"].help["who"] = "ai khác"
    with pytest.raises(AttributeError):
        q.i18n["vi"].title = "khác"
    assert q.help_in("who", "vi") == "của ai"


def test_param_vi_may_come_before_its_param_line():
    q = saved.parse("// name: t\n// param.vi: n -- bao nhiêu\n// param: n int = 1 -- how many\n"
                    "MATCH (p:Person) RETURN p LIMIT $n\n")
    assert q.help_in("n", "vi") == "bao nhiêu"


def test_a_translation_like_comment_in_the_cypher_is_not_a_header_line():
    q = saved.parse("// name: t\nMATCH (p:Person)\n// title.xx: not a header\n"
                    "// param.vi: nobody -- not a header either\nRETURN p\n")
    assert dict(q.i18n) == {} and "title.xx" in q.body("ladybug")


def test_the_cli_lists_the_translations():
    done = subprocess.run([sys.executable, "-m", "graph.cli", "queries", "list", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = {q["name"]: q for q in json.loads(done.stdout)["queries"]}
    co = found["co_travellers"]
    assert co["title"] == "Co-travellers of a person"
    assert co["i18n"]["vi"]["title"] == "Những người đi cùng một hành khách"
    assert set(co["i18n"]["vi"]["help"]) == {p["name"] for p in co["parameters"]}


# --- bad translation lines ----------------------------------------------------------
GOOD = PLAIN.replace("plain", "good")
HEAD = "// name: broken\n// title: Broken\n// param: n int = 1 -- how many\n"
BODY = "MATCH (p:Person) RETURN p LIMIT $n\n"
BROKEN = {  # case: (header lines after HEAD, the line that is wrong, what the error says)
    "unknown language": ("// title.vn: Hỏng\n", 4, "unknown language 'vn'"),
    "English spelled as a language": ("// description.en: Broken\n", 4,
                                      "unknown language 'en'"),
    "upper-case language": ("// title.vi: Hỏng\n// title.VI: Hỏng\n", 5,
                            "unknown language 'VI'"),
    "undeclared parameter": ("// param.vi: n -- bao nhiêu\n// param.vi: m -- không có\n", 5,
                             "param.vi names undeclared parameter 'm'; declared: n"),
    "misspelt parameter": ("// param.vi: N -- bao nhiêu\n", 4, "undeclared parameter 'N'"),
    "param.vi with a type": ("// param.vi: n int = 1 -- bao nhiêu\n", 4, "expected 'name -- help'"),
    "param.vi without help": ("// param.vi: n\n", 4, "expected 'name -- help'"),
    "param.vi twice": ("// param.vi: n -- một\n// param.vi: n -- hai\n", 5, "given twice"),
    "title.vi twice": ("// title.vi: Một\n// title.vi: Hai\n", 5, "given twice"),
    "empty translation": ("// description.vi:\n", 4, "empty translation"),
    "untranslatable key": ("// view.vi: bảng\n", 4, "only title, description, param"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_bad_translation_line_is_named_and_hides_no_other_file(tmp_path, case):
    lines, line_no, reason = BROKEN[case]
    (tmp_path / "good.cypher").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.cypher").write_text(HEAD + lines + BODY, encoding="utf-8")
    found, errors = saved.load_all(tmp_path)
    assert set(found) == {"good"}
    assert len(errors) == 1
    where = f"{tmp_path / 'broken.cypher'}:{line_no}:"
    assert errors[0].startswith(where) and reason in errors[0], errors[0]
    with pytest.raises(QueryError, match=re.escape(reason)):
        saved.get("broken", tmp_path)


def test_the_library_files_name_the_line_of_a_bad_translation(tmp_path):
    """The same refusal on a real library file with one translation line spoilt."""
    src = saved.QUERIES_DIR / "co_travellers.cypher"
    lines = src.read_text(encoding="utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith("// param.vi: min_shared"))
    lines[n] = lines[n].replace("min_shared", "min_share")
    (tmp_path / "co_travellers.cypher").write_text("\n".join(lines), encoding="utf-8")
    found, errors = saved.load_all(tmp_path)
    assert found == {} and len(errors) == 1
    assert errors[0].startswith(f"{Path(tmp_path) / 'co_travellers.cypher'}:{n + 1}: ")
    assert "undeclared parameter 'min_share'" in errors[0]
