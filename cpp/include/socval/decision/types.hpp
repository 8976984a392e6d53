#pragma once
/// Array types shared by the decision area.
#include <Eigen/Dense>

namespace socval::decision {

/// Row-major dense matrix: numpy's C order, so arrays pass from Python without a copy.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Read-only view of a row-major matrix.
using MatrixRef = Eigen::Ref<const RowMatrix>;
/// Read-only view of a vector.
using VectorRef = Eigen::Ref<const Eigen::VectorXd>;

}  // namespace socval::decision
