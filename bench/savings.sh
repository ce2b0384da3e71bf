#!/usr/bin/env bash
# The cost savings calculator (issue 12): time to calculate a borough's attached families
# (default 300,000 people in 100,000 families, every family attached: the worst case), and a
# planted programme effect recovered by the before/after change within its stated 95% interval.
#   bench/savings.sh [PEOPLE]
# The borough is generated in memory by crates/savings/examples/bench_savings.rs (ASB incidents
# cut by 30% after attachment, 15% of JSA claimants leaving at attachment, background use
# unchanged); it prints the expected change per family and the calculator's estimate.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
cargo build --release -q -p hearth-savings --example bench_savings
/usr/bin/time -f "wall %e s, peak %M KB" ./target/release/examples/bench_savings "$people"
