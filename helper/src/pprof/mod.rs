//! pprof profiles (Go's CPU profiles, `default.pgo`): reading and writing
//! pprof's gzipped protobuf ([`proto`]), the canonical merge that gives a
//! sampled profile its identity ([`merge`]), the scaling of the profiling
//! build's samples to the CPU time they stood for ([`cpu_time`]), summaries ([`show`]) and how
//! well a profile fits a binary ([`symbols`], with Go's function table:
//! [`pclntab`]).

pub mod cpu_time;
pub mod merge;
pub mod pclntab;
pub mod proto;
pub mod show;
pub mod symbols;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use flate2::read::MultiGzDecoder;
use flate2::{Compression, GzBuilder};
use prost::Message;

pub use proto::Profile;

/// What `fingerprint` hashes, recorded in pgo.lock.json beside it: blake3 of
/// the uncompressed protobuf of the canonical profile ([`merge::canonical`]).
/// Any change to the canonical form must get a new name (see
/// [`crate::fingerprint::ALGORITHM`]).
pub const ALGORITHM: &str = "blake3-canonical-pprof-v1";

/// Read a pprof file (gzipped or not); the error names the file and says
/// what it holds instead.
pub fn read(path: &Path) -> Result<Profile> {
    let bytes = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    decode(&bytes).with_context(|| format!("{} is not a pprof profile", path.display()))
}

/// Decode pprof bytes (gzipped or not) and check the references inside.
pub fn decode(bytes: &[u8]) -> Result<Profile> {
    let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(bytes).read_to_end(&mut out).context(
            "it starts like gzip but does not decompress (truncated? an interrupted \
                 download or copy: take it again)",
        )?;
        out
    } else {
        bytes.to_vec()
    };
    // Text decodes as protobuf surprisingly often: rule it out first.
    if let Some(what) = looks_like_text(&raw) {
        bail!("it is {what}, not pprof's (gzipped) protobuf");
    }
    let profile = Profile::decode(raw.as_slice()).map_err(|err| {
        anyhow::anyhow!(
            "it is {} bytes of binary data that do not decode as pprof's protobuf ({err})",
            raw.len()
        )
    })?;
    check(&profile).context("it decodes as protobuf but not as a consistent pprof profile")?;
    Ok(profile)
}

/// A description of `raw` when it is empty, HTML or other text.
fn looks_like_text(raw: &[u8]) -> Option<String> {
    if raw.is_empty() {
        return Some("empty (0 bytes)".to_owned());
    }
    let text = std::str::from_utf8(raw).ok()?;
    if text
        .chars()
        .any(|c| c.is_control() && !c.is_ascii_whitespace())
    {
        return None;
    }
    let start: String = text.trim_start().chars().take(60).collect();
    let lower = start.to_ascii_lowercase();
    let kind = if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        "an HTML page"
    } else if lower.starts_with('<') {
        "XML or HTML"
    } else if lower.starts_with('{') || lower.starts_with('[') {
        "JSON or other text"
    } else {
        "text"
    };
    Some(format!("{kind} (starts with {start:?})"))
}

