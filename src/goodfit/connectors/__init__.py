"""Connectors: bring billing and helpdesk data in from the systems providers already run.

Each source module maps its API onto the canonical tables; ``sync.run_sync`` stages the
rows as Parquet and imports them through the same importer as files.
"""
