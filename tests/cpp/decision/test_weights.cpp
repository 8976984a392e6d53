// Extreme points of weight sets.
#include <catch2/catch.hpp>

#include "socval/decision.hpp"
#include "socval/errors.hpp"

using namespace socval::decision;

TEST_CASE("extreme points of weight sets", "[weights]") {
    SECTION("no constraints: the unit vectors") {
        const RowMatrix v = weight_extreme_points({}, 3);
        CHECK(v.rows() == 3);
        CHECK(v.rowwise().sum().isApprox(Eigen::Vector3d::Ones()));
    }
    SECTION("complete ranking w0 >= w1 >= w2: (1,0,0), (1/2,1/2,0), (1/3,1/3,1/3)") {
        WeightConstraints c;
        c.order = {{0, 1}, {1, 2}};
        const RowMatrix v = weight_extreme_points(c, 3);
        REQUIRE(v.rows() == 3);
        bool third = false;
        for (int r = 0; r < 3; ++r) third = third || (v.row(r) - Eigen::RowVector3d::Constant(1.0 / 3)).norm() < 1e-12;
        CHECK(third);
    }
    SECTION("contradictory order") {
        WeightConstraints c;
        c.order = {{0, 1}};
        c.upper = Eigen::Vector2d(0.3, 1.0);
        CHECK_THROWS_WITH(weight_extreme_points(c, 2), Catch::Contains("no weights satisfy"));
    }
    SECTION("bad index") {
        WeightConstraints c;
        c.order = {{0, 5}};
        CHECK_THROWS_AS(weight_extreme_points(c, 2), socval::DecisionError);
    }
}
