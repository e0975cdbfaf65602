"""Settings per environment: base (shared), dev, test and production; pick one with DJANGO_SETTINGS_MODULE."""
