"""The app's one message catalogue: English and Vietnamese side by side.

    t("explore.title")                 -> text in the language chosen in the sidebar
    t("common.nodes_edges", n=3, m=2)  -> placeholders filled with str.format

The messages are data (ui/messages.toml, shipped in the wheel); the names of labels
and relationship types are the schema's (graph.core.schema.display_name). Every key
has both languages (a test checks it, and that every key the code uses exists).
Names from the data are never put into the catalogue's strings as markup: callers
escape them.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files

from graph.core import schema

LANGS = {"en": "English", "vi": "Tiếng Việt"}
DEFAULT_LANG = "en"
STATE_KEY = "lang"


def _load() -> dict[str, tuple[str, str]]:
    data = tomllib.loads(files("ui").joinpath("messages.toml").read_text(encoding="utf-8"))
    return {key: tuple(pair) for key, pair in data.items()}


# key: (English, Vietnamese)
MESSAGES: dict[str, tuple[str, str]] = _load()


def lang() -> str:
    try:
        import streamlit as st

        value = st.session_state.get(STATE_KEY, DEFAULT_LANG)
    except Exception:  # noqa: BLE001 - outside a Streamlit run
        value = DEFAULT_LANG
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **values) -> str:
    """The message `key` in the current language, placeholders filled."""
    pair = MESSAGES.get(key)
    if pair is None:
        text = key
    else:
        text = pair[1] if lang() == "vi" else pair[0]
    return text.format(**values) if values else text


def column(name: str) -> str:
    """A table column's heading in the current language (the name itself when the
    catalogue has none: a query's own column)."""
    return t(f"col.{name}") if f"col.{name}" in MESSAGES else name


def label_name(name: str) -> str:
    """A schema label as analysts read it in the current language."""
    return schema.display_name(name, lang())


def rel_name(name: str) -> str:
    """A relationship type as analysts read it in the current language."""
    return schema.display_name(name, lang())
