"""customs-graph: the analyst's workbench (Streamlit), from a checkout:

    streamlit run app.py          # store from CUSTOMS_GRAPH_STORE, else the default

The app itself is ui/script/app.py, which ships in the wheel (`customs-graph app`).
"""

from ui.script.app import main

main()
