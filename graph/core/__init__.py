"""The core: schema, model, the stores, saved-query parsing, search and text.

Imports nothing from the command line, the benchmark harness, the loaders or the app.
"""
