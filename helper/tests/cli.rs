//! End-to-end tests of the nix-pgo binary.
//!
//! Tests that need llvm-profdata take it from NIX_PGO_LLVM_PROFDATA (the Nix
//! build always sets it) and fail without it: a test that passes without
//! running is how these were skipped unnoticed (issue 11).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_nix-pgo");

/// llvm-profdata from the environment; panics with the fix when it is not set.
fn llvm_profdata() -> PathBuf {
    match std::env::var_os("NIX_PGO_LLVM_PROFDATA") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "this test needs llvm-profdata: set NIX_PGO_LLVM_PROFDATA=/abs/path/to/llvm-profdata \
             (same LLVM major as rustc, e.g. /usr/lib/llvm-22/bin/llvm-profdata; never the \
             LLVM 14 one on PATH)"
        ),
    }
}

/// A fresh, empty scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-tests")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn nix_pgo(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run nix-pgo")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "nix-pgo failed: {}",
        stderr(output)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

const PROFILE_A: &str = "\
:ir
main
# Func Hash:
1234
# Num Counters:
2
# Counter Values:
10
3

helper
0x99
1
7
";

const PROFILE_B: &str = "\
:ir
helper
# Func Hash:
153
# Num Counters:
1
# Counter Values:
5

other
42
3
1
0
1000
1
0
1
2
main:4
helper:9
";

/// Write `text` as .proftext and convert it to an indexed profile.
fn indexed_profile(llvm_profdata: &Path, dir: &Path, name: &str, text: &str) -> PathBuf {
    let text_path = dir.join(format!("{name}.proftext"));
    std::fs::write(&text_path, text).expect("write proftext");
    let out = dir.join(format!("{name}.profdata"));
    let status = Command::new(llvm_profdata)
        .args(["merge", "-o", path_str(&out), path_str(&text_path)])
        .status()
        .expect("run llvm-profdata");
    assert!(status.success(), "llvm-profdata could not convert {name}");
    out
}

#[test]
fn merge_order_does_not_change_fingerprint() {
    let profdata = llvm_profdata();
    let dir = scratch("merge_order");
    let a = indexed_profile(&profdata, &dir, "a", PROFILE_A);
    let b = indexed_profile(&profdata, &dir, "b", PROFILE_B);
    let ab = dir.join("ab.profdata");
    let ba = dir.join("ba.profdata");
    let pd = path_str(&profdata);
    let merged_ab = json(&nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&ab),
        path_str(&a),
        path_str(&b),
        "--json",
    ]));
    let merged_ba = json(&nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&ba),
        path_str(&b),
        path_str(&a),
        "--json",
    ]));
    assert_eq!(merged_ab["functions"], 3);
    assert_eq!(merged_ab["inputs"].as_array().map(Vec::len), Some(2));
    assert_eq!(merged_ab["fingerprint"], merged_ba["fingerprint"]);

    let fp = json(&nix_pgo(&[
        "fingerprint",
        "--llvm-profdata",
        pd,
        path_str(&ab),
        "--json",
    ]));
    assert_eq!(fp["fingerprint"], merged_ab["fingerprint"]);
    assert_eq!(fp["functions"], 3);
    assert_eq!(fp["total_count"], 10 + 3 + 7 + 5 + (1 + 1000));

    // A directory input finds both profiles, recursively, ignoring other files.
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(inputs.join("nested")).unwrap();
    std::fs::copy(&a, inputs.join("a.profdata")).unwrap();
    std::fs::copy(&b, inputs.join("nested/b.profdata")).unwrap();
    std::fs::write(inputs.join("README"), "not a profile").unwrap();
    let from_dir = json(&nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&inputs.join("merged.profdata")),
        path_str(&inputs),
        "--json",
    ]));
    assert_eq!(from_dir["fingerprint"], merged_ab["fingerprint"]);
    // Running again must not pick up the previous output in the directory.
    let again = json(&nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&inputs.join("merged.profdata")),
        path_str(&inputs),
        "--json",
    ]));
    assert_eq!(again["fingerprint"], merged_ab["fingerprint"]);
}

