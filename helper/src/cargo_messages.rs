//! `nix-pgo cargo-messages`: keep cargo's `--message-format=json` output for
//! `coverage`/`staleness` (machine-readable records, not prose scraped from
//! the log), while the build log still shows the diagnostics as cargo would
//! have printed them.

/// None: not a cargo JSON record. Some(None): a record with nothing to show.
/// Some(Some(text)): a diagnostic as rustc rendered it.
pub fn rendered(line: &str) -> Option<Option<String>> {
    if !line.starts_with('{') {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    value["reason"].as_str()?;
    Some(
        value["message"]["rendered"]
            .as_str()
            .filter(|_| value["reason"] == "compiler-message")
            .map(str::to_owned),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_diagnostics_and_passes_other_lines_through() {
        let msg =
            r#"{"reason":"compiler-message","message":{"message":"m","rendered":"warning: m\n"}}"#;
        assert_eq!(rendered(msg), Some(Some("warning: m\n".to_owned())));
        assert_eq!(
            rendered(r#"{"reason":"build-finished","success":true}"#),
            Some(None)
        );
        assert_eq!(rendered("   Compiling demo"), None);
        assert_eq!(rendered("{not json"), None);
    }
}
