"""dd-pipeline: Engagement Model Due Diligence for strategic alliances."""

__version__ = "0.1.0"
