"""Authoring commands beside the core: scaffolds, imports, init, doctor, schemas."""
