"""The benchmark harness (`customs-graph bench`), kept out of the core."""
