"""Green Book appraisal: discounting, NPSV, BCR, SROI, optimism bias, additionality."""
