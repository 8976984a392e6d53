"""Decision support: comparing scenarios, SMAA-2, portfolio selection, Robust Portfolio Modelling."""
