//! The Nix store's view of a profile: NAR hashes and fixed-output store paths.
//!
//! A locked profile is consumed as a fixed-output derivation (`outputHashMode
//! = "recursive"`, `outputHash = <narHash>`), so the lock must record exactly
//! the hash Nix computes, and the store path Nix will give it. Both are
//! computed here without a Nix daemon, which keeps `nix-pgo lock` usable
//! inside builds and on machines whose Nix is a different version.
//!
//! The rules follow Nix's `src/libutil/archive.cc` (NAR serialization),
//! `src/libutil/hash.cc` (nix-base32, `compressHash`) and
//! `src/libstore/store-api.cc` (`makeFixedOutputPath`, `checkName`).

use std::fs::{self, File};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

/// Where Nix keeps store paths unless configured otherwise.
pub const DEFAULT_STORE_DIR: &str = "/nix/store";

/// The SHA-256 of a NAR serialization and its length in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NarHash {
    pub sha256: [u8; 32],
    pub size: u64,
}

impl NarHash {
    /// SRI form, `sha256-<base64>`, the form Nix prints and accepts for
    /// `outputHash`.
    pub fn sri(&self) -> String {
        format!("sha256-{}", base64_encode(&self.sha256))
    }

    /// Parse the SRI form written in a lock file.
    pub fn parse_sri(sri: &str) -> Result<[u8; 32]> {
        let Some(b64) = sri.strip_prefix("sha256-") else {
            bail!("{sri:?} is not an SRI sha256 hash (expected \"sha256-<base64>\")");
        };
        let bytes = base64_decode(b64)
            .with_context(|| format!("{sri:?} is not an SRI sha256 hash: invalid base64"))?;
        bytes.try_into().map_err(|bytes: Vec<u8>| {
            anyhow::anyhow!(
                "{sri:?} is not an SRI sha256 hash: {} bytes instead of 32",
                bytes.len()
            )
        })
    }
}

/// Feeds the NAR serialization to SHA-256 without keeping it: profiles and
/// their directories are hashed by streaming, so size is no concern.
struct NarSink {
    hasher: Sha256,
    size: u64,
}

impl NarSink {
    fn bytes(&mut self, data: &[u8]) {
        self.hasher.update(data);
        self.size += data.len() as u64;
    }

    /// NAR strings: u64 little-endian length, bytes, zero padding to 8 bytes.
    fn string(&mut self, data: &[u8]) {
        self.bytes(&(data.len() as u64).to_le_bytes());
        self.bytes(data);
        self.pad(data.len() as u64);
    }

    fn pad(&mut self, len: u64) {
        let rem = (len % 8) as usize;
        if rem != 0 {
            self.bytes(&[0u8; 8][..8 - rem]);
        }
    }
}

/// Hash the NAR serialization of `path`, like `nix hash path`.
pub fn nar_hash(path: &Path) -> Result<NarHash> {
    let mut sink = NarSink {
        hasher: Sha256::new(),
        size: 0,
    };
    sink.string(b"nix-archive-1");
    serialize(&mut sink, path)?;
    Ok(NarHash {
        sha256: sink.hasher.finalize().into(),
        size: sink.size,
    })
}

fn serialize(sink: &mut NarSink, path: &Path) -> Result<()> {
    let meta =
        fs::symlink_metadata(path).with_context(|| format!("could not stat {}", path.display()))?;
    let kind = meta.file_type();
    sink.string(b"(");
    sink.string(b"type");
    if kind.is_symlink() {
        let target =
            fs::read_link(path).with_context(|| format!("could not read {}", path.display()))?;
        sink.string(b"symlink");
        sink.string(b"target");
        sink.string(target.as_os_str().as_bytes());
    } else if kind.is_file() {
        sink.string(b"regular");
        // Nix keeps only the owner's execute bit; all other mode bits and
        // timestamps are not part of a NAR.
        if meta.permissions().mode() & 0o100 != 0 {
            sink.string(b"executable");
            sink.string(b"");
        }
        sink.string(b"contents");
        regular_contents(sink, path, meta.len())?;
    } else if kind.is_dir() {
        sink.string(b"directory");
        let mut entries = fs::read_dir(path)
            .with_context(|| format!("could not list {}", path.display()))?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("could not list {}", path.display()))?;
        // Nix sorts entries by their bytes (std::string order).
        entries.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for name in entries {
            sink.string(b"entry");
            sink.string(b"(");
            sink.string(b"name");
            sink.string(name.as_bytes());
            sink.string(b"node");
            serialize(sink, &path.join(&name))?;
            sink.string(b")");
        }
    } else {
        bail!(
            "{} is neither a regular file, a directory nor a symlink, which a NAR cannot hold",
            path.display()
        );
    }
    sink.string(b")");
    Ok(())
}

