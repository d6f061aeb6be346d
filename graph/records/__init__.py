"""The installation's records: duty log, audit trail, users, watchlist,
investigations, and their shared state folder (paths) and clock."""
