"""A local Salesforce org over HTTPS, with a seeded org generator: its own distribution
(``emulator/pyproject.toml``, command ``sfemu``), for the demo, the tests and the benchmarks.

Owns: OAuth, REST/composite/Bulk 2.0 endpoints, SOQL over SQLite, triggers, faults, limits.
Never does: run in production — the product never imports it.
"""
