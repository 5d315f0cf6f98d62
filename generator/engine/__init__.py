"""Engine glue beside the core: running MkDocs-family engines, the plugin, publishing."""
