"""Write stage: rendered files and the engine's config reach disk, only when changed."""
