"""What goes out to other people and tools: exports, case packages, i2 charts,
the investigator's report."""
