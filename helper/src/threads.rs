//! Whether a profile's workload started threads, read from the profile itself.
//!
//! A multithreaded training run is the one kind of deterministic workload whose
//! profile can still differ from run to run: code whose work depends on thread
//! timing (work stealing, thread start and exit) counts differently, and plain
//! counters lose increments when threads interleave. std's thread spawn
//! functions are generic over the thread's closure, so they are instantiated
//! (and instrumented) in the program's own crates: a non-zero counter in one of
//! them shows that the program started a thread.

use crate::crate_hashes::demangled_without_hashes;
use crate::profile::Profile;

/// The functions of std's thread spawning that ran (demangled, without crate
/// hashes, each once, sorted): `std::thread::…::spawn…`, scoped threads
/// included. Empty when the workload started no thread.
pub fn thread_spawns(profile: &Profile) -> Vec<String> {
    let mut spawns: Vec<String> = profile
        .records
        .iter()
        .filter(|record| record.has_nonzero_count())
        .map(|record| demangled_without_hashes(record.symbol()))
        .filter(|path| is_thread_spawn(path))
        .collect();
    spawns.sort();
    spawns.dedup();
    spawns
}

/// `std::thread::<…>::spawn<…>`: the last path segment names a spawn function
/// (`spawn`, `spawn_unchecked`, `spawn_scoped`, ...) of std's thread module;
/// not a function that merely mentions one in its generic arguments
/// (`core::ptr::drop_in_place<std::thread::…::spawn_unchecked<…>>`).
fn is_thread_spawn(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("std::thread::") else {
        return false;
    };
    // Generic arguments (legacy symbols have none, v0 ones do: `spawn::<…>`)
    // may contain `::`.
    let path_only = rest.split('<').next().unwrap_or(rest);
    path_only
        .trim_end_matches("::")
        .rsplit("::")
        .next()
        .is_some_and(|last| last.starts_with("spawn"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::text;

    /// Records as tokei 15.0.0 (rayon, ignore's parallel walk) left them in a
    /// profile from rustc 1.95, counters shortened.
    const TOKEI: &str = ":ir\n\
        _ZN3std6thread7builder7Builder15spawn_unchecked17hfd95d22f30033a28E\n1\n2\n6\n0\n\n\
        _ZN3std6thread9lifecycle15spawn_unchecked17ha2014d2e2141087dE\n2\n3\n0\n12\n6\n\n\
        _ZN3std6thread9lifecycle15spawn_unchecked17hcbaefa549027078fE\n3\n2\n0\n0\n\n\
        _ZN88_$LT$rayon_core..registry..DefaultSpawn$u20$as$u20$rayon_core..registry..ThreadSpawn$GT$5spawn17he0cb63d64687415aE\n4\n1\n6\n\n\
        ignore.a1f8eb8791a2d6fa-cgu.12;_ZN4core3ptr228drop_in_place$LT$std..thread..lifecycle..spawn_unchecked$LT$ignore..walk..WalkParallel..visit..$u7b$$u7b$closure$u7d$$u7d$..$u7b$$u7b$closure$u7d$$u7d$..$u7b$$u7b$closure$u7d$$u7d$$C$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17he837c708bfbc6550E\n5\n1\n3\n";

    #[test]
    fn finds_std_spawn_functions_that_ran() {
        let profile = text::parse(TOKEI).expect("parses");
        assert_eq!(
            thread_spawns(&profile),
            [
                "std::thread::builder::Builder::spawn_unchecked",
                "std::thread::lifecycle::spawn_unchecked"
            ]
        );
    }

    #[test]
    fn a_single_threaded_profile_has_none() {
        // The same functions, instantiated but never run.
        let mut profile = text::parse(TOKEI).expect("parses");
        for record in &mut profile.records {
            record.counts.iter_mut().for_each(|c| *c = 0);
        }
        assert!(thread_spawns(&profile).is_empty());
    }

    /// v0 symbols rustc 1.95 gave a program that starts a thread, a scoped
    /// thread and a thread from a `Builder` (`-Csymbol-mangling-version=v0`).
    #[test]
    fn v0_symbols() {
        let spawn = |symbol: &str| is_thread_spawn(&demangled_without_hashes(symbol));
        assert!(spawn(
            "_RINvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_uncheckedNCNvCskK7mfDs1mzF_1m4main0lEB10_"
        ));
        // A closure inside the spawn function, the drop of its closure, a hook.
        assert!(!spawn(
            "_RNvNCNvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_unchecked03MIN"
        ));
        assert!(!spawn(
            "_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeNCINvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_uncheckedNCNvCskK7mfDs1mzF_1m4main0lEs_0EB1J_"
        ));
        assert!(!spawn(
            "_RNvNtNtCsjrHSEGnQ3l9_3std6thread9spawnhook15run_spawn_hooks"
        ));
    }
}
