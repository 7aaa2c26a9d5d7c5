"""The catalog of logical fields the product reads and writes, and the SFDX package export.

Owns: each field's type, direction and default API name; the metadata an admin deploys.
Never does: know one org's names (crm_mapping binds those).
"""
