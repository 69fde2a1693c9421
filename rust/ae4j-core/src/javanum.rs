//! `java.lang.Double.parseDouble`, reproduced: genmodel parses numeric cells with it, so the same
//! text must give the same double (or the same `NumberFormatException` message) here.
//!
//! Grammar (after Java's `trim()`, which strips every char <= U+0020): optional sign, then
//! `NaN`, `Infinity`, a decimal with optional exponent, or a hex float `0x1.8p1`; decimals and
//! hex floats may end in one of `fFdD`. Rust's `f64::from_str` differs (it takes `inf`, `nan`
//! and rejects hex and suffixes), so the grammar is checked here and only a normalized decimal
//! is handed to Rust's correctly rounded parser.

/// Parses like Java's `Double.parseDouble`. The error is Java's `NumberFormatException` message.
pub fn parse_java_double(text: &str) -> Result<f64, String> {
    let s = java_trim(text);
    if s.is_empty() {
        return Err("empty String".to_string());
    }
    parse_trimmed(s).ok_or_else(|| format!("For input string: \"{s}\""))
}

/// Java's `String.trim()`: strips leading and trailing chars <= U+0020.
pub fn java_trim(s: &str) -> &str {
    // On bytes: every char <= U+0020 is one byte in UTF-8 and no byte of a longer char is
    // that small, so the cut is always on a char boundary.
    let b = s.as_bytes();
    let start = b.iter().position(|&c| c > b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c > b' ').map_or(start, |i| i + 1);
    &s[start..end]
}

fn parse_trimmed(s: &str) -> Option<f64> {
    let (negative, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = if body == "NaN" {
        f64::NAN
    } else if body == "Infinity" {
        f64::INFINITY
    } else if body.starts_with("0x") || body.starts_with("0X") {
        parse_hex(strip_suffix(&body[2..]))?
    } else {
        parse_decimal(strip_suffix(body))?
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn strip_suffix(s: &str) -> &str {
    match s.as_bytes().last() {
        Some(b'f' | b'F' | b'd' | b'D') => &s[..s.len() - 1],
        _ => s,
    }
}

/// `digits [. digits] [(e|E) [+-] digits]` with at least one mantissa digit.
fn parse_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    // The digits as an integer `m` (leading zeros skipped) while it has at most 18 of them.
    let (mut m, mut significant, mut frac_digits) = (0u64, 0usize, 0i64);
    let mut digit = |d: u8, m: &mut u64| {
        if *m != 0 || d != b'0' {
            significant += 1;
            *m = m.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        }
    };
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        digit(b[i], &mut m);
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            digit(b[i], &mut m);
            i += 1;
        }
        frac_digits = (i - frac_start) as i64;
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    let mut exponent: Option<i64> = Some(0);
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let negative = i < b.len() && b[i] == b'-';
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        let mut e: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            e = e.saturating_mul(10).saturating_add(i64::from(b[i] - b'0'));
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        exponent = (e < 100_000).then_some(if negative { -e } else { e });
    }
    if i != b.len() {
        return None;
    }
    // Clinger's fast path: `m` and `10^|k|` are exact doubles, and one correctly rounded
    // multiplication or division gives the correctly rounded value, as Java's parser does.
    if let Some(e) = exponent {
        let k = e - frac_digits;
        if significant <= 18 && m <= 1 << 53 && (-22..=22).contains(&k) {
            let p = POWERS_OF_TEN[k.unsigned_abs() as usize];
            return Some(if k < 0 { m as f64 / p } else { m as f64 * p });
        }
    }
    // Otherwise the text is a plain decimal that Rust's correctly rounded parser reads exactly
    // as Java does ("1." and ".5" included).
    s.parse::<f64>().ok()
}

