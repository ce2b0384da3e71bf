//! Disclosure control: the one place every published count passes through.
//!
//! The seeds' promise is that Hearth's figures are used "for research and statistical
//! purposes" and that nobody is identified by them. A count of 1 to 4 families in a ward, a
//! problem or a month can point at a family people know, so such cells are suppressed
//! (**primary suppression**, threshold configurable, default 5 as in the Government
//! Statistical Service's usual practice). Because tables are published with their row, column
//! and grand totals, a suppressed cell could be worked out by subtraction, so more cells are
//! suppressed until none can (**secondary suppression**).
//!
//! "Cannot be worked out" is decided exactly. Published totals give linear equations in the
//! suppressed cells (each row's cells add up to its total, and so on). A suppressed cell can be
//! worked out exactly when every solution of those equations gives it the same value, that is
//! when it has a zero in every vector of the equations' null space. The equations form a
//! network matrix (each cell sits in exactly two of them), which is totally unimodular, so
//! their rank over the integers modulo a large prime equals their rank over the rationals: the
//! check below is exact, not a floating-point estimate.
//!
//! Secondary cells are chosen greedily: the smallest non-zero published cell whose suppression
//! makes the exposed cell unrecoverable, preferring the table's body to its totals (zeros are
//! chosen last: a zero is often known to be a zero).
//!
//! Shown values can then be rounded to a base (e.g. 5), each independently.
//! What is not shown carries the GSS symbols: `[c]` confidential, `[x]` not available,
//! `[z]` not applicable.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How figures are protected before they are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Counts from 1 up to (not including) this are suppressed. Default 5.
    pub threshold: u64,
    /// Suppress zeros too (for tables where a zero itself discloses something).
    pub suppress_zeros: bool,
    /// Round every shown value to the nearest multiple of this (e.g. 5), if set.
    pub round_to: Option<u64>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            threshold: 5,
            suppress_zeros: false,
            round_to: None,
        }
    }
}

/// A two-way table of counts, published with its row, column and grand totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    row_labels: Vec<String>,
    column_labels: Vec<String>,
    counts: Vec<Vec<u64>>,
}

/// A table that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// A row has a different number of cells from the column labels.
    #[error("row {row} ({label}) has {found} cells but the table has {expected} columns")]
    Ragged {
        /// 1-based row number.
        row: usize,
        /// The row's label.
        label: String,
        /// Cells in that row.
        found: usize,
        /// Column labels.
        expected: usize,
    },
    /// The number of rows of counts differs from the number of row labels.
    #[error("{labels} row labels but {rows} rows of counts")]
    RowCount {
        /// Row labels given.
        labels: usize,
        /// Rows of counts given.
        rows: usize,
    },
}

impl Table {
    /// A table from its labels and its counts, row by row.
    pub fn new(
        row_labels: Vec<String>,
        column_labels: Vec<String>,
        counts: Vec<Vec<u64>>,
    ) -> Result<Table, TableError> {
        if row_labels.len() != counts.len() {
            return Err(TableError::RowCount {
                labels: row_labels.len(),
                rows: counts.len(),
            });
        }
        for (i, row) in counts.iter().enumerate() {
            if row.len() != column_labels.len() {
                return Err(TableError::Ragged {
                    row: i + 1,
                    label: row_labels[i].clone(),
                    found: row.len(),
                    expected: column_labels.len(),
                });
            }
        }
        Ok(Table {
            row_labels,
            column_labels,
            counts,
        })
    }

    /// A one-way table (a list of counts with a total), as one column headed `column`.
    pub fn one_way(column: &str, rows: Vec<(String, u64)>) -> Table {
        let (row_labels, counts) = rows.into_iter().map(|(l, n)| (l, vec![n])).unzip();
        Table {
            row_labels,
            column_labels: vec![column.to_owned()],
            counts,
        }
    }

    /// The count in row `r`, column `c`.
    pub fn count(&self, r: usize, c: usize) -> u64 {
        self.counts[r][c]
    }

