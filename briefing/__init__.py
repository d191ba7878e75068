"""briefing: one-page, attribution-accurate briefs from news articles.

The stages are plain functions over the models in :mod:`briefing.models`:
``ingest`` -> ``analyze`` -> ``brief`` -> ``render``.
"""

__version__ = "0.1.0"
