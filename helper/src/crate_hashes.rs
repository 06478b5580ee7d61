//! Symbol names with the hashes of Cargo's crate metadata removed, so that a
//! function compiled with other Cargo settings (profile options such as `lto`,
//! features, dependency versions) can be recognised under its new name.
//!
//! Cargo passes `-C metadata=<hash of the unit's settings>` to rustc, which
//! folds it into each crate's StableCrateId. That id reaches symbol names as
//! the legacy mangling's trailing hash (`…17h<16 hex digits>E`) and as the v0
//! mangling's crate-root disambiguators (`C s<base-62>_ <name>`). rustc-demangle
//! leaves exactly those out in its alternate form (`{:#}`), so the key is that
//! form: parsed by the demangler rustc's own tools use, never pattern-matched,
//! so that it cannot make two different functions equal.

/// The function `symbol` names, demangled without its crate hashes
/// (rustc-demangle's `{:#}`); any other symbol as it is. As callgrind prints
/// Rust functions.
pub fn demangled_without_hashes(symbol: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(symbol))
}

/// `symbol` without the crate hashes in it (its demangled form without
/// them), or `None` if it is not a Rust symbol (legacy `_ZN…E` or v0 `_R…`).
///
/// Legacy: the trailing hash also covers the generic arguments, which this
/// mangling does not spell out, so all instances of a generic function share
/// a key; v0 prints the self type of an impl, not the impl's path. Callers
/// must treat a key that several symbols have as ambiguous.
pub fn without_crate_hashes(symbol: &str) -> Option<String> {
    rustc_demangle::try_demangle(symbol)
        .ok()
        .map(|demangled| format!("{demangled:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From a pulldown-cmark build log (rustc 1.95, LLVM 22).
    const LEGACY: &str = "_ZN100_$LT$pulldown_cmark..strings..CowStr$u20$as$u20$core..convert..From$LT$alloc..string..String$GT$$GT$4from17hc3efeaadb3ac7ea3E";

    /// v0 symbols rustc 1.95 gave a small crate (`-Csymbol-mangling-version=v0`)
    /// and std:
    /// generics, const generics, tuples, slices, raw pointers, references,
    /// fn pointers, dyn with a binder and an associated type, closures,
    /// shims, instantiating crates and back references.
    const V0_SYMBOLS: &[&str] = &[
        "_RNvXs1m_NtCslNYArtu3iFV_5alloc6stringNtB6_13FromUtf8ErrorNtNtCsgEmfK2I1SDS_4core3fmt5Debug3fmt",
        "_RINvCsauMP1AnkCw5_4demo3genTycReEKb0_EB2_",
        "_RNvMCsauMP1AnkCw5_4demoINtB2_1WKj3_E3lenB2_",
        "_RINvMs2_NtCsgEmfK2I1SDS_4core3fmtNtB6_9Arguments3newKj3_Kj2_ECsauMP1AnkCw5_4demo",
        "_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeINtNtCslNYArtu3iFV_5alloc3vec3VecINtNtB4_6option6OptionNtNtBL_6string6StringEEECsauMP1AnkCw5_4demo",
        "_RINvXs_NvMNtCslNYArtu3iFV_5alloc5sliceSp9to_vec_inhNtB5_10ConvertVec6to_vecNtNtBa_5alloc6GlobalECsauMP1AnkCw5_4demo",
        "_RNSNvYNCNvCsauMP1AnkCw5_4demo3all0INtNtNtCsgEmfK2I1SDS_4core3ops8function6FnOnceTReEE9call_once6vtableB8_",
        "_RNvMNtNtCsgEmfK2I1SDS_4core3ptr9const_ptrPu13is_aligned_toCsauMP1AnkCw5_4demo",
        "_RNvXNtNtNtCsgEmfK2I1SDS_4core3ops8function5implsRDG_INtB4_2FnTRL0_eEEp6OutputbEL_IBP_TReEE4callCsauMP1AnkCw5_4demo",
        "_RNvXs1_CsauMP1AnkCw5_4demoFhEtNtB5_1T2go",
        "_RNvXs2_CsauMP1AnkCw5_4demoSINtNtCsgEmfK2I1SDS_4core6option6OptionNtNtCslNYArtu3iFV_5alloc6string6StringENtB5_1T2go",
        "_RNvXsc_NtCslNYArtu3iFV_5alloc3vecINtB5_3VecINtNtCsgEmfK2I1SDS_4core6option6OptionNtNtB7_6string6StringEEINtNtNtBK_3ops5index5IndexNtNtB1J_5range9RangeFullE5indexCsauMP1AnkCw5_4demo",
        "_RNvYNCNvCsauMP1AnkCw5_4demo3alls_0INtNtNtCsgEmfK2I1SDS_4core3ops8function6FnOnceThEE9call_onceB6_",
        // A closure in a closure: two empty names, `00`.
        "_RNCNCNvNtNtCsjrHSEGnQ3l9_3std3sys2fs7symlink00B9_",
    ];

    /// Whether demangled text has a `[<hex>]` crate hash (not a slice `[_]`).
    fn has_crate_hash(text: &str) -> bool {
        text.split('[').skip(1).any(|after| {
            after
                .split_once(']')
                .is_some_and(|(h, _)| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
        })
    }

    #[test]
    fn legacy_drops_the_hash_component() {
        assert_eq!(
            without_crate_hashes(LEGACY).as_deref(),
            Some("<pulldown_cmark::strings::CowStr as core::convert::From<alloc::string::String>>::from")
        );
        let other_build = LEGACY.replace("17hc3efeaadb3ac7ea3E", "17h3e073675ee234e17E");
        assert_eq!(
            without_crate_hashes(&other_build),
            without_crate_hashes(LEGACY)
        );
        // Another function keeps another key.
        assert_ne!(
            without_crate_hashes("_ZN4demo3fib17h678f08e812fff1bdE"),
            without_crate_hashes("_ZN4demo3fob17h678f08e812fff1bdE")
        );
    }

    #[test]
    fn v0_keys_are_the_paths_without_crate_hashes() {
        for symbol in V0_SYMBOLS {
            let key = without_crate_hashes(symbol).unwrap_or_else(|| panic!("no key: {symbol}"));
            // The full form prints each crate hash as `crate[<hex>]`; the key has none.
            assert!(!has_crate_hash(&key), "{symbol} -> {key}");
        }
        assert_eq!(
            without_crate_hashes(V0_SYMBOLS[0]).as_deref(),
            Some("<alloc::string::FromUtf8Error as core::fmt::Debug>::fmt")
        );
    }

    #[test]
    fn v0_symbols_with_other_crate_hashes_share_the_key() {
        // alloc's hash 10 characters shorter: the back references past it
        // (BK_, B1J_) point 10 bytes further back.
        let symbol = V0_SYMBOLS[11];
        let other = symbol
            .replace("CslNYArtu3iFV_", "Cs1_")
            .replace("BK_", "BA_")
            .replace("B1J_", "B1z_")
            .replace("CsauMP1AnkCw5_", "CsauMP1AnkCw6_");
        assert_ne!(other, symbol);
        assert_eq!(without_crate_hashes(&other), without_crate_hashes(symbol));
        // Not crate hashes: another closure or const argument is another function.
        for (other, of) in [
            (
                V0_SYMBOLS[12].replace("3alls_0", "3alls0_0"),
                V0_SYMBOLS[12],
            ),
            (V0_SYMBOLS[2].replace("Kj3_", "Kj4_"), V0_SYMBOLS[2]),
        ] {
            assert!(without_crate_hashes(&other).is_some(), "{other}");
            assert_ne!(
                without_crate_hashes(&other),
                without_crate_hashes(of),
                "{other}"
            );
        }
    }

    #[test]
    fn no_key_for_other_symbols() {
        for symbol in ["_ZN4demo3fib", "_RNvCsgEmfK2I1SDS_4core9fib", "main", ""] {
            assert_eq!(without_crate_hashes(symbol), None, "{symbol}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let nested = |n: usize| format!("_R{}Cs_4demo{}", "Nv".repeat(n), "1f".repeat(n));
        assert!(without_crate_hashes(&nested(10)).is_some());
        // rustc-demangle stops at its recursion limit instead of overflowing the stack.
        let _ = without_crate_hashes(&nested(5000));
    }
}
