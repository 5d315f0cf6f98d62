"""Load stage: content files read from disk into located YAML documents, within limits."""
