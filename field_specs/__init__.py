"""field_specs package."""
