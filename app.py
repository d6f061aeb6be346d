"""customs-graph app (placeholder until the analyst's app lands)."""

import streamlit as st

st.set_page_config(page_title="customs-graph", layout="wide")
st.title("customs-graph")
st.info("The analyst's workbench is being built; use the command line for now.")
