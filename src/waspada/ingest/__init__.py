"""Batch ingestion: readers turn files and stdin into chunks; scan assesses them into the store."""
