use super::*;
use proptest::prelude::*;

fn table(counts: Vec<Vec<u64>>) -> Table {
    let rows = (0..counts.len()).map(|r| format!("row {r}")).collect();
    let cols = (0..counts[0].len()).map(|c| format!("col {c}")).collect();
    Table::new(rows, cols, counts).unwrap()
}

/// Every figure of a protected table in the layout's order (`None` when not shown).
fn published(p: &Protected) -> Vec<Option<u64>> {
    let mut v: Vec<Option<u64>> = p.cells.iter().flatten().map(|c| c.value()).collect();
    v.extend(p.row_totals.iter().map(|c| c.value()));
    v.extend(p.column_totals.iter().map(|c| c.value()));
    v.push(p.total.value());
    v
}

/// Overlapping columns ("identified", "worked with") have no row totals worth publishing;
/// families with several problems, no column totals. Without those totals a small cell gives
/// nothing away, so nothing else is hidden for it (once every cell of such a table was
/// suppressed, protecting totals nobody should have published).
#[test]
fn a_table_without_totals_hides_only_its_small_cells() {
    let t = table(vec![vec![55, 3], vec![37, 12], vec![43, 2], vec![132, 40]]);
    let none = Margins {
        rows: false,
        columns: false,
    };
    let p = protect_with(&t, Policy::default(), none);
    assert_eq!((p.primary, p.secondary), (2, 0));
    assert_eq!(p.cells[0], vec![Cell::Shown(55), Cell::Confidential]);
    assert_eq!(p.cells[1], vec![Cell::Shown(37), Cell::Shown(12)]);
    assert!(p.row_totals.iter().all(|c| *c == Cell::NotApplicable));
    assert!(p.column_totals.iter().all(|c| *c == Cell::NotApplicable));
    assert_eq!(p.total, Cell::NotApplicable);
    // With column totals only, each small cell needs a partner in its own column, and no
    // more: "Identified" is left alone.
    let columns = Margins {
        rows: false,
        columns: true,
    };
    let p = protect_with(&t, Policy::default(), columns);
    assert!(
        p.cells.iter().all(|r| matches!(r[0], Cell::Shown(_))),
        "{p:#?}"
    );
    assert_eq!(p.column_totals[0], Cell::Shown(267));
    assert!(propagation_attack_with(&p, columns).is_empty());
    assert!(rank_attack_with(&p, columns).is_empty());
    // With every total (as before), the same table loses more.
    let all = protect(&t, Policy::default());
    assert!(all.secondary > p.secondary);
}

#[test]
fn nothing_small_means_nothing_suppressed() {
    let p = protect(&table(vec![vec![10, 20], vec![30, 40]]), Policy::default());
    assert_eq!(p.primary + p.secondary, 0);
    assert_eq!(p.total, Cell::Shown(100));
    assert_eq!(p.row_totals, vec![Cell::Shown(30), Cell::Shown(70)]);
}

#[test]
fn a_small_cell_and_enough_others_are_suppressed() {
    // Row 0 has a 3: suppressing it alone would let anyone subtract it from the row total.
    let p = protect(
        &table(vec![vec![3, 20, 12], vec![30, 40, 9], vec![11, 14, 50]]),
        Policy::default(),
    );
    assert_eq!(p.cells[0][0], Cell::Confidential);
    assert_eq!(p.primary, 1);
    // A cycle of four cells is the least that hides one cell in a table with totals.
    assert_eq!(p.secondary, 3, "{p:#?}");
    assert!(propagation_attack(&p).is_empty());
}

#[test]
fn zeros_are_shown_unless_asked_and_never_chosen_first() {
    let p = protect(&table(vec![vec![0, 20], vec![30, 40]]), Policy::default());
    assert_eq!(p.cells[0][0], Cell::Shown(0));
    let policy = Policy {
        suppress_zeros: true,
        ..Policy::default()
    };
    let p = protect(&table(vec![vec![0, 20], vec![30, 40]]), policy);
    assert_eq!(p.cells[0][0], Cell::Confidential);
}

#[test]
fn threshold_edges() {
    let p = protect(
        &Table::one_way(
            "families",
            vec![("a".into(), 4), ("b".into(), 5), ("c".into(), 9)],
        ),
        Policy::default(),
    );
    assert_eq!(p.cells[0][0], Cell::Confidential, "4 is under 5");
    assert_eq!(
        p.row_totals[0],
        Cell::Confidential,
        "a row total equal to the cell"
    );
    // The 4 must not be recoverable from the grand total: another row is suppressed too.
    assert!(
        p.cells
            .iter()
            .filter(|r| r[0] == Cell::Confidential)
            .count()
            >= 2
    );
    assert!(propagation_attack(&p).is_empty());
}

