"""Engines run the pipeline stages over a collection: locally with processes, or on Spark."""
