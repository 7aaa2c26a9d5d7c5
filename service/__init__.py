"""Process-level pieces: settings, CLI, app factory, local dev stack."""