#[test]
fn rounding_to_five_rounds_every_shown_figure() {
    let policy = Policy {
        round_to: Some(5),
        ..Policy::default()
    };
    let p = protect(&table(vec![vec![12, 23], vec![37, 48]]), policy);
    assert_eq!(p.cells[0], vec![Cell::Shown(10), Cell::Shown(25)]);
    assert_eq!(p.total, Cell::Shown(120));
}

#[test]
fn symbols_are_the_gss_ones() {
    assert_eq!(Cell::Confidential.to_string(), "[c]");
    assert_eq!(Cell::NotAvailable.to_string(), "[x]");
    assert_eq!(Cell::NotApplicable.to_string(), "[z]");
    assert_eq!(Cell::Shown(12).to_string(), "12");
}

#[test]
fn ragged_tables_are_refused_by_row() {
    let e = Table::new(
        vec!["a".into(), "b".into()],
        vec!["x".into(), "y".into()],
        vec![vec![1, 2], vec![3]],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 2 (b) has 1 cells but the table has 2 columns"
    );
}

/// The attack anyone can do with a pencil: any row, column or total with one unknown left
/// gives that unknown away; repeat until nothing changes. Returns what it worked out.
fn propagation_attack(p: &Protected) -> Vec<(usize, u64)> {
    propagation_attack_with(p, Margins::ALL)
}

