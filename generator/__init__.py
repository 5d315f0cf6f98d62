"""handbook: YAML program configurations and Jinja templates to a searchable handbook site."""
