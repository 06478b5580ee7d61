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

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use object::{Object, ObjectSection};

/// The ELF section with the names of the instrumented functions.
const NAMES_SECTION: &str = "__llvm_prf_names";
/// What separates the names in a block (`getInstrProfNameSeparator`).
const SEPARATOR: u8 = 0x01;

/// The PGO names of every function instrumented in the program at `path`.
pub fn instrumented_functions(path: &Path) -> Result<HashSet<String>> {
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
    decode_names(bytes)
        .with_context(|| format!("could not decode {NAMES_SECTION} of {}", path.display()))
}

/// The names in a `__llvm_prf_names` section.
pub fn decode_names(mut bytes: &[u8]) -> Result<HashSet<String>> {
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
