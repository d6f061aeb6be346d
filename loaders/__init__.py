"""Loaders for the CSV input contract."""
