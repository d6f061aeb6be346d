"""What the installation records beside the graph: the duty log, the audit trail,
the users, investigations."""
