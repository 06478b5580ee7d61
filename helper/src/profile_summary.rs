//! nix-support/profile.json: the summary a profile stage keeps beside the
//! profile it made, read back by the report and the release.

use serde::{Deserialize, Serialize};

use crate::fingerprint::FingerprintReport;
use crate::pprof::show::Summary;

/// nix-support/profile.json, in its writer's own type: `nix-pgo fingerprint
/// --json` for an LLVM profile (mergeProfiles.sh, lockedProfile.sh,
/// unprofileRegressed.sh), `nix-pgo pprof merge --summary` or `nix-pgo import
/// --lock` for a Go one. Read as one of the two, it is written again as it was
/// (report-data.json, report.json, provenance.json).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProfileSummary {
    Llvm(FingerprintReport),
    Go(Summary),
}

impl ProfileSummary {
    pub fn fingerprint(&self) -> &str {
        match self {
            ProfileSummary::Llvm(s) => &s.fingerprint,
            ProfileSummary::Go(s) => &s.fingerprint,
        }
    }

    pub fn functions(&self) -> usize {
        match self {
            ProfileSummary::Llvm(s) => s.functions,
            ProfileSummary::Go(s) => s.functions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each writer's summary reads as its own kind and is written back as it was.
    #[test]
    fn both_summaries_read_as_their_own_kind_and_write_back_unchanged() {
        let llvm = r#"{"file":"demo.profdata","fingerprint":"ab","functions":5,"total_count":70}"#;
        let go = r#"{"fingerprint":"cd","fingerprintAlgorithm":"blake3-canonical-pprof-v1","sampleTypes":["samples/count","cpu/nanoseconds"],"samples":3,"totals":[3,30000000],"totalValue":30000000,"valueType":"cpu/nanoseconds","functions":2,"locations":4}"#;
        for (text, fingerprint, functions) in [(llvm, "ab", 5), (go, "cd", 2)] {
            let summary: ProfileSummary = serde_json::from_str(text).expect(text);
            assert_eq!(summary.fingerprint(), fingerprint);
            assert_eq!(summary.functions(), functions);
            assert_eq!(serde_json::to_string(&summary).expect("serialize"), text);
        }
        assert!(matches!(
            serde_json::from_str(llvm).expect("llvm"),
            ProfileSummary::Llvm(_)
        ));
        assert!(serde_json::from_str::<ProfileSummary>(r#"{"fingerprint":"ab"}"#).is_err());
    }
}
