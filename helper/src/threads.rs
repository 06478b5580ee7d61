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

/// The records that show a started thread, among those that ran (demangled,
/// without crate hashes or generic arguments, each once, sorted): std's thread
/// spawn functions, scoped threads included, and the code only a started
/// thread runs (below). Empty when the workload started no thread.
pub fn thread_spawns(profile: &Profile) -> Vec<String> {
    let mut spawns: Vec<String> = profile
        .records
        .iter()
        .filter(|record| record.has_nonzero_count())
        .filter_map(|record| thread_sign(&demangled_without_hashes(record.symbol())))
        .collect();
    // The functions first, then the drops: the note names the first.
    spawns.sort_by(|a, b| (a.starts_with("core::"), a).cmp(&(b.starts_with("core::"), b)));
    spawns.dedup();
    spawns
}

/// `path` (a demangled function) as a sign that a thread started, named without
/// generic arguments; None when it is none. Each is generic over the thread's
/// closure or result, so instantiated and instrumented in the program's crates:
/// - a spawn function of std's thread module (`spawn`, `spawn_unchecked`,
///   `spawn_scoped`, ...) or its closure, the thread's main;
/// - `JoinInner::join`: joining a thread that was started;
/// - the drop of a thread's result slot (`Packet`), or of a spawn function's
///   closure: values only a spawn makes.
///
/// The last two are there because rustc's pre-inliner may inline the spawn
/// function into the program's code before instrumentation: fd 10.5.0's profile
/// (`lto = true`, `codegen-units = 1`) had no record of `spawn_unchecked`, and its
/// threads showed as `JoinInner::join` and the drops of `Packet` (4 threads).
/// Not a function that only mentions one among its generic arguments, nor
/// std's other thread types (`Thread`, `spawnhook`'s hooks), which a program
/// that never starts a thread drops too.
fn thread_sign(path: &str) -> Option<String> {
    let (path, dropped) = if let Some(rest) = path.strip_prefix("core::ptr::drop_in_place") {
        let ty = rest
            .trim_start_matches("::")
            .strip_prefix('<')?
            .strip_suffix('>')?;
        (ty.to_owned(), true)
    } else if let Some((self_ty, for_trait, rest)) = impl_parts(path) {
        // `<T>::f` (v0's inherent methods) is T's f; `<T as Drop>::drop` the drop of a T.
        match for_trait {
            None => (format!("{self_ty}{rest}"), false),
            Some("core::ops::drop::Drop") if rest == "::drop" => (self_ty.to_owned(), true),
            Some(_) => return None,
        }
    } else {
        (path.to_owned(), false)
    };
    let mut segments = without_generics(&path);
    if segments.len() < 3 || segments[..2] != ["std", "thread"] {
        return None;
    }
    // The closures of a function (`spawn::{closure#0}`, `spawn::{{closure}}`).
    while segments.last().is_some_and(|s| s.starts_with('{')) {
        segments.pop();
    }
    let name = segments.join("::");
    let sign = match segments.as_slice() {
        [.., last] if last.starts_with("spawn") => true,
        [.., "Packet"] => dropped,
        [.., "JoinInner", "join"] => !dropped,
        _ => false,
    };
    sign.then(|| {
        if dropped {
            format!("core::ptr::drop_in_place<{name}>")
        } else {
            name
        }
    })
}

/// `<T as Trait>::rest` as (T, Some(Trait), "::rest"), `<T>::rest` as (T, None,
/// "::rest"); None for a path that doesn't start with an impl.
fn impl_parts(path: &str) -> Option<(&str, Option<&str>, &str)> {
    path.strip_prefix('<')?;
    let mut depth = 0usize;
    let mut as_at = None;
    for (i, c) in path.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    let (self_ty, for_trait) = match as_at {
                        Some(a) => (&path[1..a], Some(&path[a + " as ".len()..i])),
                        None => (&path[1..i], None),
                    };
                    return Some((self_ty, for_trait, &path[i + 1..]));
                }
            }
            ' ' if depth == 1 && as_at.is_none() && path[i..].starts_with(" as ") => {
                as_at = Some(i)
            }
            _ => {}
        }
    }
    None
}

