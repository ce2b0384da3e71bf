//! Reads every partner file in a folder with the mapping that applies to it and prints each
//! file's summary (counts by field; no cell values).
//!
//! ```text
//! cargo run --release -p hearth-intake --example import_dir -- DIR/sources mappings
//! ```

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(mappings)) = (args.next(), args.next()) else {
        eprintln!("usage: import_dir SOURCES_DIR MAPPINGS_DIR");
        std::process::exit(2);
    };
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("read sources folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut failed = false;
    for path in entries {
        let result = hearth_intake::Mapping::find_for(&mappings, &path)
            .map_err(|e| e.to_string())
            .and_then(|m| hearth_intake::read_file(&path, &m).map_err(|e| e.to_string()));
        match result {
            Ok(import) => print!("{}", import.summary),
            Err(e) => {
                failed = true;
                eprintln!("error: {e}");
            }
        }
    }
    std::process::exit(i32::from(failed));
}
