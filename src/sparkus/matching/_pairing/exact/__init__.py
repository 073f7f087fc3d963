"""The exact assignment solvers: as many participants placed as possible, then at least cost.

One entry, :func:`~sparkus.matching.solve_assignment` (``solve.py``), reads the input into
arcs (``arcs.py``) and chooses among three exact solvers by a measured rule: the
transportation solver for few providers (``transport.py``), scipy's dense assignment on the
providers' places when places are few (``slots.py``), and the ε-scaling auction otherwise
(``auction.py``); every answer is certified, and repaired where rounding requires, on the
original float costs (``repair.py``). Pairs no optimal placement uses (big-M costs) are set
aside first (``scales.py``), so that they do not set the integer grid; big costs an optimal
placement needs are solved exactly with the small ones, coarse scale first (``levels.py``).
"""

from sparkus.matching._pairing.exact.result import AssignmentResult
from sparkus.matching._pairing.exact.solve import solve_arcs, solve_assignment

__all__ = ["AssignmentResult", "solve_arcs", "solve_assignment"]
