"""Tests of the differentially private release mode (sparkus._privacy.dp*)."""
