//! The functions an instrumented program has: the PGO names in its
//! `__llvm_prf_names` section, which are the names its profile records would
//! carry. A profile recorded by other programs built from the same crates
//! (a package's test binaries) can then be cut down to what applies to the
//! program (`nix-pgo canonicalize --functions-of`).
//!
//! The section is what LLVM's `collectGlobalObjectNameStrings` writes, one
//! block per object file, concatenated by the linker with zero padding between
//! them: ULEB128 length of the names, ULEB128 length of their zlib
//! compression (0: stored uncompressed), then the names joined by `\x01`
//! (`readAndDecodeStrings` in llvm/lib/ProfileData/InstrProf.cpp reads it so).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use md5::{Digest, Md5};

use crate::crate_hashes::without_crate_hashes;
use crate::profile::text::{symbol_of, Profile};
use object::{Object, ObjectSection};

/// The ELF section with the names of the instrumented functions.
const NAMES_SECTION: &str = "__llvm_prf_names";
/// The ELF section with one record per instrumented function.
const DATA_SECTION: &str = "__llvm_prf_data";
/// What separates the names in a block (`getInstrProfNameSeparator`).
const SEPARATOR: u8 = 0x01;
/// A `__llvm_prf_data` record of a 64-bit program, raw profile version 10 (LLVM 18 to 22:
/// llvm/include/llvm/ProfileData/InstrProfData.inc's INSTR_PROF_DATA): NameRef (u64, the
/// low half of the name's MD5), FuncHash (u64, the control-flow hash a profile record
/// carries), four pointers, NumCounters (u32), NumValueSites (3 × u16), NumBitmapBytes (u32).
const DATA_RECORD_SIZE: usize = 64;

/// The functions of an instrumented program: each PGO name with its control-flow hashes
/// (a name can have several: an internal function's copies), or `None` where the
/// program's records are not in the layout this reads (another LLVM).
pub struct InstrumentedFunctions {
    pub names: HashMap<String, Option<BTreeSet<u64>>>,
}

impl InstrumentedFunctions {
    /// Whether a profile record of `name` and `hash` applies to the program as it is; a
    /// name without known hashes applies by its name alone.
    pub fn has(&self, name: &str, hash: u64) -> bool {
        self.names
            .get(name)
            .is_some_and(|hashes| hashes.as_ref().is_none_or(|h| h.contains(&hash)))
    }
}

/// The functions instrumented in the programs at `paths`.
pub fn instrumented_functions(paths: &[impl AsRef<Path>]) -> Result<InstrumentedFunctions> {
    let mut names = HashMap::new();
    for path in paths {
        let path = path.as_ref();
        let data = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        let file = object::File::parse(data.as_slice())
            .with_context(|| format!("{} is not an ELF executable", path.display()))?;
        let Some(section) = file.section_by_name(NAMES_SECTION) else {
            bail!(
                "{} has no {NAMES_SECTION} section: it is not a build instrumented with \
                 -Cprofile-generate (give the `instrumented` stage's program)",
                path.display()
            );
        };
        let bytes = section
            .data()
            .with_context(|| format!("could not read {NAMES_SECTION} of {}", path.display()))?;
        let program_names = decode_names(bytes)
            .with_context(|| format!("could not decode {NAMES_SECTION} of {}", path.display()))?;
        let records = match file.section_by_name(DATA_SECTION) {
            Some(section) => section.data().ok().map(|d| name_hashes(d, &program_names)),
            None => None,
        }
        .flatten();
        for name in program_names {
            let hashes = records
                .as_ref()
                .map(|r| r.get(&name).cloned().unwrap_or_default());
            match (
                names.entry(name).or_insert_with(|| Some(BTreeSet::new())),
                hashes,
            ) {
                (Some(known), Some(hashes)) => known.extend(hashes),
                (entry, _) => *entry = None,
            }
        }
    }
    Ok(InstrumentedFunctions { names })
}

/// What [`fit_to_program`] did to a profile.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fit {
    /// Records renamed to the program's symbol of the same function.
    pub renamed: usize,
    /// Records removed, and the sum of their counters.
    pub removed: usize,
    pub removed_count: u64,
}