/// A regular file's contents, as a NAR string whose length prefix comes from
/// the stat: a file changing while we read it is an error, not a wrong hash.
fn regular_contents(sink: &mut NarSink, path: &Path, len: u64) -> Result<()> {
    let mut file =
        File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    sink.bytes(&len.to_le_bytes());
    let mut buf = vec![0u8; 64 * 1024];
    let mut read = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("could not read {}", path.display()))?;
        if n == 0 {
            break;
        }
        read += n as u64;
        if read > len {
            break;
        }
        sink.bytes(&buf[..n]);
    }
    if read != len {
        bail!(
            "{} changed while it was being hashed (expected {len} bytes, read {read}); \
             hash it again once nothing writes to it",
            path.display()
        );
    }
    sink.pad(len);
    Ok(())
}

/// Check a store path name the way Nix does (`checkName`), so that a bad
/// name is reported here rather than by the Nix build that consumes the lock.
pub fn check_name(name: &str) -> Result<()> {
    const ALLOWED: &str = "+-._?=";
    if name.is_empty() {
        bail!("the store path name is empty");
    }
    if name.len() > 211 {
        bail!(
            "the store path name {name:?} is {} characters long; Nix allows at most 211",
            name.len()
        );
    }
    if name.starts_with('.') {
        bail!("the store path name {name:?} starts with '.', which Nix does not allow");
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || ALLOWED.contains(c)))
    {
        bail!(
            "the store path name {name:?} contains {c:?}; Nix allows only ASCII letters, \
             digits and \"{ALLOWED}\" (e.g. \"pulldown-cmark-profile-0.13.6\")"
        );
    }
    Ok(())
}

/// The store path of a recursive sha256 fixed-output path without
/// references: Nix's `makeFixedOutputPath`, which for this case is
/// `makeStorePath("source", narHash, name)`.
pub fn fixed_output_path(store_dir: &str, name: &str, nar_sha256: &[u8; 32]) -> Result<String> {
    check_name(name)?;
    let store_dir = store_dir.trim_end_matches('/');
    if !store_dir.starts_with('/') {
        bail!("the store directory {store_dir:?} is not an absolute path");
    }
    let fingerprint = format!(
        "source:sha256:{}:{store_dir}:{name}",
        hex_encode(nar_sha256)
    );
    let digest: [u8; 32] = Sha256::digest(fingerprint.as_bytes()).into();
    Ok(format!(
        "{store_dir}/{}-{name}",
        nix_base32(&compress_hash(&digest))
    ))
}

/// Nix's `compressHash`: XOR-fold a hash to 20 bytes (160 bits), the size of
/// the hash part of store paths.
fn compress_hash(hash: &[u8; 32]) -> [u8; 20] {
    let mut out = [0u8; 20];
    for (i, byte) in hash.iter().enumerate() {
        out[i % 20] ^= byte;
    }
    out
}

/// Nix's base-32: its own alphabet (no e, o, u, t) and, unlike RFC 4648, the
/// bytes are read from the end, least significant bits first.
pub fn nix_base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";
    if bytes.is_empty() {
        return String::new();
    }
    let len = (bytes.len() * 8 - 1) / 5 + 1;
    (0..len)
        .rev()
        .map(|n| {
            let bit = n * 5;
            let (i, j) = (bit / 8, bit % 8);
            let low = u16::from(bytes[i]) >> j;
            let high = bytes.get(i + 1).map_or(0, |&b| u16::from(b) << (8 - j));
            ALPHABET[usize::from((low | high) & 0x1f)] as char
        })
        .collect()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as in SRI hashes.
fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (k, &b)| acc | u32::from(b) << (16 - 8 * k));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * k) & 0x3f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Result<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let Some(v) = BASE64.iter().position(|&a| a == c) else {
            bail!("invalid base64 character {:?}", c as char);
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;
    use std::path::PathBuf;

    use super::*;

    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nix-pgo-store-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A small tree with every NAR node kind: a directory, a regular file
    /// whose length is not a multiple of 8, an executable, an empty file and
    /// a symlink, with names whose byte order differs from a naive sort.
    fn sample_tree(root: &Path) {
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("a.txt"), "hello\n").unwrap();
        fs::write(root.join("B"), "").unwrap();
        fs::write(root.join("sub/run.sh"), "#!/bin/sh\necho hi\n").unwrap();
        fs::set_permissions(root.join("sub/run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        symlink("../a.txt", root.join("sub/link")).unwrap();
    }

    #[test]
    fn nar_hash_matches_nix() {
        // Regression values from Nix 2.8 on the trees above:
        //   nix hash path --type sha256 --sri DIR (or FILE)
        //   nix-store --add-fixed --recursive sha256 DIR (or FILE), DIR named "tree"
        // `nix path-info --json` on the added path gave the NAR sizes.
        let dir = scratch("nar");
        let tree = dir.join("tree");
        sample_tree(&tree);
        let hash = nar_hash(&tree).unwrap();
        assert_eq!(
            hash.sri(),
            "sha256-7yZfBLZmdQ38r3MY0M21E94KM3yuA4e5Ki4bG0+D/NM="
        );
        assert_eq!(hash.size, 1072);
        assert_eq!(
            fixed_output_path(DEFAULT_STORE_DIR, "tree", &hash.sha256).unwrap(),
            "/nix/store/c5msmqg2k9hhfampgwpgr7ah73b4iy4a-tree"
        );
        let file = nar_hash(&tree.join("a.txt")).unwrap();
        assert_eq!(
            file.sri(),
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM="
        );
        assert_eq!(file.size, 120);
        assert_eq!(
            fixed_output_path("/nix/store/", "a.txt", &file.sha256).unwrap(),
            "/nix/store/z3n6ml62lc6l9glpaz6fq7fvi2rks9vq-a.txt"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn nix_base32_matches_nix() {
        // `nix hash to-base32 sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=`
        // (the sha256 of the empty string) prints this.
        let empty: [u8; 32] = Sha256::digest(b"").into();
        assert_eq!(
            nix_base32(&empty),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
        assert_eq!(nix_base32(&[]), "");
        assert_eq!(nix_base32(&[0x1f]), "0z");
        assert_eq!(nix_base32(&[0xff; 20]).len(), 32);
    }

    #[test]
    fn base64_round_trips() {
        let empty: [u8; 32] = Sha256::digest(b"").into();
        let sri = NarHash {
            sha256: empty,
            size: 0,
        }
        .sri();
        assert_eq!(sri, "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert_eq!(NarHash::parse_sri(&sri).unwrap(), empty);
        for len in 0..7 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 5) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)).unwrap(), bytes);
        }
        assert!(NarHash::parse_sri("sha512-AAAA").is_err());
        assert!(NarHash::parse_sri("sha256-AAAA").is_err());
        assert!(NarHash::parse_sri("sha256-!!!!").is_err());
    }

    #[test]
    fn store_path_names_follow_nix_rules() {
        assert!(check_name("pulldown-cmark-profile-0.13.6").is_ok());
        assert!(check_name("a+b=c?d_e").is_ok());
        for bad in [
            "",
            ".hidden",
            "with space",
            "slash/y",
            "ünï",
            &"x".repeat(212),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?} accepted");
        }
        let err = check_name("a b").unwrap_err();
        assert!(format!("{err:#}").contains("' '"), "{err:#}");
        assert!(fixed_output_path("relative", "x", &[0; 32]).is_err());
    }
}
