//! Lists assets/flows/*.toml so each flow file is embedded: a new integration is a new file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=assets/flows");
    let dir = Path::new("assets/flows");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("assets/flows exists")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    let mut out = String::from(
        "/// `(file name, contents)` of every flow file.\npub static EMBEDDED_FLOWS: &[(&str, &str)] = &[\n",
    );
    for name in &names {
        writeln!(out, "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/assets/flows/{name}\"))),").expect("write to string");
        println!("cargo:rerun-if-changed=assets/flows/{name}");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("embedded_flows.rs");
    std::fs::write(dest, out).expect("write embedded_flows.rs");
}
