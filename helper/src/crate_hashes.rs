//! Symbol names with the hashes of Cargo's crate metadata removed, so that a
//! function compiled with other Cargo settings (profile options such as `lto`,
//! features, dependency versions) can be recognised under its new name.
//!
//! Cargo passes `-C metadata=<hash of the unit's settings>` to rustc, which
//! folds it into each crate's StableCrateId. That id reaches symbol names as
//! the legacy mangling's trailing hash (`…17h<16 hex digits>E`) and as the v0
//! mangling's crate-root disambiguators (`C s<base-62>_ <name>`).
//!
//! The key must never make two different functions equal (that would count a
//! function as renamed that is not), so both manglings are parsed, not
//! pattern-matched, and anything not understood gives no key at all: a missed
//! match only understates staleness.

/// `symbol` without the crate hashes in it, or `None` if it has none or is
/// not a complete legacy (`_ZN…E`) or v0 (`_R…`) Rust symbol.
///
/// Legacy: the trailing `h<16 hex>` path component is dropped. It also hashes
/// the generic arguments, which this mangling does not spell out, so all
/// instances of a generic function share a key; callers must treat a key
/// that several symbols have as ambiguous.
///
/// v0: every disambiguator of a crate root (`C`) is dropped and back
/// references are renumbered to the shortened text, so that symbols whose
/// disambiguators differ in length still agree. Other disambiguators (of
/// impls, closures, items in blocks) are kept: they are not crate hashes.
pub fn without_crate_hashes(symbol: &str) -> Option<String> {
    if !symbol.is_ascii() {
        return None; // neither mangling produces other bytes
    }
    if let Some(path) = symbol.strip_prefix("_ZN") {
        legacy(path)
    } else if let Some(rest) = symbol.strip_prefix("_R") {
        V0::new(rest).key()
    } else {
        None
    }
}

/// `rest` is a legacy symbol after `_ZN`: length-prefixed components, `E`.
fn legacy(rest: &str) -> Option<String> {
    let mut components: Vec<&str> = Vec::new();
    let mut at = rest;
    loop {
        if at == "E" {
            break;
        }
        let digits = at.bytes().take_while(u8::is_ascii_digit).count();
        // A length is a positive decimal without leading zeros.
        if digits == 0 || at.starts_with('0') {
            return None;
        }
        let len: usize = at[..digits].parse().ok()?;
        let end = digits.checked_add(len)?;
        components.push(at.get(..end)?);
        at = &at[end..];
    }
    let (hash, path) = components.split_last()?;
    let is_hash = hash.len() == 19
        && hash.starts_with("17h")
        && hash[3..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !is_hash || path.is_empty() {
        return None;
    }
    Some(format!("_ZN{}E", path.concat()))
}

/// Deepest nesting a v0 symbol may have here (rustc-demangle allows 500).
const MAX_DEPTH: u32 = 500;

/// A parser of v0 symbols (<https://doc.rust-lang.org/rustc/symbol-mangling/v0.html>)
/// that copies its input without crate-root disambiguators.
struct V0<'a> {
    input: &'a [u8],
    pos: usize,
    out: String,
    /// Where each path, type or const that started at an input offset
    /// starts in `out` (offsets as back references count them: from after
    /// `_R`). Back references only point backwards, to these starts.
    starts: std::collections::BTreeMap<usize, usize>,
    stripped: bool,
    depth: u32,
}

/// Bail out of the parse: not a symbol this understands.
type Parse = Option<()>;

impl<'a> V0<'a> {
    fn new(rest: &'a str) -> Self {
        Self {
            input: rest.as_bytes(),
            pos: 0,
            out: String::with_capacity(rest.len() + 2),
            starts: std::collections::BTreeMap::new(),
            stripped: false,
            depth: 0,
        }
    }