/// The segments of a demangled path without its generic arguments, which may
/// contain `::` themselves: `a::B<c::D>::e` (legacy) and `a::B::<c::D>::e` (v0)
/// are `[a, B, e]`.
fn without_generics(path: &str) -> Vec<&str> {
    let mut outside = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in path.char_indices() {
        match c {
            '<' => {
                if depth == 0 {
                    outside.push(&path[start..i]);
                }
                depth += 1;
            }
            '>' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    if depth == 0 {
        outside.push(&path[start..]);
    }
    outside
        .iter()
        .flat_map(|part| part.split("::"))
        .filter(|segment| !segment.is_empty())
        .collect()
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
                "std::thread::lifecycle::spawn_unchecked",
                // The drop of the closure of ignore's parallel walk's threads.
                "core::ptr::drop_in_place<std::thread::lifecycle::spawn_unchecked>"
            ]
        );
    }

    /// fd 10.5.0 (`lto = true`, `codegen-units = 1`), rustc 1.95: no record of a
    /// spawn function; its 4 threads show in the join and the drops of their
    /// result slots. The drop of the spawn function's closure did not run (the
    /// thread consumed it), and std's other thread types are no sign: counted
    /// here to check that (in fd's profile they were 0).
    const FD: &str = ":ir\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr212drop_in_place$LT$std..thread..lifecycle..spawn_unchecked$LT$fd..walk..WorkerState..receive..$u7b$$u7b$closure$u7d$$u7d$..$u7b$$u7b$closure$u7d$$u7d$$C$fd..exit_codes..ExitCode$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0b7c8adfbd43827aE\n1\n2\n0\n0\n\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr83drop_in_place$LT$std..thread..lifecycle..Packet$LT$fd..exit_codes..ExitCode$GT$$GT$17h26446864961412b1E\n2\n3\n4\n4\n0\n\n\
        fd.4c6604d73093ece-cgu.0;_ZN3std6thread9lifecycle18JoinInner$LT$T$GT$4join17h55f0ed8cee2ebca8E\n3\n2\n4\n0\n\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr55drop_in_place$LT$std..thread..lifecycle..ThreadInit$GT$17h2814e2dec528e0abE\n4\n1\n4\n\n\
        fd.4c6604d73093ece-cgu.0;_ZN4core3ptr60drop_in_place$LT$std..thread..spawnhook..ChildSpawnHooks$GT$17h9a4ae78c84089a3fE\n5\n1\n4\n";

    #[test]
    fn finds_the_threads_of_a_spawn_function_inlined_away() {
        let profile = text::parse(FD).expect("parses");
        assert_eq!(
            thread_spawns(&profile),
            [
                "std::thread::lifecycle::JoinInner::join",
                "core::ptr::drop_in_place<std::thread::lifecycle::Packet>"
            ]
        );
        // Without those two: std's other thread types alone are no sign.
        let mut others = profile.clone();
        others.records.drain(1..3);
        assert!(thread_spawns(&others).is_empty());
    }

    #[test]
    fn impl_paths() {
        assert_eq!(
            impl_parts("<std::thread::lifecycle::Packet<i32> as core::ops::drop::Drop>::drop"),
            Some((
                "std::thread::lifecycle::Packet<i32>",
                Some("core::ops::drop::Drop"),
                "::drop"
            ))
        );
        assert_eq!(
            impl_parts("<std::thread::lifecycle::JoinInner<i32>>::join"),
            Some(("std::thread::lifecycle::JoinInner<i32>", None, "::join"))
        );
        assert_eq!(impl_parts("std::thread::spawn"), None);
    }

    #[test]
    fn paths_without_generics() {
        assert_eq!(
            without_generics("std::thread::lifecycle::JoinInner<T>::join"),
            ["std", "thread", "lifecycle", "JoinInner", "join"]
        );
        assert_eq!(
            without_generics(
                "std::thread::spawn_unchecked::<m::main::{closure#0}, ()>::{closure#0}"
            ),
            ["std", "thread", "spawn_unchecked", "{closure#0}"]
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
    /// thread and a thread from a `Builder` (`-Csymbol-mangling-version=v0`),
    /// and one that joins a thread (`-Cprofile-generate`'s records, 2026-11-27).
    #[test]
    fn v0_symbols() {
        let spawn = |symbol: &str| thread_sign(&demangled_without_hashes(symbol)).is_some();
        assert!(spawn(
            "_RINvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_uncheckedNCNvCskK7mfDs1mzF_1m4main0lEB10_"
        ));
        // The drop of its closure: the thread started.
        assert!(spawn(
            "_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeNCINvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_uncheckedNCNvCskK7mfDs1mzF_1m4main0lEs_0EB1J_"
        ));
        // Joining a thread, and the drop of its result slot (`<Packet<i32> as Drop>::drop`).
        assert!(spawn(
            "_RNvMs1_NtNtCsjrHSEGnQ3l9_3std6thread9lifecycleINtB5_9JoinInnerlE4joinCskK7mfDs1mzF_1m"
        ));
        assert!(spawn(
            "_RNvXs0_NtNtCsjrHSEGnQ3l9_3std6thread9lifecycleINtB5_6PacketlENtNtNtCsgEmfK2I1SDS_4core3ops4drop4Drop4dropCskK7mfDs1mzF_1m"
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
