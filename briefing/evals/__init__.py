"""evals: ``briefing check`` and ``briefing eval``. Findings, suites, reports, perturbations."""
