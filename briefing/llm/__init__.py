"""llm: the optional model stage. Settings, prompts, planning, providers, cache and tokens.

Used only with a model configured; its answers go through ``briefing.verify`` before the brief.
"""
