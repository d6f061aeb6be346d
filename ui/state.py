"""The store the app works on, opened once per URL, and cached look-ups."""

from __future__ import annotations

import os

import streamlit as st

from graph.core.stores import ENV_STORE, default_store_url, open_store

SEARCH_LIMIT = 25
ROW_LIMIT = 1000  # every query from the UI has a row limit ...
TIMEOUT_S = 30  # ... and a timeout


def store_url() -> str:
    return os.environ.get(ENV_STORE) or default_store_url()


def _close(store) -> None:
    try:
        store.close()
    except Exception:  # noqa: BLE001 - a lost connection may fail to close
        pass


@st.cache_resource(show_spinner=False, max_entries=8, on_release=_close)
def _store(url: str):
    return open_store(url)


def get_store():
    """The store named by CUSTOMS_GRAPH_STORE (else the default), opened once."""
    return _store(store_url())


def forget_store() -> None:
    """Drop the cached store and this session's kept answers: the next call opens it
    again."""
    _store.clear()
    st.session_state.pop("door_done", None)
