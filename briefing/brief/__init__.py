"""brief: the one-page brief. Compose lines, group articles by development, rank, fit, render."""

from briefing.brief.compose import make_brief

__all__ = ["make_brief"]