    /// Number of rows (not counting the totals row).
    pub fn rows(&self) -> usize {
        self.row_labels.len()
    }

    /// Number of columns (not counting the totals column).
    pub fn columns(&self) -> usize {
        self.column_labels.len()
    }
}

/// One published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell {
    /// A value that may be shown (already rounded if the policy rounds).
    Shown(u64),
    /// Suppressed to protect confidentiality: `[c]`.
    Confidential,
    /// Not available (e.g. no data for the period): `[x]`.
    NotAvailable,
    /// Not applicable: `[z]`.
    NotApplicable,
}

impl Cell {
    /// The value, if shown.
    pub fn value(self) -> Option<u64> {
        match self {
            Cell::Shown(v) => Some(v),
            _ => None,
        }
    }

    /// What a screen reader or a table's note says for this cell.
    pub fn meaning(self) -> &'static str {
        match self {
            Cell::Shown(_) => "value",
            Cell::Confidential => "suppressed to protect confidentiality",
            Cell::NotAvailable => "not available",
            Cell::NotApplicable => "not applicable",
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Shown(v) => write!(f, "{v}"),
            Cell::Confidential => f.write_str("[c]"),
            Cell::NotAvailable => f.write_str("[x]"),
            Cell::NotApplicable => f.write_str("[z]"),
        }
    }
}

/// A table ready to publish: every figure protected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protected {
    /// Row labels, as given.
    pub row_labels: Vec<String>,
    /// Column labels, as given.
    pub column_labels: Vec<String>,
    /// The body, row by row.
    pub cells: Vec<Vec<Cell>>,
    /// Each row's total.
    pub row_totals: Vec<Cell>,
    /// Each column's total.
    pub column_totals: Vec<Cell>,
    /// The grand total.
    pub total: Cell,
    /// How many figures were suppressed because they were small.
    pub primary: usize,
    /// How many more were suppressed so that the small ones cannot be worked out.
    pub secondary: usize,
    /// The policy applied.
    pub policy: Policy,
}

/// Which totals a table is published with. A total that is not a count of anything (families
/// with several problems summed over the problems; "identified" plus "worked with", which
/// overlap) is not published, so it neither needs protecting nor gives away a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Margins {
    /// Each row's total.
    pub rows: bool,
    /// Each column's total.
    pub columns: bool,
}

impl Margins {
    /// Row, column and grand totals.
    pub const ALL: Margins = Margins {
        rows: true,
        columns: true,
    };
}

/// Protect a table for publication under `policy`, with its row, column and grand totals.
pub fn protect(table: &Table, policy: Policy) -> Protected {
    protect_with(table, policy, Margins::ALL)
}

/// Protect a table published with the totals `margins` says (the grand total only with
/// both); totals not published are `[z]`.
pub fn protect_with(table: &Table, policy: Policy, margins: Margins) -> Protected {
    let layout = Layout::of(table, margins);
    let values = layout.values(table);
    let published: Vec<bool> = (0..layout.len()).map(|i| layout.published(i)).collect();
    let mut suppressed: Vec<bool> = values
        .iter()
        .zip(&published)
        .map(|(&v, &p)| p && is_small(v, policy))
        .collect();
    let primary = suppressed.iter().filter(|&&s| s).count();
    // A figure not published is as good as suppressed (it is in no equation, and is never a
    // candidate), but it is not counted.
    for (s, &p) in suppressed.iter_mut().zip(&published) {
        *s |= !p;
    }
    let mut secondary = 0;
    loop {
        let exposed = layout.recoverable(&suppressed);
        let Some(first) = exposed.iter().position(|&e| e) else {
            break;
        };
        let candidates = layout.candidates_near(&exposed, &values, &suppressed);
        let choice = candidates
            .iter()
            .copied()
            .find(|&j| {
                suppressed[j] = true;
                let protects = !layout.recoverable(&suppressed)[first];
                suppressed[j] = false;
                protects
            })
            // No single figure hides it: suppress the best candidate beside the exposed ones
            // and look again; the next rounds close the cycle.
            .or_else(|| candidates.first().copied());
        match choice {
            Some(j) => {
                suppressed[j] = true;
                secondary += 1;
            }
            None => break, // everything is suppressed
        }
    }
    let shown = |i: usize| {
        if !published[i] {
            Cell::NotApplicable
        } else if suppressed[i] {
            Cell::Confidential
        } else {
            Cell::Shown(round(values[i], policy.round_to))
        }
    };
    let (rows, cols) = (layout.rows, layout.cols);
    Protected {
        row_labels: table.row_labels.clone(),
        column_labels: table.column_labels.clone(),
        cells: (0..rows)
            .map(|r| (0..cols).map(|c| shown(layout.body(r, c))).collect())
            .collect(),
        row_totals: (0..rows).map(|r| shown(layout.row_total(r))).collect(),
        column_totals: (0..cols).map(|c| shown(layout.column_total(c))).collect(),
        total: shown(layout.grand_total()),
        primary,
        secondary,
        policy,
    }
}

