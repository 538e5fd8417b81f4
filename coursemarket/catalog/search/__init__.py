"""Catalog search: normalisation, the index and its upkeep, the two engines,
typo tolerance, suggestions and autocomplete (see docs/architecture.md,
"Search"). The listing uses `query.apply_text_search`."""
