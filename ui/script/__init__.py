"""The script Streamlit runs (app.py), alone in its folder: Streamlit puts the
script's folder first on sys.path, and ui/'s modules must not shadow anything."""