/// Cut `profile` down to what applies to `program`: the records of its functions, with
/// their control-flow hashes. A record of the same function under other crate hashes
/// (Cargo compiled it with other metadata: a package's tests, whose dev-dependencies turn
/// on more features of shared dependencies, rename everything built on those) is renamed
/// to the program's symbol when that is unambiguous and its control-flow hash is the
/// program's: the same code, whose counts then apply. The rest is removed.
pub fn fit_to_program(profile: &mut Profile, program: &InstrumentedFunctions) -> Fit {
    let mut by_key: HashMap<String, Vec<&str>> = HashMap::new();
    for name in program.names.keys() {
        if let Some(key) = without_crate_hashes(symbol_of(name)) {
            by_key.entry(key).or_default().push(name);
        }
    }
    let present: HashSet<&str> = profile.records.iter().map(|r| r.name.as_str()).collect();
    let mut renames: HashMap<String, String> = HashMap::new();
    for record in &profile.records {
        if program.names.contains_key(&record.name) {
            continue; // the program's own name: kept if its hash is the program's
        }
        let Some(key) = without_crate_hashes(record.symbol()) else {
            continue;
        };
        let Some([target]) = by_key.get(&key).map(Vec::as_slice) else {
            continue; // not the program's, or ambiguous (a generic function's instances)
        };
        let same_code = program.names[*target]
            .as_ref()
            .is_some_and(|hashes| hashes.contains(&record.hash));
        if same_code && !present.contains(target) {
            renames.insert(record.name.clone(), (*target).to_owned());
        }
    }
    // Two records for one function of the program: which one's counts?
    let mut claims: HashMap<&str, usize> = HashMap::new();
    for target in renames.values() {
        *claims.entry(target.as_str()).or_default() += 1;
    }
    let ambiguous: HashSet<String> = claims
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(t, _)| t.to_owned())
        .collect();
    renames.retain(|_, target| !ambiguous.contains(target));
    let renamed = profile.rename_functions(&renames);
    let (removed, removed_count) = profile.retain_where(|r| program.has(&r.name, r.hash));
    Fit {
        renamed,
        removed,
        removed_count,
    }
}

/// Each name's control-flow hashes from a `__llvm_prf_data` section; `None` when the
/// section is not the layout [`DATA_RECORD_SIZE`] describes (a record's NameRef is the
/// MD5 of none of the names).
fn name_hashes(data: &[u8], names: &HashSet<String>) -> Option<HashMap<String, BTreeSet<u64>>> {
    if data.is_empty() || !data.len().is_multiple_of(DATA_RECORD_SIZE) {
        return None;
    }
    let by_ref: HashMap<u64, &String> = names.iter().map(|n| (name_ref(n), n)).collect();
    let mut hashes: HashMap<String, BTreeSet<u64>> = HashMap::new();
    for record in data.chunks_exact(DATA_RECORD_SIZE) {
        let word =
            |at: usize| u64::from_le_bytes(record[at..at + 8].try_into().unwrap_or_default());
        let name = by_ref.get(&word(0))?;
        hashes.entry((*name).clone()).or_default().insert(word(8));
    }
    Some(hashes)
}

/// A name's NameRef: the first 8 bytes of its MD5, little-endian (LLVM's `MD5Hash`).
fn name_ref(name: &str) -> u64 {
    let digest = Md5::digest(name.as_bytes());
    let mut low = [0u8; 8];
    low.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(low)
}

/// The names in a `__llvm_prf_names` section.
fn decode_names(mut bytes: &[u8]) -> Result<HashSet<String>> {
    let mut names = HashSet::new();
    while !bytes.is_empty() {
        let uncompressed = read_uleb128(&mut bytes)?;
        let compressed = read_uleb128(&mut bytes)?;
        let stored = if compressed == 0 {
            uncompressed
        } else {
            compressed
        };
        let stored = usize::try_from(stored).context("a block length does not fit in memory")?;
        ensure!(
            stored <= bytes.len(),
            "a block of {stored} bytes goes past the section's end ({} bytes left)",
            bytes.len()
        );
        let (block, rest) = bytes.split_at(stored);
        let text = if compressed == 0 {
            block.to_vec()
        } else {
            let mut text = Vec::new();
            flate2::read::ZlibDecoder::new(block)
                .read_to_end(&mut text)
                .context("a compressed block is not zlib data")?;
            ensure!(
                text.len() as u64 == uncompressed,
                "a compressed block holds {} bytes where its header says {uncompressed}",
                text.len()
            );
            text
        };
        for name in text.split(|&b| b == SEPARATOR) {
            names.insert(String::from_utf8(name.to_vec()).context("a function name is not UTF-8")?);
        }
        // The linker pads between the objects' blocks with zeros.
        bytes = rest;
        while let [0, tail @ ..] = bytes {
            bytes = tail;
        }
    }
    Ok(names)
}