/// `10^0 ..= 10^22`, every one an exact double.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `hexdigits [. hexdigits] (p|P) [+-] digits`, at least one hex digit, rounded to nearest even.
fn parse_hex(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mantissa: u64 = 0; // the first 16 significant hex digits
    let mut sticky = false; // any non-zero digit dropped beyond those
    let mut significant = 0u32;
    let mut exp_adjust: i64 = 0; // binary exponent contributed by digit positions
    let mut any_digit = false;
    let mut seen_point = false;
    while i < b.len() {
        let c = b[i];
        if c == b'.' && !seen_point {
            seen_point = true;
            i += 1;
            continue;
        }
        let Some(d) = (c as char).to_digit(16) else {
            break;
        };
        any_digit = true;
        if significant < 16 {
            if significant > 0 || d != 0 {
                mantissa = (mantissa << 4) | d as u64;
                significant += 1;
            }
            if seen_point {
                exp_adjust -= 4;
            }
        } else {
            sticky |= d != 0;
            if !seen_point {
                exp_adjust += 4;
            }
        }
        i += 1;
    }
    if !any_digit || i >= b.len() || (b[i] != b'p' && b[i] != b'P') {
        return None;
    }
    let exp_text = &s[i + 1..];
    let exp_digits = exp_text.strip_prefix(['+', '-']).unwrap_or(exp_text);
    if exp_digits.is_empty() || !exp_digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Saturate huge exponents far beyond what the digits' own shift (4 bits a digit, at most
    // 2^34 for a 4 GB text) can bring back into range; the sum cannot overflow.
    let exp_value: i64 = exp_digits.parse::<i64>().unwrap_or(i64::MAX).min(1 << 60);
    let exponent = if exp_text.starts_with('-') {
        -exp_value
    } else {
        exp_value
    };
    Some(compose(mantissa, sticky, exponent + exp_adjust))
}

