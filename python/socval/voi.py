"""Value of information: EVPI and EVPPI."""
