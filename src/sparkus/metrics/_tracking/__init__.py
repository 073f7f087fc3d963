"""How is the program going right now: live tracking of its events.

The :class:`~sparkus.metrics.Tracker` folds events into a mergeable state and turns it into a
privacy-safe :class:`~sparkus.metrics.Dashboard`; :func:`~sparkus.metrics.render_html` makes
that snapshot a self-contained page, and the ``plot_*`` functions draw its charts with
matplotlib. The estimators of what the program caused live beside this folder, in
:mod:`sparkus.metrics`.
"""
