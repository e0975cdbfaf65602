"""Authentication endpoints (URLs and views only: the token models come with the auth app)."""
