"""Incidents: the company's incident log copied from its database or files, and reports over it."""
