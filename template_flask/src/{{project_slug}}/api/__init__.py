"""The HTTP API, one package per version."""
