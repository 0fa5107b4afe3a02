"""Self-contained, offline HTML reports (Jinja2 + Plotly)."""
