"""Escaping for what the app shows through st.markdown (apart from ui.common so that
the sign-in gate can use it without importing the pages' helpers). One Markdown escape
for the whole project: graph.core.text.md_escape (the duty log's handover uses it too)."""

from __future__ import annotations

from graph.core.text import md_escape as md_escape  # noqa: F401 - the app's name for it
