"""What every resource shares: error shape, pagination, serializer rules, probes."""
