//! `hearth link --spec`: a spec file of any text beside two small CSV files, run end to end
//! (parse, read, link, write) in a scratch folder. Must fail with an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const PEOPLE: &str = "id,first,last,dob,postcode\n1,Ann,Smith,1980-01-02,TS1 1AA\n2,Anne,Smith,1980-01-02,TS1 1AA\n3,Bob,Jones,,\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Only specs that parse are worth the files (most inputs stop here, cheaply).
    if toml::from_str::<hearth_linkage::spec::Spec>(text).is_err() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), PEOPLE).unwrap();
    std::fs::write(dir.path().join("b.csv"), PEOPLE).unwrap();
    let spec = dir.path().join("spec.toml");
    std::fs::write(&spec, text).unwrap();
    let _ = hearth_linkage::spec::run(&spec, &dir.path().join("out"));
});
