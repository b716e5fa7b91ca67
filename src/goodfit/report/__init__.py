"""The single-file HTML report: figures, charts (inline SVG) and every customer's breakdown."""
