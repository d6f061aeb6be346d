"""Moving graphs in and out: exports, case packages, the Neo4j bulk import."""