#[test]
fn weighted_inputs_scale_counts() {
    let profdata = llvm_profdata();
    let dir = scratch("weighted");
    let a = indexed_profile(&profdata, &dir, "a", PROFILE_A);
    let out = dir.join("w.profdata");
    let pd = path_str(&profdata);
    let weight = format!("3:{}", path_str(&a));
    json(&nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&out),
        "--weight",
        &weight,
        "--json",
    ]));
    let fp = json(&nix_pgo(&[
        "fingerprint",
        "--llvm-profdata",
        pd,
        path_str(&out),
        "--json",
    ]));
    assert_eq!(fp["total_count"], 3 * (10 + 3 + 7));

    let bad = nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&out),
        "--weight",
        "0:x",
    ]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("positive integer"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn truncated_inputs_fail_the_merge() {
    let profdata = llvm_profdata();
    let dir = scratch("truncated");
    let a = indexed_profile(&profdata, &dir, "a", PROFILE_A);
    let pd = path_str(&profdata);
    let bytes = std::fs::read(&a).unwrap();
    let truncated_indexed = dir.join("cut.profdata");
    std::fs::write(&truncated_indexed, &bytes[..bytes.len() / 2]).unwrap();
    // A raw profile cut right after its magic number, as when the workload
    // is killed while the runtime writes the file.
    let truncated_raw = dir.join("cut.profraw");
    let mut raw = 0xff6c_7072_6f66_7281u64.to_le_bytes().to_vec();
    raw.extend_from_slice(&10u64.to_le_bytes());
    std::fs::write(&truncated_raw, raw).unwrap();

    for bad in [&truncated_indexed, &truncated_raw] {
        let out = nix_pgo(&[
            "merge",
            "--llvm-profdata",
            pd,
            "-o",
            path_str(&dir.join("out.profdata")),
            path_str(&a),
            path_str(bad),
        ]);
        let err = stderr(&out);
        assert!(
            !out.status.success(),
            "merge with {} succeeded",
            bad.display()
        );
        assert!(err.contains("nix-pgo: error: "), "{err}");
        assert!(
            err.contains(path_str(bad)),
            "error does not name {}: {err}",
            bad.display()
        );
        assert!(err.contains("truncated or corrupt"), "{err}");
    }
}

#[test]
fn empty_and_all_zero_profiles_fail() {
    let profdata = llvm_profdata();
    let dir = scratch("empty");
    let pd = path_str(&profdata);
    let empty = dir.join("no-profiles");
    std::fs::create_dir_all(&empty).unwrap();
    let out = nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&dir.join("o.profdata")),
        path_str(&empty),
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("no profile data"), "{err}");
    assert!(err.contains("LLVM_PROFILE_FILE"), "{err}");

    let zero = indexed_profile(&profdata, &dir, "zero", ":ir\nf\n1\n2\n0\n0\n");
    let out = nix_pgo(&[
        "merge",
        "--llvm-profdata",
        pd,
        "-o",
        path_str(&dir.join("o.profdata")),
        path_str(&zero),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("every counter is zero"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn canonicalize_round_trips() {
    let profdata = llvm_profdata();
    let dir = scratch("canonicalize");
    let pd = path_str(&profdata);
    let b = indexed_profile(&profdata, &dir, "b", PROFILE_B);
    let out = dir.join("canon.profdata");
    let text = dir.join("canon.proftext");
    let report = json(&nix_pgo(&[
        "canonicalize",
        "--llvm-profdata",
        pd,
        path_str(&b),
        "-o",
        path_str(&out),
        "--quantize",
        "2",
        "--text-output",
        path_str(&text),
        "--json",
    ]));
    // Top two bits kept: 5 = 0b101 -> 4, 1000 = 0b1111101000 -> 768.
    assert_eq!(report["total_count"], 4 + 1 + 768);
    for file in [&out, &text] {
        let fp = json(&nix_pgo(&[
            "fingerprint",
            "--llvm-profdata",
            pd,
            path_str(file),
            "--json",
        ]));
        assert_eq!(
            fp["fingerprint"],
            report["fingerprint"],
            "{}",
            file.display()
        );
    }
}

#[test]
fn canonicalize_excludes_functions_as_call_targets_too() {
    // `other` calls `helper` indirectly (PROFILE_B's value site): excluding helper
    // must leave a profile that reads back as written, as llvm-profdata renders a
    // target without a record as "** External Symbol **".
    let profdata = llvm_profdata();
    let dir = scratch("canonicalize-exclude");
    let b = indexed_profile(&profdata, &dir, "b", PROFILE_B);
    let out = dir.join("canon.profdata");
    let text = dir.join("canon.proftext");
    let output = nix_pgo(&[
        "canonicalize",
        "--llvm-profdata",
        path_str(&profdata),
        path_str(&b),
        "-o",
        path_str(&out),
        "--exclude",
        "helper",
        "--text-output",
        path_str(&text),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&text).expect("canonical text");
    // helper's 9 calls are gone, main's 4 stay (PROFILE_B has no record of main, so
    // llvm-profdata already named it "** External Symbol **").
    assert!(!text.contains("helper") && !text.contains(":9\n"), "{text}");
    assert!(text.contains("** External Symbol **:4\n"), "{text}");
    // A pattern in every name would leave an empty profile, which a build would use.
    for pattern in ["", "e"] {
        let output = nix_pgo(&[
            "canonicalize",
            "--llvm-profdata",
            path_str(&profdata),
            path_str(&b),
            "-o",
            path_str(&out),
            "--exclude",
            pattern,
        ]);
        assert!(!output.status.success(), "--exclude {pattern:?} succeeded");
        let err = stderr(&output);
        assert!(
            err.contains("an empty substring is in every function's name")
                || err.contains("left no function of the"),
            "{err}"
        );
    }
}

#[test]
fn check_toolchain_reports_every_mismatch() {
    let profdata = llvm_profdata();
    let dir = scratch("toolchain");
    // A stand-in rustc claiming an LLVM no llvm-profdata of today matches.
    let fake_rustc = dir.join("rustc");
    std::fs::write(
        &fake_rustc,
        "#!/bin/sh\nprintf 'rustc 1.0.0\\nrelease: 1.0.0\\nLLVM version: 3.9.1\\n'\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake_rustc, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let missing_bolt = dir.join("no-such-llvm-bolt");
    let out = nix_pgo(&[
        "check-toolchain",
        "--rustc",
        path_str(&fake_rustc),
        "--llvm-profdata",
        path_str(&profdata),
        "--llvm-bolt",
        path_str(&missing_bolt),
        "--json",
    ]);
    assert!(!out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON even on failure");
    assert_eq!(report["ok"], false);
    assert_eq!(report["rustc"]["llvm"], "3.9.1");
    assert_eq!(
        report["problems"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
    let err = stderr(&out);
    assert!(err.contains("2 problem(s)"), "{err}");
    assert!(
        err.contains("is LLVM") && err.contains("LLVM 3.9.1"),
        "{err}"
    );
    assert!(err.contains(path_str(&missing_bolt)), "{err}");
}

#[test]
fn coverage_from_build_log() {
    // Needs no llvm-profdata unless --profile is given.
    let dir = scratch("coverage");
    let log = dir.join("build.log");
    std::fs::write(
        &log,
        "warning: demo.abc-cgu.0: no profile data available for function _ZN4demo3new17h1E Hash = 1 up to 0 count discarded\n\
         warning: demo.abc-cgu.0: function control flow change detected (hash mismatch) _ZN4demo3fib17h2E Hash = 2 up to 65672 count discarded\n",
    )
    .unwrap();
    let report_path = dir.join("coverage.json");
    let out = nix_pgo(&[
        "coverage",
        "--log",
        path_str(&log),
        "-o",
        path_str(&report_path),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(report["functions_without_profile"], 1);
    assert_eq!(report["hash_mismatches"], 1);
    assert_eq!(report["examples"][0], "_ZN4demo3new17h1E");
    assert_eq!(report["profile_functions"], Value::Null);

    let profdata = llvm_profdata();
    let a = indexed_profile(&profdata, &dir, "a", PROFILE_A);
    let out = nix_pgo(&[
        "coverage",
        "--log",
        path_str(&log),
        "-o",
        path_str(&report_path),
        "--profile",
        path_str(&a),
        "--llvm-profdata",
        path_str(&profdata),
        "--min-coverage",
        "90",
    ]);
    // 2 profile functions, 1 of them stale, 1 missing: 1/3 covered.
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("coverage is 33.3%"),
        "{}",
        stderr(&out)
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(report["profile_functions"], 2);

    // The same warnings as cargo's JSON messages, with the records that show
    // the project's crate was compiled: coverage is known (1/3 covered).
    let json_log = dir.join("messages.json");
    let warning = |text: &str| {
        serde_json::json!({
            "reason": "compiler-message",
            "message": {"message": text, "level": "warning", "rendered": format!("warning: {text}\n")},
        })
        .to_string()
    };
    let lines = [
        warning("demo.abc-cgu.0: no profile data available for function _ZN4demo3new17h1E Hash = 1 up to 0 count discarded"),
        warning("demo.abc-cgu.0: function control flow change detected (hash mismatch) _ZN4demo3fib17h2E Hash = 2 up to 65672 count discarded"),
        r#"{"reason":"compiler-artifact","package_id":"path+file:///build/source#demo@0.1.0","target":{"kind":["bin"],"name":"demo"},"fresh":false}"#.to_owned(),
        r#"{"reason":"build-finished","success":true}"#.to_owned(),
    ];
    std::fs::write(&json_log, lines.join("\n") + "\n").unwrap();
    let coverage_path = dir.join("coverage-from-staleness.json");
    let out = nix_pgo(&[
        "staleness",
        "--log",
        path_str(&json_log),
        "--profile",
        path_str(&a),
        "--llvm-profdata",
        path_str(&profdata),
        "--rustflags",
        "-Cprofile-use=/build/pgo.profdata -Cllvm-args=-pgo-warn-missing-function",
        "--coverage-output",
        path_str(&coverage_path),
        "--min-coverage",
        "30",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&std::fs::read(&coverage_path).unwrap()).unwrap();
    assert_eq!(report["functions_without_profile"], 1);
    let percent = report["coverage_percent"].as_f64().expect("known coverage");
    assert!((percent - 100.0 / 3.0).abs() < 1e-9, "{report}");

    // Issue 11: a log without a single warning and without cargo's records
    // used to give 100 %. Now it is unknown, and --min-coverage fails.
    let empty_log = dir.join("empty.log");
    std::fs::write(&empty_log, "   Compiling demo v0.1.0 (/build/source)\n").unwrap();
    let out = nix_pgo(&[
        "coverage",
        "--log",
        path_str(&empty_log),
        "-o",
        path_str(&report_path),
        "--profile",
        path_str(&a),
        "--llvm-profdata",
        path_str(&profdata),
        "--min-coverage",
        "1",
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("coverage is unknown") && err.contains("--message-format=json"),
        "{err}"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(report["coverage_percent"], Value::Null);
}

/// A staleness test's inputs: an indexed profile of `profile_text` and a
/// build log of `log_text`, in a scratch directory of their own.
struct StalenessCase {
    profdata: PathBuf,
    dir: PathBuf,
    profile: PathBuf,
    log: PathBuf,
}

impl StalenessCase {
    /// `nix-pgo staleness` of the case's log and profile; the caller adds options.
    fn command(&self) -> Vec<&str> {
        vec![
            "staleness",
            "--log",
            path_str(&self.log),
            "--profile",
            path_str(&self.profile),
            "--llvm-profdata",
            path_str(&self.profdata),
        ]
    }
}

fn staleness_case(test: &str, profile_text: &str, log_text: &str) -> StalenessCase {
    let profdata = llvm_profdata();
    let dir = scratch(test);
    let profile = indexed_profile(&profdata, &dir, "profile", profile_text);
    let log = dir.join("build.log");
    std::fs::write(&log, log_text).expect("write the build log");
    StalenessCase {
        profdata,
        dir,
        profile,
        log,
    }
}

/// An internal function an edit moved to another codegen unit: its data is
/// lost, the command says so, and --max-stale says how to refresh the profile
/// (not to change Cargo settings, as for other crate hashes).
#[test]
fn staleness_reports_functions_moved_to_another_codegen_unit() {
    let case = staleness_case(
        "staleness-moved",
        ":ir\n\
         demo.0123456789abcdef-cgu.0;_ZN4demo4blur17h1111111111111111E\n1\n1\n3000\n\n\
         _ZN4demo4main17h2222222222222222E\n2\n1\n1000\n",
        "warning: demo.0123456789abcdef-cgu.3: no profile data available for function _ZN4demo4blur17h1111111111111111E Hash = 1 up to 0 count discarded\n",
    );
    let mut args = case.command();
    args.extend(["--max-stale", "50"]);
    let out = nix_pgo(&args);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("1 function(s) were compiled without profile data because they moved to other codegen units")
            && err.contains("1 function(s) an edit moved to other codegen units")
            && err.contains("Re-run the workloads on the current source")
            && !err.contains("other Cargo metadata"),
        "{err}"
    );
}

/// A profile recorded from a build with other Cargo metadata: its functions
/// are under other symbol hashes, rustc only says "no profile data". The
/// report counts them as stale, the command says why, --max-stale fails.
#[test]
fn staleness_reports_functions_renamed_by_cargo_metadata() {
    let case = staleness_case(
        "staleness-renamed",
        ":ir\n\
         _ZN4demo3fib17h1111111111111111E\n1\n1\n6000000000\n\n\
         demo.0123456789abcdef-cgu.0;_ZN4demo5local17h2222222222222222E\n2\n1\n2000000000\n",
        "warning: demo.fedcba9876543210-cgu.0: no profile data available for function _ZN4demo3fib17h3333333333333333E Hash = 1 up to 0 count discarded\n",
    );
    let report_path = case.dir.join("staleness.json");
    let mut args = case.command();
    args.extend(["-o", path_str(&report_path), "--max-stale", "50"]);
    let out = nix_pgo(&args);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("1 function(s) were compiled without profile data although the profile has them under other symbol hashes (75.0% of the profile's counts)")
            && err.contains("other Cargo metadata"),
        "{err}"
    );
    assert!(
        err.contains("the profile is stale: 75.0% of its counts belong to 1 function(s) the profile has under other symbol hashes"),
        "{err}"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(report["renamed_functions"], 1);
    assert_eq!(report["renamed_count"], 6_000_000_000u64);
    assert_eq!(report["stale_count"], 6_000_000_000u64);
    assert_eq!(report["matching_count_percent"], 25.0);
    assert_eq!(
        report["renamed_examples"][0]["profile_name"],
        "_ZN4demo3fib17h1111111111111111E"
    );
    assert_eq!(
        report["renamed_examples"][0]["name"],
        "_ZN4demo3fib17h3333333333333333E"
    );
}

/// A hash mismatch in a profile trained in the same build graph
/// (`--fresh-profile`) cannot be fixed by refreshing the profile: the message
/// names the differing build settings instead of `update-profile`.
#[test]
fn staleness_of_a_fresh_profile_names_build_settings_not_a_refresh() {
    let case = staleness_case(
        "staleness-fresh",
        ":ir\n\
         _ZN4demo3fib17h1111111111111111E\n1\n1\n6000000000\n\n\
         _ZN4demo4main17h2222222222222222E\n2\n1\n2000000000\n",
        "warning: demo.0123456789abcdef-cgu.0: function control flow change detected (hash mismatch) _ZN4demo3fib17h1111111111111111E Hash = 1 up to 6000000000 count discarded\n",
    );
    let run = |fresh: bool| {
        let mut args = case.command();
        args.extend(["--max-stale", "1"]);
        if fresh {
            args.push("--fresh-profile");
        }
        let out = nix_pgo(&args);
        assert!(!out.status.success());
        stderr(&out)
    };
    let err = run(true);
    assert!(
        err.contains("75.0% of its counts belong to 1 function(s) whose code changed")
            && err.contains("the instrumented build compiled other code")
            && !err.contains("updateProfile"),
        "{err}"
    );
    let err = run(false);
    assert!(
        err.contains("updateProfile") && !err.contains("compiled other code"),
        "{err}"
    );
}

/// A scratch directory for a lock test and, in it, `profile/` holding demo.profdata
/// alone (a profile stage's output, as `nix-pgo lock` reads it).
fn profile_to_lock(profdata: &Path, test: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(test);
    let profile_dir = dir.join("profile");
    std::fs::create_dir_all(&profile_dir).expect("profile dir");
    indexed_profile(profdata, &profile_dir, "demo", PROFILE_A);
    std::fs::remove_file(profile_dir.join("demo.proftext")).expect("keep only the profdata");
    (dir, profile_dir)
}

/// Issue 12: the lock names the fingerprint's algorithm; a lock from a
/// nix-pgo with another algorithm is refused with "re-lock", one written
/// before the field existed still reads (as the first algorithm). `--json`
/// is global and works before and after the subcommand.
#[test]
fn lock_records_and_checks_the_fingerprint_algorithm() {
    let profdata = llvm_profdata();
    let pd = path_str(&profdata);
    let (dir, profile_dir) = profile_to_lock(&profdata, "lock_algorithm");
    let lock = dir.join("pgo.lock.json");
    let lock_args = [
        "lock",
        "--lock-file",
        path_str(&lock),
        "--package",
        "demo",
        "--toolchain",
        "t",
        "--profile",
        path_str(&profile_dir),
        "--name",
        "demo-profile-1.0",
        "--date",
        "2025-01-01",
        "--llvm-profdata",
        pd,
    ];
    let report = json(&nix_pgo(&[&["--json"], &lock_args[..]].concat()));
    assert_eq!(
        report["entry"]["fingerprintAlgorithm"],
        "blake3-canonical-proftext-v1"
    );
    let text = std::fs::read_to_string(&lock).expect("lock written");
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--lock-file",
            path_str(&lock),
            "--llvm-profdata",
            pd,
        ];
        args.extend_from_slice(extra);
        nix_pgo(&args)
    };
    let ok = verify(&["--profile", path_str(&profile_dir), "--json"]);
    assert!(ok.status.success(), "{}", stderr(&ok));

    // A lock written before the field: still valid, same fingerprint.
    let old = text.replace(
        "      \"fingerprintAlgorithm\": \"blake3-canonical-proftext-v1\",\n",
        "",
    );
    assert_ne!(old, text);
    std::fs::write(&lock, &old).expect("old lock");
    let ok = verify(&["--profile", path_str(&profile_dir)]);
    assert!(ok.status.success(), "{}", stderr(&ok));

    // Another algorithm: verify and lock refuse it and say how to re-lock.
    std::fs::write(&lock, text.replace("proftext-v1", "proftext-v9")).expect("other lock");
    for output in [verify(&[]), nix_pgo(&lock_args)] {
        assert!(!output.status.success());
        let err = stderr(&output);
        assert!(err.contains("blake3-canonical-proftext-v9"), "{err}");
        assert!(err.contains("the package's updateProfile"), "{err}");
    }
}

/// `lock --bolt-profile`: the BOLT profile is locked with the profile, by its NAR hash
/// and the store path that follows (`nix-pgo nar-hash`, `store-path`); a directory that
/// is not a BOLT profile of this nix-pgo (no record of its binaries, or a binary without
/// its .fdata) is refused, and `verify` checks the BOLT entry's store path too.
#[test]
fn lock_records_the_bolt_profile() {
    let profdata = llvm_profdata();
    let pd = path_str(&profdata);
    let (dir, profile_dir) = profile_to_lock(&profdata, "lock_bolt");
    let bolt_dir = dir.join("bolt");
    std::fs::create_dir_all(bolt_dir.join("nix-support")).expect("bolt dir");
    std::fs::write(bolt_dir.join("demo.fdata"), "1 main 0 1 main 8 0 3\n").expect("fdata");
    let lock = dir.join("pgo.lock.json");
    let lock_args = [
        "--json",
        "lock",
        "--lock-file",
        path_str(&lock),
        "--package",
        "demo",
        "--toolchain",
        "t",
        "--profile",
        path_str(&profile_dir),
        "--name",
        "demo-pgo-profile",
        "--bolt-profile",
        path_str(&bolt_dir),
        "--bolt-name",
        "demo-bolt-profile",
        "--llvm-profdata",
        pd,
    ];
    let refused = nix_pgo(&lock_args);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(err.contains("bolt-input.sha256"), "{err}");
    assert!(!lock.exists(), "a refused lock was written");

    let record = bolt_dir.join("nix-support/bolt-input.sha256");
    std::fs::write(&record, format!("{}  demo\n  other\n", "0".repeat(64))).expect("record");
    let err = stderr(&nix_pgo(&lock_args));
    assert!(err.contains("no other.fdata"), "{err}");

    std::fs::write(&record, format!("{}  demo\n", "0".repeat(64))).expect("record");
    let report = json(&nix_pgo(&lock_args));
    let bolt = &report["entry"]["bolt"];
    let nar_hash = json(&nix_pgo(&["--json", "nar-hash", path_str(&bolt_dir)]))["nar_hash"].clone();
    assert_eq!(bolt["narHash"], nar_hash);
    let store_path = nix_pgo(&[
        "store-path",
        "--name",
        "demo-bolt-profile",
        path_str(&bolt_dir),
    ]);
    assert_eq!(
        bolt["storePath"].as_str(),
        Some(String::from_utf8_lossy(&store_path.stdout).trim())
    );

    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--lock-file",
            path_str(&lock),
            "--llvm-profdata",
            pd,
        ];
        args.extend_from_slice(extra);
        let out = nix_pgo(&args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.success(), stdout)
    };
    let (ok, out) = verify(&[]);
    assert!(ok, "{out}");

    // A checked-in copy (pgo/<pname>.bolt) is checked against bolt.narHash.
    let checked_in = dir.join("pgo");
    let copy = checked_in.join("demo.bolt");
    std::fs::create_dir_all(copy.join("nix-support")).expect("checked-in dir");
    for file in ["demo.fdata", "nix-support/bolt-input.sha256"] {
        std::fs::copy(bolt_dir.join(file), copy.join(file)).expect("copy");
    }
    let (ok, out) = verify(&["--checked-in", path_str(&checked_in)]);
    assert!(
        ok && out.contains("ok: checked-in BOLT profile demo"),
        "{out}"
    );
    std::fs::write(copy.join("demo.fdata"), "1 main 0 1 main 8 0 4\n").expect("edit");
    let (ok, out) = verify(&["--checked-in", path_str(&checked_in)]);
    assert!(
        !ok && out.contains("MISMATCH: checked-in BOLT profile demo"),
        "{out}"
    );

    let text = std::fs::read_to_string(&lock).expect("lock written");
    let edited = text.replace("demo-bolt-profile\"", "demo-bolt-profile-2\"");
    assert_ne!(edited, text);
    std::fs::write(&lock, edited).expect("edited lock");
    let (ok, out) = verify(&[]);
    assert!(!ok && out.contains("bolt.storePath"), "{out}");
}

/// `nix-pgo … | head`: a reader that went away ends the program quietly, by SIGPIPE as
/// cat's would, not with a panic on EPIPE.
#[cfg(unix)]
#[test]
fn closed_stdout_ends_quietly_without_a_panic() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    let dir = scratch("closed_stdout");
    std::fs::write(dir.join("file"), "some bytes\n").expect("write file");
    // A pipe whose read end is closed before nix-pgo starts: its first write fails.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let output = Command::new(BIN)
        .args(["nar-hash", path_str(&dir)])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run nix-pgo");
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "nix-pgo panicked: {err}");
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "nix-pgo should end by SIGPIPE; status {:?}, stderr: {err}",
        output.status
    );
}

#[test]
fn verify_without_llvm_profdata_is_a_usage_error_not_a_mismatch() {
    let dir = scratch("verify-no-llvm-profdata");
    std::fs::create_dir_all(dir.join("pgo")).expect("pgo dir");
    std::fs::write(dir.join("pgo/demo.profdata"), b"").expect("a checked-in profile");
    let lock = dir.join("pgo.lock.json");
    std::fs::write(&lock, r#"{"version":1,"profiles":{}}"#).expect("lock");
    let output = Command::new(BIN)
        .env_remove("NIX_PGO_LLVM_PROFDATA")
        .args([
            "verify",
            "--lock-file",
            path_str(&lock),
            "--checked-in",
            path_str(&dir.join("pgo")),
        ])
        .output()
        .expect("run nix-pgo");
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("no llvm-profdata given"), "{err}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("MISMATCH"),
        "{err}"
    );
}

#[test]
fn diff_names_a_source_change_when_functions_changed_control_flow() {
    let dir = scratch("diff-cause");
    let profdata = llvm_profdata();
    let locked = indexed_profile(&profdata, &dir, "locked", PROFILE_A);
    // The same function names; `main` with another hash (its control flow changed, as
    // after an edit) and other counts.
    let edited = PROFILE_A
        .replace("1234\n", "5678\n")
        .replace("10\n3\n", "1\n30\n");
    let edited = indexed_profile(&profdata, &dir, "edited", &edited);
    // Only other counts: the workloads moved, the source did not.
    let retrained = PROFILE_A
        .replace("10\n3\n", "1\n30\n")
        .replace("0x99\n1\n7\n", "0x99\n1\n700\n");
    let retrained = indexed_profile(&profdata, &dir, "retrained", &retrained);
    let diff = |b: &Path| {
        nix_pgo(&[
            "diff",
            "--llvm-profdata",
            path_str(&profdata),
            "--max-drift",
            "1",
            path_str(&locked),
            path_str(b),
        ])
    };
    let source = diff(&edited);
    assert!(
        !source.status.success(),
        "a drifted profile passed: {}",
        stderr(&source)
    );
    assert!(
        stderr(&source).contains("1 function(s) have another control flow than when the profile was locked, so the source changed"),
        "{}",
        stderr(&source)
    );
    let workloads = diff(&retrained);
    assert!(
        !workloads.status.success(),
        "a drifted profile passed: {}",
        stderr(&workloads)
    );
    assert!(
        stderr(&workloads).contains("the workloads now exercise the program differently. If"),
        "{}",
        stderr(&workloads)
    );
}

/// The tests' profile cut down to the program: records of functions the
/// instrumented program has stay, others go; a profile with none of them fails.
#[test]
fn canonicalize_keeps_only_the_functions_of_an_instrumented_program() {
    let profdata = llvm_profdata();
    let pd = path_str(&profdata);
    let dir = scratch("canonicalize-functions-of");
    let source = dir.join("prog.rs");
    std::fs::write(
        &source,
        "#[inline(never)] fn square(x: u64) -> u64 { x * x }\n\
         fn main() { let n: u64 = std::env::args().count() as u64; println!(\"{}\", square(n)); }\n",
    )
    .unwrap();
    let program = dir.join("prog");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let status = Command::new(&rustc)
        .args(["-O", "-Cprofile-generate", "-o"])
        .args([&program, &source])
        .status()
        .expect("run rustc");
    assert!(
        status.success(),
        "{rustc} could not build an instrumented program"
    );
    let raw = dir.join("prog.profraw");
    let status = Command::new(&program)
        .env("LLVM_PROFILE_FILE", &raw)
        .status()
        .expect("run the instrumented program");
    assert!(status.success());
    // The program's own profile, plus a function it doesn't have (a test's).
    let foreign = indexed_profile(
        &profdata,
        &dir,
        "foreign",
        ":ir\n_ZN5tests12only_a_test17h0123456789abcdefE\n7\n1\n42\n",
    );
    let merged = dir.join("merged.profdata");
    let status = Command::new(&profdata)
        .args([
            "merge",
            "-o",
            path_str(&merged),
            path_str(&raw),
            path_str(&foreign),
        ])
        .status()
        .unwrap();
    assert!(status.success());

    // canonicalize INPUT, keeping the functions of BINARY, with more arguments.
    let keeping = |input: &Path, binary: &str, more: &[&str]| {
        let out = dir.join("kept.profdata");
        let mut args = vec![
            "canonicalize",
            "--llvm-profdata",
            pd,
            path_str(input),
            "-o",
            path_str(&out),
            "--functions-of",
            binary,
        ];
        args.extend_from_slice(more);
        nix_pgo(&args)
    };
    let text = dir.join("kept.proftext");
    let output = keeping(
        &merged,
        path_str(&program),
        &["--text-output", path_str(&text), "--json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["foreign_functions"], 1, "{report}");
    assert_eq!(report["foreign_count"], 42, "{report}");
    let text = std::fs::read_to_string(&text).unwrap();
    assert!(!text.contains("only_a_test"), "{text}");
    assert!(text.contains("6square"), "{text}");
    assert!(stderr(&output).contains("the other 1 are not in the program"));

    // Nothing of the program: an error naming the binary.
    let output = keeping(&foreign, path_str(&program), &[]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("is a function of") && message.contains(path_str(&program)),
        "{message}"
    );
    // square under another crate hash (the tests' build of the same code) is renamed to
    // the program's symbol when its control-flow hash is the program's (read from the
    // binary's __llvm_prf_data, whose records name functions by MD5), else removed.
    let program_text = Command::new(&profdata)
        .args(["merge", "--text", "-o", "-", path_str(&raw)])
        .output()
        .unwrap();
    let program_text = String::from_utf8(program_text.stdout).unwrap();
    let record = program_text
        .split("\n\n")
        .find(|r| r.contains("6square"))
        .expect("the program's profile has square");
    let name = record
        .lines()
        .find(|l| l.contains("6square"))
        .unwrap()
        .to_owned();
    let hash = &name[name.len() - 17..name.len() - 1];
    let other = name.replace(hash, "0123456789abcdef");
    let func_hash: u64 = record
        .lines()
        .skip_while(|l| !l.starts_with("# Func Hash"))
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let same_code = record.replace(&name, &other);
    let other_code = same_code.replace(&func_hash.to_string(), &(func_hash ^ 1).to_string());
    for (text, renamed) in [(same_code, 1), (other_code, 0)] {
        let tests = indexed_profile(&profdata, &dir, "tests", &format!(":ir\n{text}\n"));
        let output = keeping(&tests, path_str(&program), &["--json"]);
        if renamed == 0 {
            assert!(!output.status.success(), "a record of other code was kept");
            continue;
        }
        assert!(output.status.success(), "{}", stderr(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["renamed_functions"], renamed, "{report}");
        assert_eq!(report["functions"], 1, "{report}");
    }

    // A binary without instrumentation says so.
    let output = keeping(&merged, "/bin/sh", &[]);
    assert!(
        stderr(&output).contains("not a build instrumented"),
        "{}",
        stderr(&output)
    );
}
