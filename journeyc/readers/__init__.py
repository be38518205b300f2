"""Readers: a CRM's own files (configuration, stage history) -> model objects or plain tables."""
