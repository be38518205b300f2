"""The workspace: discovery, loading (YAML nodes -> data + source map), schema validation and the model."""
