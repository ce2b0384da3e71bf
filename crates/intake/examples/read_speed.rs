//! Measures how fast intake reads a large police file.
//!
//! ```text
//! cargo run --release -p hearth-intake --example read_speed -- 1000000
//! ```
//!
//! Writes a synthetic police.csv with N rows (one in a hundred has a bad date) to a temporary
//! directory, then times `read_file` with the shipped police mapping.

use std::io::Write;
use std::time::Instant;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("hearth-read-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("police.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(f, "Occurrence Ref,Occurrence Date,Incident Category,Offence Description,Involvement,Surname,Forename,DOB,Sex,Address,Postcode").expect("write");
    let cats = ["Crime", "ASB", "Domestic Abuse"];
    let inv = ["Suspect", "Offender", "Victim", "Witness"];
    for i in 0..n {
        let day = 1 + i % 28;
        let dob = if i % 100 == 7 {
            "31/02/2011".to_string()
        } else {
            format!("{:02}/{:02}/{}", day, 1 + i % 12, 1960 + i % 50)
        };
        writeln!(
            f,
            "OCC{i},{:02}/{:02}/2024,{},Theft from a shop,{},SURNAME{},Forename{},{dob},{},\"{} High Street, Town\",M{} {}AB",
            day,
            1 + i % 12,
            cats[(i % 3) as usize],
            inv[(i % 4) as usize],
            i % 5000,
            i % 700,
            if i % 2 == 0 { "M" } else { "F" },
            i % 300,
            1 + i % 9,
            i % 10
        )
        .expect("write");
    }
    drop(f);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mapping = hearth_intake::Mapping::load(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../mappings/police.toml"),
    )
    .expect("police mapping");
    let start = Instant::now();
    let import = hearth_intake::read_file(&path, &mapping).expect("read");
    let elapsed = start.elapsed();
    println!(
        "{n} rows ({:.0} MB): {} imported, {} quarantined in {:.2} s ({:.0} rows/s)",
        size as f64 / 1e6,
        import.rows.len(),
        import.quarantined.len(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
