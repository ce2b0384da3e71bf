//! Validates a rules file and prints what it defines, or the error.
//!
//! ```text
//! cargo run -p hearth-identification --example check_rules -- rules/expanded-2015.toml
//! ```

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: check_rules RULES.toml");
        std::process::exit(2);
    };
    match hearth_identification::Rules::load(std::path::Path::new(&path)) {
        Ok(r) => {
            println!(
                "{}: {} problems, {} indicators",
                r.profile(),
                r.problems().len(),
                r.indicators().len()
            );
            for p in r.problems_without_indicators() {
                println!("  no indicator for `{}`", p.key);
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
