"""Headquarters on PostgreSQL: setting up a server store (schema, roles, the lead rule),
checking it, refusals and conflicts in words, pushing an inspection from a laptop, and the
national summary across inspections.

See docs/server.md for the roles, the audit chain on a server and how concurrent edits
are handled.
"""
