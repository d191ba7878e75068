"""analyze: the deterministic engine. Who said what, through whom, events and caveats.

It runs offline and gives the same answer every time; the LLM stage and ``check`` are judged
against it. Nothing here imports the LLM stage.
"""

from briefing.analyze.batch import Unanalysable, analyze_many
from briefing.analyze.engine import analyze

__all__ = ["Unanalysable", "analyze", "analyze_many"]
