"""Escaping for what the app shows through st.markdown (apart from ui.common so that
the sign-in gate can use it without importing the pages' helpers)."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def md_escape(text) -> str:
    """Data shown through st.markdown: every ASCII punctuation mark escaped, so a
    name can neither become markup (links, HTML, colour directives, LaTeX) nor
    break the surrounding text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
