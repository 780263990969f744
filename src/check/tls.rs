//! Root certificates trusted on top of the platform's: the Russian Trusted Root CA and its
//! Sub CAs (Минцифры), which sign ЕИС's certificates and are in no public root store.
//! Verified copies with fingerprints: assets/certs/README.md.

pub const RUSSIAN_ROOTS: &[&[u8]] = &[
    include_bytes!("../../assets/certs/russian_trusted_root_ca.pem"),
    include_bytes!("../../assets/certs/russian_trusted_sub_ca_2024.pem"),
    include_bytes!("../../assets/certs/russian_trusted_sub_ca_2022.pem"),
];
