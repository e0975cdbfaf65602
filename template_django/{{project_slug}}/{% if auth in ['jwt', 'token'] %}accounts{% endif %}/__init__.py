"""Authentication endpoints (not an app: the models come from Django and DRF)."""
