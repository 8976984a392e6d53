"""The value library: GDP deflator, carbon, WELLBY and QALY values with their sources."""
