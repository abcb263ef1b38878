"""Reading, checking and importing .bib files."""
