"""Sensitivity analysis: Sobol indices, Morris elementary effects, one-way tornado."""
