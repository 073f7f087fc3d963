"""Which support, for whom, under budget: recommend, priors, the plan and what money buys.

:func:`~sparkus.matching.recommend_support` ranks the support types for each person from a
policy table (``recommend.py``); the expected effects come from the priors (``priors.py``).
:func:`~sparkus.matching.plan_support`, :func:`~sparkus.matching.budget_frontier` and
:func:`~sparkus.matching.compare_scenarios` share one planning engine (``engine.py``: the
checks of their common options and the problem as data) and one solver, an integer program
(``integer_program.py``).
"""