fn read_uleb128(bytes: &mut &[u8]) -> Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let Some((&byte, rest)) = bytes.split_first() else {
            bail!("the section ends inside a block header");
        };
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    bail!("a block header's length is longer than 64 bits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn uleb128(mut value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    fn block(names: &[&str], compress: bool) -> Vec<u8> {
        let text = names.join("\x01").into_bytes();
        let mut out = uleb128(text.len() as u64);
        if compress {
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(&text).unwrap();
            let compressed = encoder.finish().unwrap();
            out.extend(uleb128(compressed.len() as u64));
            out.extend(compressed);
        } else {
            out.extend(uleb128(0));
            out.extend(text);
        }
        out
    }

    #[test]
    fn blocks_compressed_or_not_with_padding_between() {
        // A name long enough that the block's length needs two ULEB128 bytes.
        let long = format!("cgu.0;_ZN4demo{}E", "x".repeat(200));
        let mut section = block(&["_ZN4demo4main17h0E", &long], true);
        section.extend([0, 0, 0]);
        section.extend(block(&["dep.cgu.1;_ZN3dep1f17h1E"], false));
        section.extend([0]);
        let names = decode_names(&section).unwrap();
        let expected: HashSet<String> = ["_ZN4demo4main17h0E", &long, "dep.cgu.1;_ZN3dep1f17h1E"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn fit_keeps_the_programs_functions_and_renames_the_same_code_under_other_crate_hashes() {
        let program = InstrumentedFunctions {
            names: [
                ("_ZN4demo4main17h1111111111111111E", Some(10)),
                (
                    "demo.aaaa-cgu.0;_ZN4demo5parse17h2222222222222222E",
                    Some(20),
                ),
                ("_ZN4demo5print17h3333333333333333E", Some(30)),
                // Two instances of a generic function: legacy symbols don't tell which.
                ("_ZN4core4iter4fold17h4444444444444444E", Some(40)),
                ("_ZN4core4iter4fold17h5555555555555555E", Some(41)),
                // Hashes unknown (another LLVM's layout): kept by name alone, never renamed to.
                ("_ZN4demo4walk17h6666666666666666E", None),
            ]
            .into_iter()
            .map(|(n, h)| (n.to_owned(), h.map(|h| BTreeSet::from([h]))))
            .collect(),
        };
        let mut profile = crate::profile::text::parse(
            ":ir\n\
             _ZN4demo4main17h1111111111111111E\n10\n1\n5\n\n\
             demo.bbbb-cgu.3;_ZN4demo5parse17h9999999999999999E\n20\n1\n7\n\n\
             _ZN4demo5print17h8888888888888888E\n31\n1\n9\n\n\
             _ZN4core4iter4fold17h7777777777777777E\n40\n1\n11\n\n\
             _ZN4demo4walk17h0000000000000000E\n50\n1\n13\n\n\
             _ZN4demo4walk17h6666666666666666E\n51\n1\n15\n\n\
             _ZN5tests4only17haaaaaaaaaaaaaaaE\n60\n1\n17\n\
             1\n0\n1\n1\n_ZN4demo4main17h1111111111111111E:1\n",
        )
        .unwrap();
        let fit = fit_to_program(&mut profile, &program);
        let kept: Vec<_> = profile
            .records
            .iter()
            .map(|r| (r.name.as_str(), r.hash))
            .collect();
        assert_eq!(
            kept,
            [
                ("_ZN4demo4main17h1111111111111111E", 10),
                // The same code (hash 20) under another crate hash and unit: the program's name.
                ("demo.aaaa-cgu.0;_ZN4demo5parse17h2222222222222222E", 20),
                ("_ZN4demo4walk17h6666666666666666E", 51),
            ]
        );
        // print's code changed (31, not 30), fold is ambiguous, walk's other symbol can't be
        // checked, the test's own function is not the program's.
        assert_eq!(
            fit,
            Fit {
                renamed: 1,
                removed: 4,
                removed_count: 9 + 11 + 13 + 17
            }
        );
    }

    #[test]
    fn a_truncated_section_is_an_error() {
        let section = block(&["_ZN4demo4main17h0E"], false);
        let error = decode_names(&section[..section.len() - 3]).unwrap_err();
        assert!(format!("{error:#}").contains("goes past the section's end"));
        assert!(decode_names(&[0x80]).is_err());
    }

    #[test]
    fn a_corrupt_compressed_block_is_an_error() {
        let mut section = uleb128(10);
        section.extend(uleb128(4));
        section.extend([1, 2, 3, 4]);
        assert!(decode_names(&section).is_err());
    }
}
