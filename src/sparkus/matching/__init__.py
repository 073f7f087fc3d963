"""Support planning and matching: which support for whom, under budget, and who with whom."""

__all__: list[str] = []
