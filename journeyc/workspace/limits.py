"""Input limits (journeyc.yaml `limits:`): every refusal is a JC005 diagnostic at the node that crossed one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 4 * 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 10_000
    max_documents: int = 1_000
    max_string_length: int = 65_536
