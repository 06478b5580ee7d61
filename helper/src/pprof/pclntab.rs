//! The function names in a Go binary's `.gopclntab`: the table the runtime
//! symbolizes stack traces (and so CPU profiles) with. Unlike `.symtab` it
//! stays in a binary linked with `-ldflags=-s`, as nixpkgs' Go packages
//! often are, so profiles can still be matched against such a binary.
//!
//! The layout is Go's, as its own reader documents it (src/debug/gosym/pclntab.go,
//! `parsePclnTab` and `funcData`; src/internal/abi/symtab.go for the magic
//! numbers): the Go 1.18 and 1.20 formats only, which every Go that can use a
//! profile (1.21 and later) writes.

use anyhow::{bail, Context, Result};

const GO118_MAGIC: u32 = 0xffff_fff0;
const GO120_MAGIC: u32 = 0xffff_fff1;

/// Every function name in `table` (the contents of `.gopclntab`), in table
/// order.
pub fn function_names(table: &[u8]) -> Result<Vec<String>> {
    let header = table
        .get(..8)
        .context("the Go function table (.gopclntab) is shorter than its header")?;
    let (quantum, pointer_size) = (header[6], header[7]);
    let le = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let be = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
    let little_endian = match (le, be) {
        (GO118_MAGIC | GO120_MAGIC, _) => true,
        (_, GO118_MAGIC | GO120_MAGIC) => false,
        _ => bail!(
            "the Go function table (.gopclntab) has magic {le:#x}, not Go 1.18's or 1.20's \
             format: was it built by a Go before 1.18?"
        ),
    };
    if header[4] != 0 || header[5] != 0 || !matches!(quantum, 1 | 2 | 4) {
        bail!("the Go function table (.gopclntab) has a malformed header");
    }
    let u32_at = |at: usize| -> Result<u32> {
        let b = table
            .get(at..at + 4)
            .context("the Go function table (.gopclntab) ends inside an entry")?;
        let b = [b[0], b[1], b[2], b[3]];
        Ok(if little_endian {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    // The header's words after the first 8 bytes are pointer-sized.
    let word = |n: usize| -> Result<usize> {
        let at = 8 + n * pointer_size as usize;
        let value = match pointer_size {
            4 => u64::from(u32_at(at)?),
            8 => {
                let b = table
                    .get(at..at + 8)
                    .context("the Go function table (.gopclntab) ends inside its header")?;
                let b: [u8; 8] = b.try_into().expect("8 bytes");
                if little_endian {
                    u64::from_le_bytes(b)
                } else {
                    u64::from_be_bytes(b)
                }
            }
            other => bail!("the Go function table (.gopclntab) has pointer size {other}"),
        };
        usize::try_from(value).context("a .gopclntab offset does not fit in memory")
    };
    // Words: 0 nfunc, 1 nfiles, 2 text start, 3 function names, 4 compilation
    // units, 5 files, 6 pc tables, 7 function table (pairs of 4-byte entry
    // and _func offsets, then the _func records, which the offsets index).
    let functions = word(0)?;
    let names = word(3)?;
    let funcs = word(7)?;
    let mut out = Vec::with_capacity(functions.min(table.len() / 8));
    for i in 0..functions {
        let record = funcs + u32_at(funcs + (2 * i + 1) * 4)? as usize;
        // _func: a 4-byte entry offset, then nameOff.
        let name_at = names + u32_at(record + 4)? as usize;
        let rest = table
            .get(name_at..)
            .context("a .gopclntab function name lies outside the table")?;
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .context("a .gopclntab function name is not terminated")?;
        out.push(String::from_utf8_lossy(&rest[..end]).into_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_of_other_formats_are_refused() {
        let go116 = [0xfa, 0xff, 0xff, 0xff, 0, 0, 1, 8, 0, 0, 0, 0];
        let err = function_names(&go116).unwrap_err().to_string();
        assert!(err.contains("before 1.18"), "{err}");
        assert!(function_names(&[0xf1, 0xff]).is_err());
    }

    /// A table written by hand in Go 1.20's layout (little-endian, 8-byte
    /// words): two functions.
    #[test]
    fn names_come_from_the_function_records() {
        let mut t = vec![0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8];
        let header_words = 8;
        let names_at = 8 + header_words * 8;
        let names = b"main.main\0runtime.main\0";
        let funcs_at = names_at + names.len();
        // functab: (entry, funcoff) x 2, then the end pc; then two _func records.
        let functab_len = (2 * 2 + 1) * 4;
        let records = [(0u32, 10u32), (0x40, 0)];
        for w in [2u64, 0, 0, names_at as u64, 0, 0, 0, funcs_at as u64] {
            t.extend_from_slice(&w.to_le_bytes());
        }
        t.extend_from_slice(names);
        for (i, (entry, _)) in records.iter().enumerate() {
            t.extend_from_slice(&entry.to_le_bytes());
            t.extend_from_slice(&((functab_len + 8 * i) as u32).to_le_bytes());
        }
        t.extend_from_slice(&0x80u32.to_le_bytes());
        for (entry, name) in records {
            t.extend_from_slice(&entry.to_le_bytes());
            t.extend_from_slice(&name.to_le_bytes());
        }
        assert_eq!(function_names(&t).unwrap(), ["runtime.main", "main.main"]);
    }
}
