//! `link_spec SPEC OUT_DIR`: the same as `hearth link --spec SPEC --out OUT_DIR`, without the
//! rest of the `hearth` binary (used by bench/linkage_vs_splink.sh when the binary is being
//! rebuilt by others).
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: link_spec SPEC OUT_DIR");
        return std::process::ExitCode::FAILURE;
    }
    match hearth_linkage::spec::run(args[1].as_ref(), args[2].as_ref()) {
        Ok(summary) => {
            println!("{summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
