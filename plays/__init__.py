"""plays package."""
