"""Helpers every layer may use (the bottom layer: imports nothing of socval but ``_core``): argument checks,
JSON-ready values, quantile labels and the HTML blocks of notebook summaries."""
