"""Process-level pieces: settings, the `radar` CLI, the Flask app factory and admin pages,
the process supervisor, the demo.

Never does: business rules. The demo modules (``demo*.py``) are the one place that runs the
emulator distribution, on purpose.
"""
