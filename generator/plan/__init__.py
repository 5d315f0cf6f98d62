"""Plan stage: page specs, their paths and the navigation."""