/// As [`propagation_attack`], on a table published with `margins`.
fn propagation_attack_with(p: &Protected, margins: Margins) -> Vec<(usize, u64)> {
    let rows = p.row_labels.len();
    let cols = p.column_labels.len();
    let layout = Layout {
        rows,
        cols,
        margins,
        equations: Vec::new(),
    };
    let equations = Layout::of(
        &Table {
            row_labels: p.row_labels.clone(),
            column_labels: p.column_labels.clone(),
            counts: vec![vec![0; cols]; rows],
        },
        margins,
    )
    .equations;
    let mut known: Vec<Option<i128>> = published(p).iter().map(|v| v.map(i128::from)).collect();
    let suppressed: Vec<usize> = (0..layout.len()).filter(|&i| known[i].is_none()).collect();
    loop {
        let mut progress = false;
        for eq in &equations {
            let unknown: Vec<&(usize, i8)> =
                eq.iter().filter(|(i, _)| known[*i].is_none()).collect();
            if let [&(i, coef)] = unknown.as_slice() {
                let rest: i128 = eq
                    .iter()
                    .filter(|(j, _)| *j != i)
                    .map(|&(j, c)| i128::from(c) * known[j].unwrap())
                    .sum();
                known[i] = Some(-rest / i128::from(coef));
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    suppressed
        .into_iter()
        .filter_map(|i| known[i].map(|v| (i, v as u64)))
        .collect()
}

/// The strongest linear attack, written independently of the module's modular arithmetic:
/// floating-point elimination of the published equations; a suppressed figure is recovered
/// when it is a pivot whose row involves no free unknown.
fn rank_attack(p: &Protected) -> Vec<usize> {
    rank_attack_with(p, Margins::ALL)
}

/// As [`rank_attack`], on a table published with `margins`.
fn rank_attack_with(p: &Protected, margins: Margins) -> Vec<usize> {
    let rows = p.row_labels.len();
    let cols = p.column_labels.len();
    let equations = Layout::of(
        &Table {
            row_labels: p.row_labels.clone(),
            column_labels: p.column_labels.clone(),
            counts: vec![vec![0; cols]; rows],
        },
        margins,
    )
    .equations;
    let known = published(p);
    let unknowns: Vec<usize> = (0..known.len()).filter(|&i| known[i].is_none()).collect();
    let mut m: Vec<Vec<f64>> = equations
        .iter()
        .map(|eq| {
            unknowns
                .iter()
                .map(|u| {
                    eq.iter()
                        .find(|(i, _)| i == u)
                        .map_or(0.0, |&(_, c)| f64::from(c))
                })
                .collect()
        })
        .collect();
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..unknowns.len() {
        let Some(best) = (r..m.len()).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
        else {
            break;
        };
        if m[best][c].abs() < 1e-9 {
            continue;
        }
        m.swap(r, best);
        let pv = m[r][c];
        for v in m[r].iter_mut() {
            *v /= pv;
        }
        let prow = m[r].clone();
        for (k, row) in m.iter_mut().enumerate() {
            if k != r {
                let f = row[c];
                for (v, pvv) in row.iter_mut().zip(&prow) {
                    *v -= f * pvv;
                }
            }
        }
        pivots.push((r, c));
        r += 1;
    }
    let free: Vec<usize> = (0..unknowns.len())
        .filter(|c| !pivots.iter().any(|&(_, pc)| pc == *c))
        .collect();
    pivots
        .into_iter()
        .filter(|&(row, _)| free.iter().all(|&f| m[row][f].abs() < 1e-9))
        .map(|(_, c)| unknowns[c])
        .collect()
}

fn small_tables() -> impl Strategy<Value = Vec<Vec<u64>>> {
    (1usize..6, 1usize..6).prop_flat_map(|(r, c)| {
        // Mostly small counts, so that suppression is common.
        let cell = prop_oneof![3 => 0u64..6, 2 => 0u64..40, 1 => 0u64..500];
        proptest::collection::vec(proptest::collection::vec(cell, c), r)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn whatever_totals_are_published_no_suppressed_cell_can_be_worked_out(
        counts in small_tables(),
        rows in any::<bool>(),
        columns in any::<bool>(),
    ) {
        let margins = Margins { rows, columns };
        let p = protect_with(&table(counts.clone()), Policy::default(), margins);
        prop_assert!(propagation_attack_with(&p, margins).is_empty(), "{p:#?}");
        prop_assert!(rank_attack_with(&p, margins).is_empty(), "{p:#?}");
        for (r, row) in counts.iter().enumerate() {
            for (c, &n) in row.iter().enumerate() {
                if (1..5).contains(&n) {
                    prop_assert_eq!(p.cells[r][c], Cell::Confidential);
                }
            }
        }
        if !rows && !columns {
            prop_assert_eq!(p.secondary, 0);
        }
    }

    #[test]
    fn suppressed_cells_cannot_be_worked_out_from_the_totals(counts in small_tables()) {
        let p = protect(&table(counts.clone()), Policy::default());
        prop_assert!(propagation_attack(&p).is_empty(), "pencil attack recovered {:?} from {p:#?}", propagation_attack(&p));
        prop_assert!(rank_attack(&p).is_empty(), "linear attack recovered {:?}", rank_attack(&p));
    }

    #[test]
    fn every_small_count_is_suppressed_and_shown_figures_are_true(counts in small_tables()) {
        let p = protect(&table(counts.clone()), Policy::default());
        for (r, row) in counts.iter().enumerate() {
            for (c, &n) in row.iter().enumerate() {
                match p.cells[r][c] {
                    Cell::Shown(v) => { prop_assert_eq!(v, n); prop_assert!(n == 0 || n >= 5); }
                    Cell::Confidential => {}
                    other => prop_assert!(false, "unexpected {other:?}"),
                }
            }
            let total: u64 = row.iter().sum();
            if let Cell::Shown(v) = p.row_totals[r] { prop_assert_eq!(v, total); prop_assert!(total == 0 || total >= 5); }
        }
    }

    #[test]
    fn rounding_moves_no_figure_more_than_half_the_base(counts in small_tables()) {
        let policy = Policy { round_to: Some(5), ..Policy::default() };
        let p = protect(&table(counts.clone()), policy);
        for (r, row) in counts.iter().enumerate() {
            for (c, &n) in row.iter().enumerate() {
                if let Cell::Shown(v) = p.cells[r][c] {
                    prop_assert_eq!(v % 5, 0);
                    prop_assert!(v.abs_diff(n) <= 2);
                }
            }
        }
    }
}

#[test]
fn a_wide_table_is_protected() {
    let counts: Vec<Vec<u64>> = (0..40u64)
        .map(|r| (0..12u64).map(|c| (r * 7 + c * 13) % 23).collect())
        .collect();
    let t0 = std::time::Instant::now();
    let p = protect(&table(counts), Policy::default());
    eprintln!(
        "40 x 12: {} primary, {} secondary, {:?}",
        p.primary,
        p.secondary,
        t0.elapsed()
    );
    assert!(propagation_attack(&p).is_empty());
    assert!(rank_attack(&p).is_empty());
}
