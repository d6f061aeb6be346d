"""customs-graph: the schema, the stores, analytics and exports."""
