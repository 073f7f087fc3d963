"""Hypothesis profiles: ``ci`` (the default) and ``dev``, a faster one for local runs.

Pick one with the ``HYPOTHESIS_PROFILE`` environment variable, e.g.
``HYPOTHESIS_PROFILE=dev python -m pytest tests``.
"""

import os

from hypothesis import settings

# CI explores the same examples on every run (derandomize), so a red run always means a change
# in the code, never a newly drawn example; "dev" keeps drawing new ones.
settings.register_profile("ci", max_examples=60, deadline=None, print_blob=True, derandomize=True)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
