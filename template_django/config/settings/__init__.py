"""One settings module per environment (dev, test, production), each built on base."""
