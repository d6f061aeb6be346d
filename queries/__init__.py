"""Saved queries: one .cypher file each, read by graph.core.queries (a package so
that they ship in the wheel and are found through importlib.resources)."""
