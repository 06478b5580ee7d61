//! LLVM instrumentation profiles: reading them through llvm-profdata and
//! reasoning about their content.

pub mod text;

use std::path::Path;

use anyhow::{Context, Result};

use crate::tool::Tool;
pub use text::Profile;

/// Read any profile llvm-profdata understands (.profraw, .profdata,
/// .proftext) by dumping it as text and parsing that.
///
/// We go through the text dump rather than parsing the binary formats
/// ourselves because those change between LLVM versions, while the text
/// format has been stable for years and is what llvm-profdata reads back.
pub fn load(llvm_profdata: &Tool, path: &Path) -> Result<Profile> {
    let output = llvm_profdata
        .run([
            "merge".as_ref(),
            "--text".as_ref(),
            path.as_os_str(),
            "-o".as_ref(),
            "-".as_ref(),
        ])
        .with_context(|| {
            format!(
                "could not read the profile {}: it may be truncated or corrupt, or written by \
                 another LLVM major version than this llvm-profdata (see `nix-pgo check-toolchain`)",
                path.display()
            )
        })?;
    let text = String::from_utf8(output.stdout)
        .with_context(|| format!("the text dump of {} is not valid UTF-8", path.display()))?;
    text::parse(&text).with_context(|| {
        format!(
            "could not parse llvm-profdata's text dump of {}: is {} a supported llvm-profdata?",
            path.display(),
            llvm_profdata.path.display()
        )
    })
}
