"""Fuzzing helpers shared by tests/test_fuzz.py and fuzz/campaign.py: strategies, a YAML writer, properties."""
