//! Profile fingerprints: a content hash that identifies the profile data,
//! not the bytes of one particular file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::profile::Profile;

/// The name of the algorithm [`fingerprint`] computes, recorded in the lock
/// next to every fingerprint: blake3 of the canonical text form
/// ([`crate::profile::Profile::canonical_text`]: records sorted, written in
/// `llvm-profdata merge --text`'s layout). Any change to what is hashed (the
/// canonical order, the text layout, the hash) must get a new name, so that
/// locks written before fail with "re-lock" instead of every fingerprint
/// silently differing.
pub const ALGORITHM: &str = "blake3-canonical-proftext-v1";

/// blake3 of `canonical_text`, as lowercase hex.
pub fn fingerprint(canonical_text: &str) -> String {
    blake3::hash(canonical_text.as_bytes()).to_hex().to_string()
}

/// `nix-pgo fingerprint --json`: an LLVM profile's summary, which the profile
/// stages keep as nix-support/profile.json ([`crate::profile_summary`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FingerprintReport {
    /// The profile, as given.
    pub file: PathBuf,
    pub fingerprint: String,
    pub functions: usize,
    pub total_count: u64,
}

impl FingerprintReport {
    pub fn new(file: PathBuf, profile: &Profile) -> Self {
        Self {
            file,
            fingerprint: profile.fingerprint(),
            functions: profile.functions(),
            total_count: profile.total_count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first algorithm's name describes locks already written: it must
    /// not change, and while it is the current one its hash must not either.
    #[test]
    fn the_first_algorithm_is_stable() {
        assert_eq!(ALGORITHM, crate::lock::FIRST_FINGERPRINT_ALGORITHM);
        assert_eq!(
            fingerprint(":ir\n"),
            blake3::hash(b":ir\n").to_hex().to_string()
        );
    }
}
