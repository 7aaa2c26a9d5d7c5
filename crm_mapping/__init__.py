"""crm_mapping package."""
