"""Networks and candidate generation (no Doc mutation here)."""
