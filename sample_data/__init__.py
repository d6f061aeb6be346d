"""The sample data set and its generators (generate.py, scale.py)."""