/// The checks Go's own parser makes that matter here: string indices in
/// range, string 0 empty, every sample as long as the sample types, every
/// referenced id defined.
fn check(p: &Profile) -> Result<()> {
    if p.string_table.first().map(String::as_str) != Some("") {
        bail!("its string table does not start with the empty string");
    }
    let strings = p.string_table.len() as i64;
    let string_ok = |i: i64| (0..strings).contains(&i);
    let mut indices = Vec::new();
    for t in p.sample_type.iter().chain(&p.period_type) {
        indices.extend([t.r#type, t.unit]);
    }
    for m in &p.mapping {
        indices.extend([m.filename, m.build_id]);
    }
    for f in &p.function {
        indices.extend([f.name, f.system_name, f.filename]);
    }
    for s in &p.sample {
        for l in &s.label {
            indices.extend([l.key, l.str, l.num_unit]);
        }
    }
    indices.extend(p.comment.iter().copied());
    indices.extend([
        p.drop_frames,
        p.keep_frames,
        p.default_sample_type,
        p.doc_url,
    ]);
    if let Some(bad) = indices.into_iter().find(|&i| !string_ok(i)) {
        bail!("string index {bad} is outside its string table of {strings}");
    }
    let ids = |ids: &mut dyn Iterator<Item = u64>,
               what: &str|
     -> Result<std::collections::HashSet<u64>> {
        let mut set = std::collections::HashSet::new();
        for id in ids {
            if id == 0 || !set.insert(id) {
                bail!("{what} id {id} is zero or repeated");
            }
        }
        Ok(set)
    };
    let mappings = ids(&mut p.mapping.iter().map(|m| m.id), "mapping")?;
    let functions = ids(&mut p.function.iter().map(|f| f.id), "function")?;
    let locations = ids(&mut p.location.iter().map(|l| l.id), "location")?;
    for l in &p.location {
        if l.mapping_id != 0 && !mappings.contains(&l.mapping_id) {
            bail!(
                "location {} refers to mapping {}, which is not defined",
                l.id,
                l.mapping_id
            );
        }
        if let Some(line) = l
            .line
            .iter()
            .find(|line| !functions.contains(&line.function_id))
        {
            bail!(
                "location {} refers to function {}, which is not defined",
                l.id,
                line.function_id
            );
        }
    }
    for s in &p.sample {
        if s.value.len() != p.sample_type.len() {
            bail!(
                "a sample has {} values for {} sample types",
                s.value.len(),
                p.sample_type.len()
            );
        }
        if let Some(id) = s.location_id.iter().find(|id| !locations.contains(id)) {
            bail!("a sample refers to location {id}, which is not defined");
        }
    }
    Ok(())
}

/// The string at index `i` (checked by [`decode`]).
pub fn string(p: &Profile, i: i64) -> &str {
    usize::try_from(i)
        .ok()
        .and_then(|i| p.string_table.get(i))
        .map_or("", String::as_str)
}

/// Each function's name by its id.
pub fn function_names(p: &Profile) -> BTreeMap<u64, &str> {
    p.function
        .iter()
        .map(|f| (f.id, string(p, f.name)))
        .collect()
}

/// "type/unit" of each sample type, e.g. ["samples/count", "cpu/nanoseconds"].
pub fn sample_types(p: &Profile) -> Vec<String> {
    p.sample_type
        .iter()
        .map(|t| format!("{}/{}", string(p, t.r#type), string(p, t.unit)))
        .collect()
}

/// The uncompressed protobuf of `p`.
pub fn encode(p: &Profile) -> Vec<u8> {
    p.encode_to_vec()
}

/// `p` as pprof writes it: gzipped protobuf. The gzip header has no name and
/// mtime 0, so equal profiles give equal files.
pub fn encode_gzip(p: &Profile) -> Result<Vec<u8>> {
    let mut gz = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::default());
    gz.write_all(&encode(p))
        .context("could not compress the profile")?;
    gz.finish().context("could not compress the profile")
}

/// Write `p` to `path` as gzipped protobuf.
pub fn write(path: &Path, p: &Profile) -> Result<()> {
    fs::write(path, encode_gzip(p)?).with_context(|| format!("could not write {}", path.display()))
}

/// blake3 of the canonical profile's protobuf, as lowercase hex: the
/// fingerprint of [`ALGORITHM`]. `p` must be canonical ([`merge::canonical`]).
pub fn fingerprint(canonical: &Profile) -> String {
    blake3::hash(&encode(canonical)).to_hex().to_string()
}

/// The build IDs of the profile's mappings (before canonicalisation drops
/// them), with their file names, skipping mappings without one.
pub fn build_ids(p: &Profile) -> Vec<(String, String)> {
    p.mapping
        .iter()
        .filter(|m| m.build_id != 0)
        .map(|m| {
            (
                string(p, m.filename).to_owned(),
                string(p, m.build_id).to_owned(),
            )
        })
        .collect()
}
