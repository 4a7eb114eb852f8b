//! Test code shared by the test files (`mod support;`).

use sync_primitives::lessons::bank::{ACCOUNTS, OPENING_BALANCE, Transfer};

/// The balances the plan leaves when its transfers are made one at a time.
pub fn sequential(plan: &[Vec<Transfer>]) -> Vec<i64> {
    let mut balances = vec![OPENING_BALANCE; ACCOUNTS];
    for t in plan.iter().flatten() {
        balances[t.from] -= t.amount;
        balances[t.to] += t.amount;
    }
    balances
}
