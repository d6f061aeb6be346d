"""The installation's records: duty log, audit trail, users, watchlist, and their
shared state folder (paths) and clock."""