/// The f64 nearest to `mantissa * 2^exp2` (plus a sticky fraction), ties to even.
fn compose(mantissa: u64, sticky: bool, exp2: i64) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    let lz = mantissa.leading_zeros() as i64;
    let m = mantissa << lz; // top bit set: value = m * 2^(exp2 - lz)
    let e = exp2 - lz + 63; // value = 1.xxx * 2^e
    if e > 1023 {
        return f64::INFINITY;
    }
    // Bits kept: 53 for normals, fewer for subnormals.
    let keep: i64 = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    if keep <= 0 {
        // Below half the smallest subnormal, or exactly at it / above it by a sticky amount.
        if keep == 0 && (m > 1 << 63 || (m == 1 << 63 && sticky)) {
            return f64::from_bits(1);
        }
        return 0.0;
    }
    let drop = 64 - keep as u32;
    let mut kept = m >> drop;
    let rest = m & ((1u64 << drop) - 1);
    let half = 1u64 << (drop - 1);
    if rest > half || (rest == half && (sticky || kept & 1 == 1)) {
        kept += 1;
    }
    if e < -1022 {
        // Subnormal: the bits are the kept value itself; a carry lands on the smallest normal,
        // which the same bits express.
        return f64::from_bits(kept);
    }
    let mut e = e;
    if kept >> 53 == 1 {
        kept >>= 1;
        e += 1;
        if e > 1023 {
            return f64::INFINITY;
        }
    }
    f64::from_bits((((e + 1023) as u64) << 52) | (kept & ((1u64 << 52) - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> f64 {
        parse_java_double(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn decimals_like_java() {
        assert_eq!(ok(" 1.5 "), 1.5);
        assert_eq!(ok("1e3"), 1000.0);
        assert_eq!(ok("-2.5E-1"), -0.25);
        assert_eq!(ok("+3"), 3.0);
        assert_eq!(ok("1.5d"), 1.5);
        assert_eq!(ok("1.1f"), 1.1);
        assert_eq!(ok("1."), 1.0);
        assert_eq!(ok(".5"), 0.5);
        assert_eq!(ok("\t7\n"), 7.0);
        assert_eq!(ok("\u{0}\u{1f} 8\u{20}\u{0}"), 8.0);
        assert_eq!(java_trim(" \u{a0}é\u{2003} "), "\u{a0}é\u{2003}"); // Java trims no non-ASCII space
        assert_eq!(ok("1e400"), f64::INFINITY);
        assert_eq!(ok("1e-400"), 0.0);
        assert!(ok("NaN").is_nan());
        assert!(ok("-NaN").is_nan());
        assert_eq!(ok("-Infinity"), f64::NEG_INFINITY);
        assert_eq!(ok("4.9E-324"), f64::from_bits(1));
    }

    #[test]
    fn fast_path_gives_the_correctly_rounded_bits() {
        // Random decimals around the fast path's limits (digit counts, exponents) against Rust's
        // correctly rounded parser (Java's parser is correctly rounded too).
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..200_000 {
            let mut t = String::new();
            for _ in 0..next(12) {
                t.push((b'0' + next(10) as u8) as char);
            }
            let frac = next(14);
            if frac > 0 || next(8) == 0 {
                t.push('.');
            }
            for _ in 0..frac {
                t.push((b'0' + next(10) as u8) as char);
            }
            if next(3) == 0 {
                t.push(if next(2) == 0 { 'e' } else { 'E' });
                t.push_str(["", "-", "+"][next(3) as usize]);
                t.push_str(&next(40).to_string());
            }
            let want = t.parse::<f64>().ok();
            let got = parse_decimal(&t);
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{t}");
        }
        for t in [
            "9007199254740992",
            "9007199254740993",
            "123456789012345678",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "0.000000000000000000001",
            "000000000000000000000001.5",
            "1e99999",
            "1e-99999",
            "0e99999",
            "1e0000000000000000000000000001",
        ] {
            let want = t.parse::<f64>().unwrap();
            assert_eq!(ok(t).to_bits(), want.to_bits(), "{t}");
        }
    }

    #[test]
    fn rejects_what_java_rejects() {
        for s in [
            "abc",
            "inf",
            "nan",
            "infinity",
            "1,5",
            "1e",
            "e5",
            ".",
            "1.5ff",
            "--1",
            "0x1.8",
            "Infinityd",
            "1_000",
        ] {
            assert_eq!(
                parse_java_double(s),
                Err(format!("For input string: \"{s}\"")),
                "{s}"
            );
        }
        assert_eq!(parse_java_double("   "), Err("empty String".into()));
        assert_eq!(parse_java_double(""), Err("empty String".into()));
    }

    #[test]
    fn hex_floats() {
        assert_eq!(ok("0x1.8p1"), 3.0);
        assert_eq!(ok("-0X1P-2"), -0.25);
        assert_eq!(ok("0x.8p0"), 0.5);
        assert_eq!(ok("0x1.fffffffffffffp1023"), f64::MAX);
        assert_eq!(ok("0x1p1024"), f64::INFINITY);
        assert_eq!(ok("0x0.0000000000001p-1022"), f64::from_bits(1));
        assert_eq!(ok("0x1p-1074"), f64::from_bits(1));
        assert_eq!(ok("0x1p-1075"), 0.0); // a tie rounds to even (zero)
        assert_eq!(ok("0x1.0000000000001p-1075"), f64::from_bits(1));
        assert_eq!(ok("0x1.00000000000008p0"), 1.0); // tie, even stays
        assert_eq!(ok("0x1.00000000000018p0"), 1.0 + 2f64.powi(-51)); // tie, odd rounds up
        assert_eq!(ok("0x1.000000000000080001p0"), 1.0 + f64::EPSILON); // above the tie
        assert_eq!(ok("0x1.999999999999ap-4d"), 0.1);
        assert_eq!(ok("0x000000000000000001p0"), 1.0);
        assert_eq!(ok("0x1.fffffffffffff8p0"), 2.0);
    }

    #[test]
    fn round_trips_rust_hex_of_random_values() {
        // Every f64 written as Java's Double.toHexString-style text parses back exactly.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            if !v.is_finite() || v == 0.0 {
                continue;
            }
            let bits = v.to_bits();
            let exp = ((bits >> 52) & 0x7ff) as i64;
            let frac = bits & ((1 << 52) - 1);
            let text = if exp == 0 {
                format!("0x0.{frac:013x}p-1022")
            } else {
                format!("0x1.{frac:013x}p{}", exp - 1023)
            };
            let text = if v < 0.0 { format!("-{text}") } else { text };
            assert_eq!(ok(&text).to_bits(), bits, "{text}");
        }
    }
}
