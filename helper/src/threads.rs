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
/// hashes or generic arguments, each once, sorted): `std::thread::…::spawn…`,
/// scoped threads included. Empty when the workload started no thread.
pub fn thread_spawns(profile: &Profile) -> Vec<String> {
    let mut spawns: Vec<String> = profile
        .records
        .iter()
        .filter(|record| record.has_nonzero_count())
        .filter_map(|record| spawn_function(&demangled_without_hashes(record.symbol())))
        .collect();
    spawns.sort();
    spawns.dedup();
    spawns
}

/// The spawn function of std's thread module (`spawn`, `spawn_unchecked`,
/// `spawn_scoped`, ...; its path without generic arguments) that `path` is, or
/// whose closure it drops. Not a function that only mentions one among its
/// generic arguments, nor one of std's thread types (`spawnhook`'s).
///
/// The drop: the thread's main closure is a type of the spawn function, made by
/// it alone, so its drop glue running means the function ran. It is often the
/// only record: rustc's pre-inliner may inline the spawn function into the
/// program's code before instrumentation (fd 10.5.0, `lto = true`,
/// `codegen-units = 1`: no record of `spawn_unchecked`, while
/// `drop_in_place<std::thread::lifecycle::spawn_unchecked<…>::{{closure}}>`
/// counted the threads fd started).
fn spawn_function(path: &str) -> Option<String> {
    let (path, dropped) = match path.strip_prefix("core::ptr::drop_in_place") {
        Some(rest) => (rest.trim_start_matches("::").strip_prefix('<')?, true),
        None => (path, false),
    };
    if !path.starts_with("std::thread::") {
        return None;
    }
    // Generic arguments (legacy symbols have none, v0 ones do: `spawn::<…>`)
    // may contain `::`; what follows them is the closure's path.
    let mut function = path.split('<').next().unwrap_or(path).trim_end_matches("::");
    if dropped {
        // A closure without generic arguments in its path (`spawn::{closure#0}`).
        while let Some((outer, last)) = function.rsplit_once("::") {
            if !last.starts_with('{') {
                break;
            }
            function = outer;
        }
    }
    let last = function.rsplit("::").next()?;
    last.starts_with("spawn").then(|| function.to_owned())
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

    /// fd 10.5.0 (`lto = true`, `codegen-units = 1`): no record of a spawn
    /// function, only of its closure's drop, beside drops of std's other thread
    /// types, which every program that could start a thread has.
    const FD: &str = ":ir\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr212drop_in_place$LT$std..thread..lifecycle..spawn_unchecked$LT$fd..walk..WorkerState..receive..$u7b$$u7b$closure$u7d$$u7d$..$u7b$$u7b$closure$u7d$$u7d$$C$fd..exit_codes..ExitCode$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0b7c8adfbd43827aE\n1\n3\n4\n4\n0\n\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr83drop_in_place$LT$std..thread..lifecycle..Packet$LT$fd..exit_codes..ExitCode$GT$$GT$17h26446864961412b1E\n2\n1\n4\n\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr55drop_in_place$LT$std..thread..lifecycle..ThreadInit$GT$17h2814e2dec528e0abE\n3\n1\n4\n\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr60drop_in_place$LT$std..thread..spawnhook..ChildSpawnHooks$GT$17h9a4ae78c84089a3fE\n4\n1\n4\n";

    #[test]
    fn finds_a_spawn_function_inlined_away_by_its_closures_drop() {
        let profile = text::parse(FD).expect("parses");
        assert_eq!(
            thread_spawns(&profile),
            ["std::thread::lifecycle::spawn_unchecked"]
        );
        // Without that record: std's thread types alone are no sign.
        let mut others = profile.clone();
        others.records.remove(0);
        assert!(thread_spawns(&others).is_empty());
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
        let spawn = |symbol: &str| spawn_function(&demangled_without_hashes(symbol)).is_some();
        assert!(spawn(
            "_RINvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_uncheckedNCNvCskK7mfDs1mzF_1m4main0lEB10_"
        ));
        // The drop of its closure: the thread started.
        assert!(spawn(
            "_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeNCINvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_uncheckedNCNvCskK7mfDs1mzF_1m4main0lEs_0EB1J_"
        ));
        // A static inside the spawn function's closure, a hook.
        assert!(!spawn(
            "_RNvNCNvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_unchecked03MIN"
        ));
        assert!(!spawn(
            "_RNvNtNtCsjrHSEGnQ3l9_3std6thread9spawnhook15run_spawn_hooks"
        ));
    }
}
