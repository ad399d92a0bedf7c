"""Accounts, roles and what each may see; API keys; web sessions; the audit log."""
