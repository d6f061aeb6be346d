"""The analyst's Streamlit app: pages under ui/pages/ arrange widgets and call
the modules of this package, which call graph/ (the store, the schema, saved
queries, exports). Nothing here opens a store or reads files at import time."""