fn is_small(v: u64, policy: Policy) -> bool {
    (v > 0 || policy.suppress_zeros) && v < policy.threshold
}

fn round(v: u64, base: Option<u64>) -> u64 {
    match base {
        Some(b) if b > 1 => (v + b / 2) / b * b,
        _ => v,
    }
}

/// Where each figure of a table sits in one list: the body row by row, then the row totals,
/// the column totals and the grand total; and the equations the totals give.
struct Layout {
    rows: usize,
    cols: usize,
    margins: Margins,
    /// Each equation: the figures in it with their coefficients (+1 or -1); each sums to 0.
    equations: Vec<Vec<(usize, i8)>>,
}

impl Layout {
    fn of(table: &Table, margins: Margins) -> Layout {
        let (rows, cols) = (table.rows(), table.columns());
        let mut l = Layout {
            rows,
            cols,
            margins,
            equations: Vec::new(),
        };
        if margins.rows {
            for r in 0..rows {
                let mut eq: Vec<(usize, i8)> = (0..cols).map(|c| (l.body(r, c), 1)).collect();
                eq.push((l.row_total(r), -1));
                l.equations.push(eq);
            }
        }
        if margins.columns {
            for c in 0..cols {
                let mut eq: Vec<(usize, i8)> = (0..rows).map(|r| (l.body(r, c), 1)).collect();
                eq.push((l.column_total(c), -1));
                l.equations.push(eq);
            }
        }
        if margins.rows && margins.columns {
            let mut eq: Vec<(usize, i8)> = (0..rows).map(|r| (l.row_total(r), 1)).collect();
            eq.push((l.grand_total(), -1));
            l.equations.push(eq);
            let mut eq: Vec<(usize, i8)> = (0..cols).map(|c| (l.column_total(c), 1)).collect();
            eq.push((l.grand_total(), -1));
            l.equations.push(eq);
        }
        l
    }

    /// Whether figure `i` is published (the body always; a total as `margins` says).
    fn published(&self, i: usize) -> bool {
        if i < self.rows * self.cols {
            true
        } else if i < self.column_total(0) {
            self.margins.rows
        } else if i < self.grand_total() {
            self.margins.columns
        } else {
            self.margins.rows && self.margins.columns
        }
    }

    fn body(&self, r: usize, c: usize) -> usize {
        r * self.cols + c
    }
    fn row_total(&self, r: usize) -> usize {
        self.rows * self.cols + r
    }
    fn column_total(&self, c: usize) -> usize {
        self.rows * self.cols + self.rows + c
    }
    fn grand_total(&self) -> usize {
        self.rows * self.cols + self.rows + self.cols
    }
    fn len(&self) -> usize {
        self.grand_total() + 1
    }
    fn is_total(&self, i: usize) -> bool {
        i >= self.rows * self.cols
    }

    fn values(&self, table: &Table) -> Vec<u64> {
        let mut v = vec![0u64; self.len()];
        for r in 0..self.rows {
            for c in 0..self.cols {
                let n = table.count(r, c);
                v[self.body(r, c)] = n;
                v[self.row_total(r)] += n;
                v[self.column_total(c)] += n;
                v[self.grand_total()] += n;
            }
        }
        v
    }

