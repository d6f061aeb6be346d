"""Moving graphs in and out: exports, case packages, the Neo4j bulk import, the i2
chart (anx) and the investigator's report (report)."""
