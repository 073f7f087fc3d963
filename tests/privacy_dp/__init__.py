"""Tests of the differentially private release mode (sparkus.privacy, Tracker.private_snapshot)."""
