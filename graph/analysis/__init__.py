"""Analysis over a subgraph: analytics, risk scores, entity resolution, screening, layout."""