    fn key(mut self) -> Option<String> {
        // An encoding version (a decimal after `_R`) is not defined yet.
        if self.peek()?.is_ascii_digit() {
            return None;
        }
        self.path()?;
        // The instantiating crate of a shared generic, if any, is a path too.
        if self.pos < self.input.len() {
            self.path()?;
        }
        // A vendor suffix (e.g. `.llvm.123`) or trailing garbage: refuse.
        if self.pos != self.input.len() || !self.stripped {
            return None;
        }
        Some(format!("_R{}", self.out))
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Copy the input from `from` to the current position.
    fn copy_from(&mut self, from: usize) -> Parse {
        let text = std::str::from_utf8(self.input.get(from..self.pos)?).ok()?;
        self.out.push_str(text);
        Some(())
    }

    /// Copy the next byte, which must be `b`.
    fn expect(&mut self, b: u8) -> Parse {
        (self.next()? == b).then(|| self.out.push(char::from(b)))
    }

    fn enter(&mut self) -> Parse {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn mark_start(&mut self) {
        self.starts.insert(self.pos, self.out.len());
    }

    /// `<base-62-number>`: `_` is 0, else digits then `_` give value + 1.
    fn base62(&mut self) -> Option<u64> {
        if self.eat(b'_') {
            return Some(0);
        }
        let mut value: u64 = 0;
        loop {
            let digit = match self.next()? {
                b'_' => return value.checked_add(1),
                b @ b'0'..=b'9' => b - b'0',
                b @ b'a'..=b'z' => 10 + b - b'a',
                b @ b'A'..=b'Z' => 36 + b - b'A',
                _ => return None,
            };
            value = value.checked_mul(62)?.checked_add(u64::from(digit))?;
        }
    }

    /// Copy an optional `s <base-62-number>` disambiguator.
    fn copy_disambiguator(&mut self) -> Parse {
        let from = self.pos;
        if self.eat(b's') {
            self.base62()?;
            self.copy_from(from)?;
        }
        Some(())
    }

    /// `[u] <decimal-number> [_] <bytes>`: copied.
    fn undisambiguated_identifier(&mut self) -> Parse {
        let from = self.pos;
        self.eat(b'u');
        // `<decimal-number>`: "0" ends at once (`00` is two empty names, as
        // in nested closures); other numbers have no leading zero.
        let digits_at = self.pos;
        if !self.eat(b'0') {
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        let digits = &self.input[digits_at..self.pos];
        let len: usize = std::str::from_utf8(digits).ok()?.parse().ok()?;
        self.eat(b'_');
        self.pos = self.pos.checked_add(len)?;
        if self.pos > self.input.len() {
            return None;
        }
        self.copy_from(from)
    }

    fn lifetime(&mut self) -> Parse {
        let from = self.pos;
        if self.next()? != b'L' {
            return None;
        }
        self.base62()?;
        self.copy_from(from)
    }

    fn binder(&mut self) -> Parse {
        let from = self.pos;
        if self.eat(b'G') {
            self.base62()?;
            self.copy_from(from)?;
        }
        Some(())
    }

    /// `B <base-62-number>`, the `B` already read: renumbered.
    fn backref(&mut self) -> Parse {
        // Offsets count from after `_R`; the target starts before the `B`.
        let target = usize::try_from(self.base62()?).ok()?;
        let out_target = *self.starts.get(&target)?;
        self.out.push('B');
        push_base62(&mut self.out, out_target);
        Some(())
    }

    fn path(&mut self) -> Parse {
        self.enter()?;
        self.mark_start();
        let tag = self.next()?;
        match tag {
            b'C' => {
                self.out.push('C');
                if self.eat(b's') {
                    // The crate's hash: dropped.
                    self.base62()?;
                    self.stripped = true;
                }
                self.undisambiguated_identifier()?;
            }
            b'M' => {
                self.out.push('M');
                self.copy_disambiguator()?;
                self.path()?;
                self.type_()?;
            }
            b'X' => {
                self.out.push('X');
                self.copy_disambiguator()?;
                self.path()?;
                self.type_()?;
                self.path()?;
            }
            b'Y' => {
                self.out.push('Y');
                self.type_()?;
                self.path()?;
            }
            b'N' => {
                self.out.push('N');
                let namespace = self.next()?;
                if !namespace.is_ascii_alphabetic() {
                    return None;
                }
                self.out.push(char::from(namespace));
                self.path()?;
                self.copy_disambiguator()?;
                self.undisambiguated_identifier()?;
            }
            b'I' => {
                self.out.push('I');
                self.path()?;
                while !self.eat(b'E') {
                    self.generic_arg()?;
                }
                self.out.push('E');
            }
            b'B' => self.backref()?,
            _ => return None,
        }
        self.leave();
        Some(())
    }

    fn generic_arg(&mut self) -> Parse {
        match self.peek()? {
            b'L' => self.lifetime(),
            b'K' => {
                self.expect(b'K')?;
                self.const_()
            }
            _ => self.type_(),
        }
    }

    fn type_(&mut self) -> Parse {
        self.enter()?;
        self.mark_start();
        let tag = self.peek()?;
        match tag {
            // Basic types: one letter each.
            b'a' | b'b' | b'c' | b'd' | b'e' | b'f' | b'h' | b'i' | b'j' | b'l' | b'm' | b'n'
            | b'o' | b'p' | b's' | b't' | b'u' | b'v' | b'x' | b'y' | b'z' => self.expect(tag)?,
            b'A' => {
                self.expect(b'A')?;
                self.type_()?;
                self.const_()?;
            }
            b'S' | b'P' | b'O' => {
                self.expect(tag)?;
                self.type_()?;
            }
            b'T' => {
                self.expect(b'T')?;
                while !self.eat(b'E') {
                    self.type_()?;
                }
                self.out.push('E');
            }
            b'R' | b'Q' => {
                self.expect(tag)?;
                if self.peek()? == b'L' {
                    self.lifetime()?;
                }
                self.type_()?;
            }
            b'F' => {
                self.expect(b'F')?;
                self.binder()?;
                if self.eat(b'U') {
                    self.out.push('U');
                }
                if self.eat(b'K') {
                    self.out.push('K');
                    if self.eat(b'C') {
                        self.out.push('C');
                    } else {
                        self.undisambiguated_identifier()?;
                    }
                }
                while !self.eat(b'E') {
                    self.type_()?;
                }
                self.out.push('E');
                self.type_()?;
            }
            b'D' => {
                self.expect(b'D')?;
                self.binder()?;
                while !self.eat(b'E') {
                    self.path()?;
                    while self.eat(b'p') {
                        self.out.push('p');
                        self.undisambiguated_identifier()?;
                        self.type_()?;
                    }
                }
                self.out.push('E');
                self.lifetime()?;
            }
            b'B' => {
                self.pos += 1;
                self.backref()?;
            }
            // Anything else that is not a path (e.g. newer pattern types) is
            // refused by `path`.
            _ => self.path()?,
        }
        self.leave();
        Some(())
    }

    fn const_(&mut self) -> Parse {
        self.enter()?;
        self.mark_start();
        let tag = self.next()?;
        match tag {
            b'p' => self.out.push('p'),
            b'B' => self.backref()?,
            // Integers, bool, char and str: the type letter, an optional
            // sign, hex digits, `_`.
            b'h' | b't' | b'm' | b'y' | b'o' | b'j' | b'a' | b's' | b'l' | b'x' | b'n' | b'i'
            | b'b' | b'c' | b'e' => {
                let from = self.pos - 1;
                if tag != b'e' {
                    self.eat(b'n');
                }
                self.hex_digits()?;
                self.copy_from(from)?;
            }
            // References (`Re…` is a &str: the `e` leaf above).
            b'R' | b'Q' => {
                self.out.push(char::from(tag));
                self.const_()?;
            }
            b'A' | b'T' => {
                self.out.push(char::from(tag));
                while !self.eat(b'E') {
                    self.const_()?;
                }
                self.out.push('E');
            }
            b'V' => {
                self.out.push('V');
                self.path()?;
                match self.next()? {
                    b'U' => self.out.push('U'),
                    b'T' => {
                        self.out.push('T');
                        while !self.eat(b'E') {
                            self.const_()?;
                        }
                        self.out.push('E');
                    }
                    b'S' => {
                        self.out.push('S');
                        while !self.eat(b'E') {
                            self.copy_disambiguator()?;
                            self.undisambiguated_identifier()?;
                            self.const_()?;
                        }
                        self.out.push('E');
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
        self.leave();
        Some(())
    }

    /// `{hex digit} _`, not copied (the caller copies the whole leaf).
    fn hex_digits(&mut self) -> Parse {
        loop {
            match self.next()? {
                b'_' => return Some(()),
                b'0'..=b'9' | b'a'..=b'f' => {}
                _ => return None,
            }
        }
    }
}

/// Append `n` as a `<base-62-number>`.
fn push_base62(out: &mut String, n: usize) {
    const DIGITS: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if let Some(mut value) = n.checked_sub(1) {
        let mut digits = Vec::new();
        loop {
            digits.push(DIGITS[value % 62]);
            value /= 62;
            if value == 0 {
                break;
            }
        }
        out.extend(digits.iter().rev().map(|&d| char::from(d)));
    }
    out.push('_');
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

    fn demangled(symbol: &str) -> String {
        // `{:#}` leaves out exactly the crate hashes (legacy `::h…`, v0 `[…]`).
        format!("{:#}", rustc_demangle::demangle(symbol))
    }

    #[test]
    fn legacy_drops_the_hash_component() {
        assert_eq!(
            without_crate_hashes(LEGACY).as_deref(),
            Some("_ZN100_$LT$pulldown_cmark..strings..CowStr$u20$as$u20$core..convert..From$LT$alloc..string..String$GT$$GT$4fromE")
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
    fn v0_keys_are_the_symbols_without_crate_hashes() {
        for symbol in V0_SYMBOLS {
            let key = without_crate_hashes(symbol).unwrap_or_else(|| panic!("no key: {symbol}"));
            assert!(key.len() < symbol.len(), "{symbol}");
            // The key is itself a v0 symbol, its back references renumbered:
            // it demangles to the same path, minus the crate hashes.
            assert_eq!(demangled(&key), demangled(symbol), "{symbol} -> {key}");
        }
        assert_eq!(
            without_crate_hashes(V0_SYMBOLS[0]).as_deref(),
            Some("_RNvXs1m_NtC5alloc6stringNtB6_13FromUtf8ErrorNtNtC4core3fmt5Debug3fmt")
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
        assert_eq!(demangled(&other), demangled(symbol)); // the same function
        assert_ne!(other, symbol);
        assert_eq!(without_crate_hashes(&other), without_crate_hashes(symbol));
        // Not crate hashes: another impl (`Xs1m_`), closure (`s_0`) or const
        // argument is another function.
        for (other, of) in [
            (V0_SYMBOLS[0].replace("Xs1m_", "Xs1n_"), V0_SYMBOLS[0]),
            (
                V0_SYMBOLS[12].replace("3alls_0", "3alls0_0"),
                V0_SYMBOLS[12],
            ),
            (V0_SYMBOLS[2].replace("Kj3_", "Kj4_"), V0_SYMBOLS[2]),
        ] {
            assert_ne!(
                without_crate_hashes(&other),
                without_crate_hashes(of),
                "{other}"
            );
            assert!(without_crate_hashes(&other).is_some(), "{other}");
        }
    }

    #[test]
    fn no_key_without_a_crate_hash_or_for_other_symbols() {
        for symbol in [
            "_ZN4demo3fibE",                                  // no hash component
            "_ZN4demo3fib",                                   // incomplete
            "_ZN4demo3fib17h678f08e812fff1bdE.llvm.42",       // suffix
            "_ZN17h678f08e812fff1bdE",                        // nothing but a hash
            "_ZN4demo3fib17h678f08e812fff1bGE",               // not hex
            "_ZN4demo3fib16h678f08e812fff1bE",                // 15 digits
            "_ZN04demo3fib17h678f08e812fff1bdE",              // leading zero
            "_ZN4demo3fib99h678f08e812fff1bdE",               // length past the end
            "_RNvC4demo3fib",                                 // v0 without disambiguator
            "_RNvCsgEmfK2I1SDS_4core3fib.llvm.1",             // vendor suffix
            "_RNvCsgEmfK2I1SDS_4core3fibX",                   // trailing garbage
            "_RNvCsgEmfK2I1SDS_4core9fib",                    // identifier past the end
            "_R0NvCsgEmfK2I1SDS_4core3fib",                   // encoding version
            "_RNvNtCsgEmfK2I1SDS_4core3fmtB9_",               // back reference into a name
            "_RNvNtCsgEmfK2I1SDS_4core3fmtBZZZZZZZZZZZZZZZ_", // overflowing one
            "main",
            "_ZN4d\u{e9}mo3fib17h678f08e812fff1bdE", // not ASCII
            "",
        ] {
            assert_eq!(without_crate_hashes(symbol), None, "{symbol}");
        }
        // Disambiguator `s_` is a crate hash too (of value 1).
        assert_eq!(
            without_crate_hashes("_RNvCs_4demo3fib").as_deref(),
            Some("_RNvC4demo3fib")
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let nested = |n: usize| format!("_R{}Cs_4demo{}", "Nv".repeat(n), "1f".repeat(n));
        assert!(without_crate_hashes(&nested(100)).is_some());
        assert_eq!(without_crate_hashes(&nested(5000)), None);
    }
}
