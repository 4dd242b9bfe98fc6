"""Outputs: the weekly PDF brief, charts (and later Excel and HXL exports)."""
