//! End-to-end tests of `nix-pgo pprof ...`, `nix-pgo import` and locking Go
//! profiles, on real profiles of examples/go-service (tests/fixtures/pprof,
//! made by its generate.sh: Go 1.27.3's net/http/pprof, pulled with curl).

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nix_pgo::pprof::{self, Profile};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_nix-pgo");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pprof")
        .join(name)
}

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("pprof-tests")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs nix-pgo without an llvm-profdata: Go's profiles never need one (verify
/// of a Go profile directory asked for it, found by the Go service trial).
fn nix_pgo(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("NIX_PGO_LLVM_PROFDATA")
        .output()
        .expect("run nix-pgo")
}

fn ok(args: &[&str]) -> String {
    let out = nix_pgo(args);
    assert!(
        out.status.success(),
        "nix-pgo {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Runs nix-pgo, which must fail; returns its stderr.
fn fails(args: &[&str]) -> String {
    let out = nix_pgo(args);
    assert!(!out.status.success(), "nix-pgo {args:?} succeeded");
    String::from_utf8(out.stderr).expect("utf-8 stderr")
}

/// A JSON file the command wrote.
fn read_json(path: impl AsRef<Path>) -> Value {
    let path = path.as_ref();
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Sum of each sample type's values over a raw profile.
fn totals(p: &Profile) -> Vec<i64> {
    let mut t = vec![0; p.sample_type.len()];
    for sample in &p.sample {
        for (t, v) in t.iter_mut().zip(&sample.value) {
            *t += v;
        }
    }
    t
}

#[test]
fn merge_is_canonical_weighted_and_a_fixed_point() {
    let dir = scratch("merge");
    let (a, b) = (fixture("cpu-a.pprof"), fixture("cpu-b.pprof"));
    let (one, two, again) = (dir.join("1.pgo"), dir.join("2.pgo"), dir.join("3.pgo"));
    let summary = dir.join("summary.json");
    let weight_b = format!("2:{}", s(&b));
    ok(&[
        "pprof",
        "merge",
        "--output",
        s(&one),
        "--summary",
        s(&summary),
        s(&a),
        "--weight",
        &weight_b,
    ]);
    // Input order does not matter, and merging the result alone rewrites it bit for bit.
    let weight_b_first = format!("2:{}", s(&b));
    ok(&[
        "pprof",
        "merge",
        "--output",
        s(&two),
        "--weight",
        &weight_b_first,
        s(&a),
    ]);
    ok(&["pprof", "merge", "--output", s(&again), s(&one)]);
    let bytes = fs::read(&one).unwrap();
    assert_eq!(
        bytes,
        fs::read(&two).unwrap(),
        "input order changed the output"
    );
    assert_eq!(
        bytes,
        fs::read(&again).unwrap(),
        "canonical form is not a fixed point"
    );
    // gzip with no name and mtime 0 (RFC 1952: FLG at 3, MTIME at 4..8).
    assert_eq!(&bytes[..3], &[0x1f, 0x8b, 8]);
    assert_eq!(bytes[3] & 0x08, 0, "gzip header has a file name");
    assert_eq!(&bytes[4..8], &[0, 0, 0, 0], "gzip header has an mtime");

    let merged = pprof::read(&one).unwrap();
    let (ra, rb) = (pprof::read(&a).unwrap(), pprof::read(&b).unwrap());
    let expected: Vec<i64> = totals(&ra)
        .iter()
        .zip(totals(&rb))
        .map(|(x, y)| x + 2 * y)
        .collect();
    assert_eq!(totals(&merged), expected, "weights do not multiply values");
    assert!(
        ra.time_nanos != 0 && ra.duration_nanos != 0,
        "the fixture should have times"
    );
    assert_eq!((merged.time_nanos, merged.duration_nanos), (0, 0));
    assert!(
        !pprof::build_ids(&ra).is_empty(),
        "the fixture should have build IDs"
    );
    assert!(pprof::build_ids(&merged).is_empty(), "build IDs survived");
    // Sorted string table, ids 1.. in order, samples sorted.
    assert_eq!(merged.string_table[0], "");
    assert!(merged.string_table.windows(2).all(|w| w[0] < w[1]));
    assert!(merged
        .function
        .iter()
        .enumerate()
        .all(|(i, f)| f.id == i as u64 + 1));
    assert!(merged
        .location
        .iter()
        .enumerate()
        .all(|(i, l)| l.id == i as u64 + 1));
    assert!(merged
        .sample
        .windows(2)
        .all(|w| (&w[0].location_id, &w[0].label) < (&w[1].location_id, &w[1].label)));

    let json = read_json(&summary);
    assert_eq!(json["fingerprintAlgorithm"], "blake3-canonical-pprof-v1");
    assert_eq!(json["samples"], merged.sample.len());
    assert_eq!(json["functions"], merged.function.len());
    assert_eq!(json["totalValue"], expected[1]);
    assert_eq!(
        json["fingerprint"],
        blake3::hash(&pprof::encode(&merged)).to_hex().as_str()
    );
    // `fingerprint` agrees, on the merged file and on its input.
    assert_eq!(
        ok(&["pprof", "fingerprint", s(&one)]).trim(),
        json["fingerprint"]
    );
    assert_ne!(
        ok(&["pprof", "fingerprint", s(&a)]),
        ok(&["pprof", "fingerprint", s(&b)])
    );
}

/// `p` as a 1000 Hz profile of as many samples: period 1 ms, each sample's
/// nanoseconds its count of them.
fn at_1000_hz(p: &Profile) -> Profile {
    let mut fast = p.clone();
    fast.period = 1_000_000;
    for sample in &mut fast.sample {
        sample.value[1] = sample.value[0] * 1_000_000;
    }
    fast
}

/// Counts, which Go's compiler weighs a profile by, stand for the same CPU
/// time whatever rate each input was taken at: a 100 Hz benchmark's and
/// production's samples are 10 ms, the profiling build's 1 ms at 1000 Hz,
/// where the kernel's ticks allow (the go test trial of goldmark: merged at
/// face value, a 100 Hz benchmark outweighed the program's runs).
#[test]
fn profiles_of_other_rates_merge_by_cpu_time() {
    let dir = scratch("rates");
    let slow = pprof::read(&fixture("cpu-b.pprof")).unwrap();
    assert_eq!(slow.period, 10_000_000, "the fixture should be 100 Hz");
    let fast_file = dir.join("cpu-1.pprof");
    let fast = at_1000_hz(&pprof::read(&fixture("cpu-a.pprof")).unwrap());
    pprof::write(&fast_file, &fast).unwrap();
    let merged_file = dir.join("merged.pgo");
    ok(&[
        "pprof",
        "merge",
        "--output",
        s(&merged_file),
        s(&fast_file),
        s(&fixture("cpu-b.pprof")),
    ]);
    let merged = pprof::read(&merged_file).unwrap();
    let (f, b) = (totals(&fast), totals(&slow));
    assert_eq!(
        merged.period, 1_000_000,
        "the merged period is the shortest"
    );
    assert_eq!(
        totals(&merged),
        vec![f[0] + 10 * b[0], f[1] + b[1]],
        "a 100 Hz sample should count 10 of 1 ms"
    );
    assert_eq!(
        totals(&merged)[0] * 1_000_000,
        totals(&merged)[1],
        "counts and nanoseconds disagree"
    );

    // The profiling build's CPU time beside its profile: a kernel with HZ=250
    // delivered one sample per 4 ms, each recorded as 1 ms.
    fs::write(dir.join("cpu-1.cpu-ns"), format!("{}\n", 4 * f[1])).unwrap();
    let scaled_file = dir.join("scaled.pgo");
    let out = nix_pgo(&[
        "pprof",
        "merge",
        "--cpu-time",
        "--output",
        s(&scaled_file),
        s(&fast_file),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("values scaled by 4.000"), "{stderr}");
    assert_eq!(
        totals(&pprof::read(&scaled_file).unwrap()),
        vec![4 * f[0], 4 * f[1]]
    );
    // A profile without its CPU time is named.
    let err = fails(&[
        "pprof",
        "merge",
        "--cpu-time",
        "--output",
        s(&scaled_file),
        s(&fixture("cpu-b.pprof")),
    ]);
    assert!(
        err.contains("cpu-b.pprof has no CPU time beside it"),
        "{err}"
    );
}

/// Where the binary ran from and the store paths of sources are not part
/// of the profile: mappings keep their file's base name, function file
/// names lose a `/nix/store/<hash>-` prefix.
#[test]
fn mappings_are_named_by_base_name() {
    let dir = scratch("store-paths");
    let mut p = pprof::read(&fixture("cpu-a.pprof")).unwrap();
    let hash = "0123456789abcdfghijklmnpqrsvwxyz";
    let main = p.mapping[0].filename as usize;
    p.string_table[main] = format!("/nix/store/{hash}-go-service-1.0/bin/go-service");
    let file = p.function[0].filename as usize;
    let old_file = p.string_table[file].clone();
    p.string_table[file] = format!("/nix/store/{hash}-source/{old_file}");
    let input = dir.join("in.pprof");
    pprof::write(&input, &p).unwrap();
    let out = dir.join("out.pgo");
    ok(&["pprof", "merge", "--output", s(&out), s(&input)]);
    let merged = pprof::read(&out).unwrap();
    let strings = &merged.string_table;
    assert!(
        strings.iter().all(|s| !s.contains("/nix/store/")),
        "{strings:?}"
    );
    assert!(strings.iter().any(|s| s == "go-service"), "{strings:?}");
    assert!(
        strings.iter().any(|s| *s == format!("source/{old_file}")),
        "{strings:?}"
    );
}

#[test]
fn show_lists_the_services_hot_functions() {
    let out = ok(&[
        "--json",
        "pprof",
        "show",
        "--top",
        "40",
        s(&fixture("cpu-a.pprof")),
    ]);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["sampleTypes"][1], "cpu/nanoseconds");
    let names: Vec<&str> = json["hottest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"main.render"), "{names:?}");
    let render = json["hottest"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "main.render")
        .unwrap();
    assert!(render["cum"].as_i64().unwrap() > render["flat"].as_i64().unwrap());
    assert!(
        json["buildIds"][0][1]
            .as_str()
            .is_some_and(|id| id.len() == 40),
        "{}",
        json["buildIds"]
    );
}

#[test]
fn bad_profiles_are_named_with_what_they_are() {
    let dir = scratch("bad");
    let out = dir.join("out.pgo");
    let out = s(&out);
    let html = dir.join("page.html");
    fs::write(
        &html,
        "<!DOCTYPE html>\n<html><body>Grafana</body></html>\n",
    )
    .unwrap();
    let err = fails(&["pprof", "merge", "--output", out, s(&html)]);
    assert!(
        err.contains("page.html is not a pprof profile") && err.contains("an HTML page"),
        "{err}"
    );
    // A download cut short: the gzip stream ends early.
    let whole = fs::read(fixture("cpu-a.pprof")).unwrap();
    let cut = dir.join("cut.pprof");
    fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let err = fails(&["pprof", "merge", "--output", out, s(&cut)]);
    assert!(
        err.contains("cut.pprof is not a pprof profile") && err.contains("truncated?"),
        "{err}"
    );
    let text = dir.join("top.txt");
    fs::write(
        &text,
        "Showing nodes accounting for 850ms, 100% of 850ms total\n",
    )
    .unwrap();
    let err = fails(&["pprof", "merge", "--output", out, s(&text)]);
    assert!(
        err.contains("it is text (starts with \"Showing nodes"),
        "{err}"
    );
    let empty = dir.join("empty.pprof");
    fs::write(&empty, "").unwrap();
    let err = fails(&["pprof", "fingerprint", s(&empty)]);
    assert!(
        err.contains("empty.pprof is not a pprof profile: it is empty (0 bytes)"),
        "{err}"
    );
    let err = fails(&["pprof", "merge", "--output", out, s(&fixture("idle.pprof"))]);
    assert!(err.contains("idle.pprof has no samples"), "{err}");
    // --skip-empty leaves a profile without samples out (a workload's process that
    // ended before the first sample), but not when every profile is empty.
    let err = fails(&[
        "pprof",
        "merge",
        "--output",
        out,
        s(&fixture("idle.pprof")),
        s(&fixture("cpu-a.pprof")),
    ]);
    assert!(err.contains("idle.pprof has no samples"), "{err}");
    let with_idle = dir.join("with-idle.pprof");
    let alone = dir.join("alone.pprof");
    ok(&[
        "pprof",
        "merge",
        "--skip-empty",
        "--output",
        s(&with_idle),
        s(&fixture("idle.pprof")),
        s(&fixture("cpu-a.pprof")),
    ]);
    ok(&[
        "pprof",
        "merge",
        "--output",
        s(&alone),
        s(&fixture("cpu-a.pprof")),
    ]);
    assert_eq!(
        fs::read(&with_idle).unwrap(),
        fs::read(&alone).unwrap(),
        "--skip-empty changed what the profiles with samples merge to"
    );
    let err = fails(&[
        "pprof",
        "merge",
        "--skip-empty",
        "--output",
        out,
        s(&fixture("idle.pprof")),
    ]);
    assert!(err.contains("idle.pprof has no samples"), "{err}");
    let err = fails(&["pprof", "merge", "--output", out, s(&fixture("heap.pprof"))]);
    assert!(
        err.contains("heap.pprof is not a CPU profile") && err.contains("alloc_space/bytes"),
        "{err}"
    );
    // A CPU profile with only one of the two sample types: they must agree.
    let mut one_type = pprof::read(&fixture("cpu-b.pprof")).unwrap();
    one_type.sample_type.remove(0);
    for sample in &mut one_type.sample {
        sample.value.remove(0);
    }
    let cpu_only = dir.join("cpu-only.pprof");
    pprof::write(&cpu_only, &one_type).unwrap();
    let err = fails(&[
        "pprof",
        "merge",
        "--output",
        out,
        s(&fixture("cpu-a.pprof")),
        s(&cpu_only),
    ]);
    assert!(
        err.contains("cpu-only.pprof has sample types [cpu/nanoseconds], but")
            && err.contains("[samples/count, cpu/nanoseconds]"),
        "{err}"
    );
    assert!(!Path::new(out).exists(), "a failed merge wrote its output");
    // The same file twice (here by two paths) would count its samples twice.
    let again = dir.join("again.pprof");
    fs::copy(fixture("cpu-a.pprof"), &again).unwrap();
    let other_path = format!("2:{}", s(&dir.join(".").join("again.pprof")));
    let err = fails(&[
        "pprof",
        "merge",
        "--output",
        out,
        s(&again),
        "--weight",
        &other_path,
    ]);
    assert!(err.contains("is given more than once"), "{err}");
}

#[test]
fn match_min_rate_is_a_fraction_not_a_percentage() {
    let err = fails(&[
        "pprof",
        "match",
        "--profile",
        s(&fixture("cpu-a.pprof")),
        "--binary",
        BIN,
        "--min-rate",
        "80",
    ]);
    assert!(err.contains("for 80 %, give 0.8"), "{err}");
}

#[test]
fn match_refuses_a_binary_of_another_program() {
    // The test binary is a Rust program: none of the Go service's functions is in it.
    let err = fails(&[
        "pprof",
        "match",
        "--profile",
        s(&fixture("cpu-a.pprof")),
        "--binary",
        BIN,
    ]);
    assert!(err.contains("a profile of another program?"), "{err}");
}

#[test]
fn go_profiles_lock_and_verify() {
    let dir = scratch("lock");
    let profile = dir.join("profile");
    fs::create_dir_all(profile.join("nix-support")).unwrap();
    let pgo = profile.join("go-service.pgo");
    let summary = profile.join("nix-support/profile.json");
    ok(&[
        "pprof",
        "merge",
        "--output",
        s(&pgo),
        "--summary",
        s(&summary),
        s(&fixture("cpu-a.pprof")),
    ]);
    let lock = dir.join("pgo.lock.json");
    let workload = format!("live={}", s(&fixture("cpu-b.pprof")));
    ok(&[
        "lock",
        "--lock-file",
        s(&lock),
        "--package",
        "go-service",
        "--toolchain",
        "go-test",
        "--profile",
        s(&profile),
        "--name",
        "go-service-pgo-profile",
        "--workload",
        &workload,
        "--date",
        "2026-01-02",
    ]);
    let json = read_json(&lock);
    let entry = &json["profiles"]["go-service"]["go-test"];
    assert_eq!(entry["fingerprintAlgorithm"], "blake3-canonical-pprof-v1");
    assert_eq!(
        entry["fingerprint"],
        ok(&["pprof", "fingerprint", s(&pgo)]).trim()
    );
    assert_eq!(
        entry["workloads"]["live"],
        ok(&["pprof", "fingerprint", s(&fixture("cpu-b.pprof"))]).trim()
    );
    assert_eq!(
        entry["narHash"],
        nix_pgo::store::nar_hash(&profile).unwrap().sri()
    );
    ok(&["verify", "--lock-file", s(&lock), "--profile", s(&profile)]);
    // The committed default.pgo (Go's name, for no package), checked for one.
    let committed = dir.join("committed");
    fs::create_dir_all(&committed).unwrap();
    let default_pgo = committed.join("default.pgo");
    fs::copy(&pgo, &default_pgo).unwrap();
    ok(&[
        "verify",
        "--lock-file",
        s(&lock),
        "--default-pgo",
        s(&default_pgo),
        "--package",
        "go-service",
    ]);
    let out = nix_pgo(&[
        "verify",
        "--lock-file",
        s(&lock),
        "--checked-in",
        s(&committed),
    ]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("--default-pgo"), "{stdout}");
    fs::copy(fixture("cpu-b.pprof"), &default_pgo).unwrap();
    let out = nix_pgo(&[
        "verify",
        "--lock-file",
        s(&lock),
        "--default-pgo",
        s(&default_pgo),
        "--package",
        "go-service",
    ]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("its fingerprint is"), "{stdout}");
    // An imported profile is re-locked as it is, not replaced by updateProfile's.
    assert!(
        stdout.contains(&format!(
            "lock it as it is with `nix-pgo import --source file:{}",
            s(&default_pgo)
        )),
        "{stdout}"
    );
    // Another profile in its place: verify names the mismatch.
    ok(&[
        "pprof",
        "merge",
        "--output",
        s(&pgo),
        s(&fixture("cpu-b.pprof")),
    ]);
    let out = nix_pgo(&["verify", "--lock-file", s(&lock), "--profile", s(&profile)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("MISMATCH: profile go-service (go-test)"));
}

#[test]
fn import_reads_profile_files_once_and_locks_them() {
    let dir = scratch("import-files");
    let out = dir.join("default.pgo");
    let out = s(&out);
    let lock = dir.join("pgo.lock.json");
    // Two files, one weighed twice, over two windows: each file is read once.
    let a = format!("file:{}", s(&fixture("cpu-a.pprof")));
    let b = format!("file:{}=2", s(&fixture("cpu-b.pprof")));
    let summary = ok(&[
        "import",
        "--source",
        &a,
        "--source",
        &b,
        "--windows",
        "2",
        "--output",
        out,
        "--lock",
        s(&lock),
        "--name",
        "go-service",
        "--toolchain",
        "go-test",
    ]);
    assert!(
        summary.contains(" 2 profile(s) from 2 file(s): "),
        "{summary}"
    );
    // Re-locking the imported profile as it is keeps its provenance (the file
    // sources above, here standing for a fleet's pulls).
    let provenance_path = format!("{out}.provenance.json");
    let before = fs::read(&provenance_path).unwrap();
    let again = format!("file:{out}");
    let lock_path = s(&lock);
    let relock = |toolchain: &str| {
        nix_pgo(&[
            "import",
            "--source",
            &again,
            "--output",
            out,
            "--lock",
            lock_path,
            "--name",
            "go-service",
            "--toolchain",
            toolchain,
        ])
    };
    let kept = relock("go-test");
    let stderr = String::from_utf8_lossy(&kept.stderr);
    assert!(
        kept.status.success() && stderr.contains("kept "),
        "{stderr}"
    );
    assert_eq!(
        fs::read(&provenance_path).unwrap(),
        before,
        "the provenance was replaced"
    );
    // A Rust toolchain's id is refused before anything is pulled.
    let refused = relock("host-rust-1.95.0-llvm22-0123456789abcdef");
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("is a Rust toolchain's id"), "{err}");
    let reference = dir.join("reference.pgo");
    let wa = format!("1:{}", s(&fixture("cpu-a.pprof")));
    let wb = format!("2:{}", s(&fixture("cpu-b.pprof")));
    ok(&[
        "pprof",
        "merge",
        "--output",
        s(&reference),
        "--weight",
        &wa,
        "--weight",
        &wb,
    ]);
    assert_eq!(fs::read(out).unwrap(), fs::read(&reference).unwrap());
    let provenance = read_json(format!("{out}.provenance.json"));
    assert_eq!(provenance["pulls"].as_array().unwrap().len(), 2);
    assert_eq!(provenance["sources"][0]["kind"], "file");
    // Files have no windows (--seconds' default was recorded as their length), and
    // each pull is dated by the profile's own time and duration, not the file's mtime.
    assert!(
        provenance.get("seconds").is_none() && provenance.get("windows").is_none(),
        "{provenance}"
    );
    let a_profile = pprof::read(&fixture("cpu-a.pprof")).unwrap();
    let start = a_profile.time_nanos / 1_000_000_000;
    let end = (a_profile.time_nanos + a_profile.duration_nanos) / 1_000_000_000;
    assert!(end > start, "the fixture has no duration");
    assert_eq!(
        (
            &provenance["pulls"][0]["start"],
            &provenance["pulls"][0]["end"]
        ),
        (
            &Value::from(nix_pgo::date::format_utc(start as u64)),
            &Value::from(nix_pgo::date::format_utc(end as u64))
        )
    );
    let json = read_json(&lock);
    assert_eq!(
        json["profiles"]["go-service"]["go-test"]["fingerprint"],
        ok(&["pprof", "fingerprint", s(&reference)]).trim()
    );
    // A file that is no profile, and one that isn't there, are named.
    let text = dir.join("notes.txt");
    fs::write(&text, "not a profile\n").unwrap();
    let err = fails(&[
        "import",
        "--source",
        &format!("file:{}", s(&text)),
        "--output",
        out,
    ]);
    assert!(
        err.contains("source 1 (file ") && err.contains("not a pprof profile"),
        "{err}"
    );
    let err = fails(&["import", "--source", "file:missing.pprof", "--output", out]);
    assert!(err.contains("missing.pprof"), "{err}");
    let err = fails(&["import", "--source", "https://127.0.0.1:1", "--output", out]);
    assert!(err.contains("--source file:PATH"), "{err}");
    // A file is read once, whatever --windows: its errors name no window.
    let heap = fixture("heap.pprof");
    let err = fails(&[
        "import",
        "--source",
        &format!("file:{}", s(&heap)),
        "--windows",
        "2",
        "--output",
        out,
    ]);
    assert!(
        err.contains(&format!("{} is not a CPU profile", s(&heap))),
        "{err}"
    );
}

#[test]
fn import_keeps_the_pulls_a_reimported_profile_came_from() {
    let dir = scratch("import-history");
    let out = dir.join("default.pgo");
    let out = s(&out);
    let served = |name: &str| {
        let bytes = fs::read(fixture(name)).unwrap();
        serve(http("200 OK", "application/octet-stream", &bytes))
    };
    let (a, b) = (served("cpu-a.pprof"), served("cpu-b.pprof"));
    ok(&["import", "--source", &a, "--seconds", "1", "--output", out]);
    let first = read_json(format!("{out}.provenance.json"));
    // (Checked out later, say: its mtime is not when its samples were taken.)
    fs::File::options()
        .write(true)
        .open(out)
        .and_then(|f| {
            f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000))
        })
        .unwrap();
    // The profile as it is and a new window, into the same default.pgo: the file's pull
    // says where its samples came from, the first import's pulls (it had its mtime, and
    // the earlier pulls were gone).
    let again = format!("file:{out}");
    ok(&[
        "import",
        "--source",
        &again,
        "--source",
        &b,
        "--seconds",
        "1",
        "--output",
        out,
    ]);
    let second = read_json(format!("{out}.provenance.json"));
    assert_ne!(second["fingerprint"], first["fingerprint"]);
    let pulls = second["pulls"].as_array().unwrap();
    let file = pulls
        .iter()
        .find(|p| p["url"] == out)
        .expect("the file's pull");
    let from = &file["from"];
    assert_eq!(from["fingerprint"], first["fingerprint"], "{second}");
    assert_eq!(from["pulls"], first["pulls"]);
    assert_eq!(from["sources"], first["sources"]);
    assert!(from.get("lock").is_none(), "{from}");
    assert_eq!(
        (&file["start"], &file["end"]),
        (&first["pulls"][0]["start"], &first["pulls"][0]["end"])
    );
    // Its readers find the fingerprint where they did (release.rs, buildGoPgoPackage).
    assert_eq!(
        second["fingerprint"],
        ok(&["pprof", "fingerprint", out]).trim()
    );
    // Once more: the history nests.
    ok(&[
        "import",
        "--source",
        &again,
        "--source",
        &a,
        "--seconds",
        "1",
        "--output",
        out,
    ]);
    let third = read_json(format!("{out}.provenance.json"));
    let file = third["pulls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["url"] == out)
        .unwrap();
    assert_eq!(file["from"]["pulls"], second["pulls"], "{third}");
    // A provenance of another profile beside a file is not carried, and said.
    let other = dir.join("other.pgo");
    fs::copy(fixture("cpu-a.pprof"), &other).unwrap();
    fs::write(
        dir.join("other.pgo.provenance.json"),
        r#"{"fingerprint": "0123", "pulls": []}"#,
    )
    .unwrap();
    let out2 = dir.join("merged.pgo");
    let stderr = String::from_utf8(
        nix_pgo(&[
            "import",
            "--source",
            &format!("file:{}", s(&other)),
            "--output",
            s(&out2),
        ])
        .stderr,
    )
    .unwrap();
    assert!(
        stderr.contains("describes another profile (fingerprint 0123"),
        "{stderr}"
    );
    let merged = read_json(dir.join("merged.pgo.provenance.json"));
    assert!(merged["pulls"][0].get("from").is_none(), "{merged}");
    assert_eq!(merged["warnings"].as_array().unwrap().len(), 1, "{merged}");
}

#[test]
fn import_refuses_a_source_given_twice_before_any_request() {
    let dir = scratch("import-twice");
    let out = dir.join("default.pgo");
    let out = s(&out);
    // Nothing listens there: a request would fail with "connection refused".
    let base = nobody_listens();
    // The same instance by its base URL and by its profile's (which Go would refuse with
    // "cpu profiling already in use" once the first pull is under way).
    for again in [base.clone(), format!("{base}/debug/pprof/profile")] {
        let err = fails(&[
            "import",
            "--source",
            &base,
            "--source",
            &again,
            "--seconds",
            "1",
            "--output",
            out,
        ]);
        assert!(
            err.contains(&format!("--source {again} is given twice (also as {base})"))
                && !err.contains("connection refused"),
            "{err}"
        );
    }
    // A file by two paths: its samples would count twice.
    let a = fixture("cpu-a.pprof");
    let other_path = a.parent().unwrap().join("../pprof/cpu-a.pprof");
    let (first, second) = (
        format!("file:{}", s(&a)),
        format!("file:{}=2", s(&other_path)),
    );
    let err = fails(&[
        "import", "--source", &first, "--source", &second, "--output", out,
    ]);
    assert!(
        err.contains("is given twice") && err.contains("counted twice"),
        "{err}"
    );
    assert!(!Path::new(out).exists());
}

/// The URL of a port of 127.0.0.1 just freed: nothing listens there.
fn nobody_listens() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// A real HTTP server on 127.0.0.1 that answers every request with `response`.
fn serve(response: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{addr}")
}

fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn import_reports_what_the_endpoint_did() {
    let dir = scratch("import");
    let out = dir.join("default.pgo");
    let out = s(&out);
    let down = nobody_listens();
    let err = fails(&[
        "import",
        "--source",
        &down,
        "--seconds",
        "1",
        "--output",
        out,
    ]);
    assert!(
        err.contains("connection refused") && err.contains(&down),
        "{err}"
    );
    // A login page or a proxy's error page instead of a profile.
    let html = serve(http(
        "200 OK",
        "text/html",
        b"<html><head><title>Sign in</title></head></html>",
    ));
    let err = fails(&[
        "import",
        "--source",
        &html,
        "--seconds",
        "1",
        "--output",
        out,
    ]);
    assert!(
        err.contains("did not answer with a CPU profile") && err.contains("an HTML page"),
        "{err}"
    );
    let missing = serve(http("404 Not Found", "text/plain", b"404 page not found\n"));
    let err = fails(&[
        "import",
        "--source",
        &missing,
        "--seconds",
        "1",
        "--output",
        out,
    ]);
    assert!(
        err.contains("answered HTTP 404: 404 page not found"),
        "{err}"
    );
    let err = fails(&["import", "--source", "https://127.0.0.1:1", "--output", out]);
    assert!(err.contains("https is not supported"), "{err}");
    assert!(!Path::new(out).exists());

    // A real profile served twice (two sources, weight 3 on one), merged as `pprof merge` would.
    let bytes = fs::read(fixture("cpu-a.pprof")).unwrap();
    let a = serve(http("200 OK", "application/octet-stream", &bytes));
    let b = serve(http("200 OK", "application/octet-stream", &bytes));
    let lock = dir.join("pgo.lock.json");
    let weighted = format!("{b}=3");
    ok(&[
        "import",
        "--source",
        &a,
        "--source",
        &weighted,
        "--seconds",
        "1",
        "--windows",
        "2",
        "--output",
        out,
        "--lock",
        s(&lock),
        "--name",
        "go-service",
        "--toolchain",
        "go-test",
        "--expect-build-id",
        "0000",
    ]);
    let reference = dir.join("reference.pgo");
    let w = format!("8:{}", s(&fixture("cpu-a.pprof")));
    ok(&["pprof", "merge", "--output", s(&reference), "--weight", &w]);
    assert_eq!(fs::read(out).unwrap(), fs::read(&reference).unwrap());
    let provenance = read_json(format!("{out}.provenance.json"));
    assert_eq!(provenance["pulls"].as_array().unwrap().len(), 4);
    assert_eq!(provenance["sources"][1]["weight"], 3);
    let raw = pprof::read(&fixture("cpu-a.pprof")).unwrap();
    let build_id = &pprof::build_ids(&raw)[0].1;
    assert_eq!(provenance["buildIds"][0], build_id.as_str());
    assert_eq!(provenance["pulls"][0]["buildId"], build_id.as_str());
    let warnings = provenance["warnings"].as_array().unwrap();
    assert!(
        warnings.len() == 1
            && warnings[0]
                .as_str()
                .unwrap()
                .contains("not the expected 0000"),
        "{warnings:?}"
    );
    let json = read_json(&lock);
    assert_eq!(
        json["profiles"]["go-service"]["go-test"]["fingerprint"],
        provenance["fingerprint"]
    );
}

#[test]
fn import_goes_on_without_failed_sources_only_when_allowed() {
    // Continuous profiling of several instances: one down used to lose every pull, naming
    // only the first failure. Go's pprof goes on from the sources it could fetch ("Fetched
    // 1 source profiles out of 3"); import writes a profile from fewer sources than asked
    // only when told to, and names every failed source either way.
    let dir = scratch("import-failed-sources");
    let out = dir.join("default.pgo");
    let out = s(&out);
    let bytes = fs::read(fixture("cpu-a.pprof")).unwrap();
    let up = serve(http("200 OK", "application/octet-stream", &bytes));
    let (down1, down2) = (nobody_listens(), nobody_listens());
    let import = |allow: &str| {
        nix_pgo(&[
            "import",
            "--source",
            &up,
            "--source",
            &down1,
            "--source",
            &down2,
            "--seconds",
            "1",
            "--windows",
            "2",
            "--output",
            out,
            "--allow-failed-sources",
            allow,
        ])
    };
    for allow in ["0", "1"] {
        let run = import(allow);
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{err}");
        // Both failures named, after the first window (no point in the second).
        assert!(
            err.contains(&format!(
                "2 of 3 live source(s) failed (2 pull(s)), more than --allow-failed-sources {allow}"
            )) && err.contains(&format!("source 2 ({down1}), window 1 of 2"))
                && err.contains(&format!("source 3 ({down2}), window 1 of 2"))
                && err.contains("connection refused")
                && err
                    .contains("--allow-failed-sources 2 (the provenance records each failed pull)"),
            "{err}"
        );
        assert!(
            !Path::new(out).exists(),
            "a profile was written from fewer sources"
        );
    }
    // Allowed: the pulls that came, and a provenance that says which failed.
    let run = import("2");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "warning: source 2 ({down1}) failed in every window (2 of 2) \
             (--allow-failed-sources 2): none of its samples are in the profile"
        )) && err.contains("The first: could not connect"),
        "{err}"
    );
    assert!(
        String::from_utf8_lossy(&run.stdout).contains(
            "from 3 live source(s) × 2 window(s) of 1s and 4 failed pull(s) left out \
             (--allow-failed-sources 2)"
        ),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let reference = dir.join("reference.pgo");
    let w = format!("2:{}", s(&fixture("cpu-a.pprof")));
    ok(&["pprof", "merge", "--output", s(&reference), "--weight", &w]);
    assert_eq!(fs::read(out).unwrap(), fs::read(&reference).unwrap());
    let provenance = read_json(format!("{out}.provenance.json"));
    assert_eq!(provenance["pulls"].as_array().unwrap().len(), 2);
    assert_eq!(provenance["allowFailedSources"], 2);
    let failed = provenance["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(
        failed.iter().all(|f| (f["source"] == 1 || f["source"] == 2)
            && f["error"].as_str().unwrap().contains("connection refused")),
        "{failed:?}"
    );
    assert_eq!(provenance["sources"].as_array().unwrap().len(), 3);
    // An idle instance (a profile without samples) is a failed pull of its own.
    let idle_bytes = fs::read(fixture("idle.pprof")).unwrap();
    let idle = serve(http("200 OK", "application/octet-stream", &idle_bytes));
    let with_idle = |allow: &str| {
        nix_pgo(&[
            "import",
            "--source",
            &up,
            "--source",
            &idle,
            "--seconds",
            "1",
            "--output",
            out,
            "--allow-failed-sources",
            allow,
        ])
    };
    let err = String::from_utf8_lossy(&with_idle("0").stderr).into_owned();
    assert!(
        err.contains(&format!(
            "source 2 ({idle}), window 1 of 1: {idle}/debug/pprof/profile?seconds=1 has no samples"
        )) && err.contains("--allow-failed-sources 1"),
        "{err}"
    );
    assert!(with_idle("1").status.success());
    let provenance = read_json(format!("{out}.provenance.json"));
    assert!(
        provenance["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("has no samples"),
        "{provenance}"
    );
    // Nothing came at all: no profile, whatever the allowance.
    let err = fails(&[
        "import",
        "--source",
        &down1,
        "--source",
        &down2,
        "--seconds",
        "1",
        "--output",
        s(&dir.join("none.pgo")),
        "--allow-failed-sources",
        "2",
    ]);
    assert!(
        err.contains("2 of 2 live source(s) failed") && !err.contains("let the import write"),
        "{err}"
    );
    // A file that can't be read fails the import before any profiling.
    let err = fails(&[
        "import",
        "--source",
        &down1,
        "--source",
        "file:missing.pprof",
        "--output",
        out,
        "--allow-failed-sources",
        "1",
    ]);
    assert!(
        err.contains("source 2 (file missing.pprof)") && !err.contains("connection refused"),
        "{err}"
    );
    // Without failures the provenance has neither field.
    ok(&["import", "--source", &up, "--seconds", "1", "--output", out]);
    let provenance = read_json(format!("{out}.provenance.json"));
    assert!(
        provenance.get("failed").is_none() && provenance.get("allowFailedSources").is_none(),
        "{provenance}"
    );
}

#[test]
fn import_decodes_a_file_urls_percent_escapes() {
    // file:///tmp/a%20b/default.pgo is /tmp/a b/default.pgo (it was read as a%20b).
    let dir = scratch("import-file-url").join("a b");
    fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("cpu.pprof");
    fs::copy(fixture("cpu-a.pprof"), &profile).unwrap();
    let url = format!(
        "file://{}",
        s(&profile).replace('%', "%25").replace(' ', "%20")
    );
    assert!(url.contains("a%20b/cpu.pprof"), "{url}");
    let out = dir.join("default.pgo");
    ok(&["import", "--source", &url, "--output", s(&out)]);
    let provenance = read_json(format!("{}.provenance.json", s(&out)));
    assert_eq!(provenance["sources"][0]["url"], s(&profile));
    let reference = dir.join("reference.pgo");
    ok(&["pprof", "merge", "--output", s(&reference), s(&profile)]);
    assert_eq!(fs::read(&out).unwrap(), fs::read(&reference).unwrap());
    // A malformed escape is named, before anything is read.
    let err = fails(&[
        "import",
        "--source",
        "file:///tmp/a%2gb/cpu.pprof",
        "--output",
        s(&out),
    ]);
    assert!(
        err.contains("file:///tmp/a%2gb/cpu.pprof: `%2g` is no percent escape"),
        "{err}"
    );
}

/// A `pprof match --json` report as the optimized stage writes it.
fn match_report(dir: &Path, binary: &str, program_value: i64, matched: i64) -> PathBuf {
    let path = dir.join(format!("profile-match-{binary}.json"));
    let unmatched = program_value - matched;
    let report = serde_json::json!({
        "profile": "default.pgo", "binary": binary,
        "functions": 10, "functionsMatched": 8, "functionRate": 0.8,
        "valueType": "cpu/nanoseconds", "value": 200, "valueMatched": 200 - unmatched,
        "valueRate": 0.5, "mainModule": "example.com/svc",
        "programFunctions": 4, "programFunctionsMatched": 2,
        "programValue": program_value, "programValueMatched": matched,
        "programValueRate": matched as f64 / program_value as f64, "mainOnlyValue": 0,
        "unmatched": [["main.tokenize", unmatched]],
        "programUnmatched": [["main.tokenize", unmatched * 3 / 4], ["main.parse", unmatched / 4]],
    });
    fs::write(&path, report.to_string()).unwrap();
    path
}

#[test]
fn pprof_staleness_reads_the_match_reports_and_refuses_above_max_stale() {
    let dir = scratch("staleness");
    // Two programs: the profile is of `svc` (a third stale); `tool` lacks its package main.
    let svc = match_report(&dir, "svc", 120, 80);
    let tool = match_report(&dir, "tool", 120, 0);
    let out = dir.join("staleness.json");
    let printed = ok(&[
        "pprof",
        "staleness",
        "--max-stale",
        "50",
        "-o",
        s(&out),
        s(&tool),
        s(&svc),
    ]);
    assert!(
        printed.contains("svc: 33.3% of the profile's cpu/nanoseconds under the program's own functions is in functions it no longer has (maxStale 50.0%): main.tokenize (25.0%), main.parse"),
        "{printed}"
    );
    let json = read_json(&out);
    assert_eq!(json["binary"], "svc");
    assert_eq!(json["programValue"], 120);
    let err = fails(&[
        "pprof",
        "staleness",
        "--max-stale",
        "10",
        "--refresh",
        "re-import: nix-pgo import --source http://svc:6060",
        s(&svc),
        s(&tool),
    ]);
    assert!(
        err.contains("33.3% of its cpu/nanoseconds under the program's own functions is in functions svc no longer has")
            && err.contains("more than maxStale 10.0%: main.tokenize (25.0%), main.parse (8.3%)")
            && err.contains("re-import: nix-pgo import --source http://svc:6060"),
        "{err}"
    );
    // A percentage, not a fraction as --min-rate's.
    let err = fails(&["pprof", "staleness", "--max-stale", "120", s(&svc)]);
    assert!(err.contains("percentage between 0 and 100"), "{err}");
}
