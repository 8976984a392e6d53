#pragma once
/// The io area: results files (HDF5, the only place in socval that calls HDF5) and helpers they use.
#include <socval/io/results_file.hpp>
#include <socval/io/sha256.hpp>