    /// Published figures that could be suppressed next, best first.
    fn candidates(&self, values: &[u64], suppressed: &[bool]) -> Vec<usize> {
        let mut c: Vec<usize> = (0..self.len()).filter(|&i| !suppressed[i]).collect();
        c.sort_by_key(|&i| (values[i] == 0, self.is_total(i), values[i], i));
        c
    }

    /// As `candidates`, only those sharing an equation (a row, a column, their totals) with
    /// a figure that can still be worked out: the ones that can hide it, and few enough to try
    /// each in a large table. All candidates when none is beside them.
    fn candidates_near(&self, exposed: &[bool], values: &[u64], suppressed: &[bool]) -> Vec<usize> {
        let mut near = vec![false; self.len()];
        for eq in self
            .equations
            .iter()
            .filter(|eq| eq.iter().any(|&(j, _)| exposed[j]))
        {
            for &(j, _) in eq {
                near[j] = true;
            }
        }
        let all = self.candidates(values, suppressed);
        let c: Vec<usize> = all.iter().copied().filter(|&i| near[i]).collect();
        if c.is_empty() {
            all
        } else {
            c
        }
    }

    /// For each figure: whether it is suppressed and yet determined by the published ones.
    fn recoverable(&self, suppressed: &[bool]) -> Vec<bool> {
        let unknowns: Vec<usize> = (0..self.len()).filter(|&i| suppressed[i]).collect();
        let mut column_of = vec![usize::MAX; self.len()];
        for (k, &i) in unknowns.iter().enumerate() {
            column_of[i] = k;
        }
        let mut matrix: Vec<Vec<u64>> = self
            .equations
            .iter()
            .map(|eq| {
                let mut row = vec![0u64; unknowns.len()];
                for &(i, coef) in eq {
                    if suppressed[i] {
                        row[column_of[i]] = if coef > 0 { 1 } else { P - 1 };
                    }
                }
                row
            })
            .collect();
        let pivots = reduce(&mut matrix, unknowns.len());
        let mut out = vec![false; self.len()];
        let free: Vec<usize> = (0..unknowns.len())
            .filter(|k| !pivots.iter().any(|&(_, c)| c == *k))
            .collect();
        for &(row, col) in &pivots {
            // A pivot variable is determined when its reduced row mentions no free variable.
            if free.iter().all(|&f| matrix[row][f] == 0) {
                out[unknowns[col]] = true;
            }
        }
        out
    }
}

/// The prime the equations are reduced modulo (exact for a totally unimodular matrix).
const P: u64 = 2_147_483_647;

fn inverse(a: u64) -> u64 {
    // Fermat: a^(P-2) mod P.
    let (mut base, mut exp, mut acc) = (a % P, P - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc * base % P;
        }
        base = base * base % P;
        exp >>= 1;
    }
    acc
}

/// Reduced row echelon form modulo P, in place; returns each pivot's (row, column).
fn reduce(m: &mut [Vec<u64>], cols: usize) -> Vec<(usize, usize)> {
    let mut pivots = Vec::new();
    let mut row = 0;
    for col in 0..cols {
        let Some(p) = (row..m.len()).find(|&r| m[r][col] != 0) else {
            continue;
        };
        m.swap(row, p);
        let inv = inverse(m[row][col]);
        for v in m[row].iter_mut() {
            *v = *v * inv % P;
        }
        let pivot_row = m[row].clone();
        for (r, other) in m.iter_mut().enumerate() {
            if r != row && other[col] != 0 {
                let f = other[col];
                for (v, &pv) in other.iter_mut().zip(&pivot_row) {
                    *v = (*v + P - f * pv % P) % P;
                }
            }
        }
        pivots.push((row, col));
        row += 1;
        if row == m.len() {
            break;
        }
    }
    pivots
}

#[cfg(test)]
mod tests;
