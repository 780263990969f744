//! Lists assets/flows/*.toml so each flow file is embedded: a new integration is a new file.
//! For a Windows target, also puts the icon, version information and a manifest into the .exe.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    embed_flows();
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resources();
    }
}

fn embed_flows() {
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

/// Runs as invoker (no UAC prompt, no installer heuristics), declares Windows 10/11 so the
/// system does not emulate an old one, per-monitor DPI (sharp text on office laptops), and
/// the themed common controls for the error box.
const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3">
    <security>
      <requestedPrivileges>
        <requestedExecutionLevel level="asInvoker" uiAccess="false"/>
      </requestedPrivileges>
    </security>
  </trustInfo>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application>
      <supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>
    </application>
  </compatibility>
  <application xmlns="urn:schemas-microsoft-com:asm.v3">
    <windowsSettings>
      <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
      <dpiAwareness xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">PerMonitorV2, PerMonitor</dpiAwareness>
    </windowsSettings>
  </application>
  <dependency>
    <dependentAssembly>
      <assemblyIdentity type="win32" name="Microsoft.Windows.Common-Controls" version="6.0.0.0"
        processorArchitecture="*" publicKeyToken="6595b64144ccf1df" language="*"/>
    </dependentAssembly>
  </dependency>
</assembly>
"#;

fn windows_resources() {
    println!("cargo:rerun-if-changed=assets/icon.ico");
    let version = std::env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION");
    let mut res = winresource::WindowsResource::new();
    res.set_icon("assets/icon.ico")
        .set_language(0x0419) // Russian (Russia)
        .set("ProductName", "Ключник")
        .set("FileDescription", "Ключник — настройка ключей интеграции")
        .set("InternalName", "klyuchnik")
        .set("OriginalFilename", "klyuchnik.exe")
        .set("CompanyName", "Ключник")
        .set("LegalCopyright", "Лицензия MIT")
        .set("FileVersion", &version)
        .set("ProductVersion", &version)
        .set_manifest(MANIFEST);
    // Only the app itself: examples and tests need no icon.
    if let Err(e) = res.compile_for("klyuchnik") {
        panic!(
            "Windows resources (icon, version, manifest): {e}. Is mingw-w64 (windres) installed?"
        );
    }
}
