"""Shipped model artefacts (installed as the extractor.models package)."""
