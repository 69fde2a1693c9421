//! `javanum::parse_java_double` against an independent oracle of Java's `Double.parseDouble`
//! (the grammar of its javadoc, written out here as a separate matcher; decimals valued by Rust's
//! correctly rounded `f64::from_str`, hex floats by exact big-integer rounding written here), bit
//! for bit, errors included.
#![no_main]

use ae4j_core::javanum::parse_java_double;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let got = parse_java_double(text);
    let want = oracle(text);
    match (&got, &want) {
        (Ok(a), Some(b)) => assert!(
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            "{text:?}: ae4j {a:e} ({:#x}), Java {b:e} ({:#x})",
            a.to_bits(),
            b.to_bits()
        ),
        (Err(msg), None) => {
            let t = text.trim_matches(|c: char| c <= ' ');
            if t.is_empty() {
                assert_eq!(msg, "empty String");
            } else {
                assert_eq!(msg, &format!("For input string: \"{t}\""));
            }
        }
        _ => panic!("{text:?}: ae4j {got:?}, Java {want:?}"),
    }
});

/// `Double.parseDouble(text)`, or `None` for a NumberFormatException.
fn oracle(text: &str) -> Option<f64> {
    let t = text.trim_matches(|c: char| c <= ' ');
    let (neg, body) = if let Some(r) = t.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = t.strip_prefix('+') {
        (false, r)
    } else {
        (false, t)
    };
    let v = match body {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        _ => {
            let core = match body.as_bytes().last()? {
                b'f' | b'F' | b'd' | b'D' => &body[..body.len() - 1],
                _ => body,
            };
            if core.len() > 1 && (core.starts_with("0x") || core.starts_with("0X")) {
                hex(&core[2..])?
            } else {
                decimal(core)?
            }
        }
    };
    Some(if neg { -v } else { v })
}

fn all_digits(s: &str, radix: u32) -> bool {
    s.chars().all(|c| c.is_digit(radix)) && s.is_ascii()
}

/// Digits . Digits? Exp? | . Digits Exp? | Digits Exp?   (Exp: [eE] [+-]? Digits)
fn decimal(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if let Some(e) = exp {
        let d = e.strip_prefix(['+', '-']).unwrap_or(e);
        if d.is_empty() || !all_digits(d, 10) {
            return None;
        }
    }
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.len() + frac.len() == 0 || !all_digits(int, 10) || !all_digits(frac, 10) {
        return None;
    }
    // The grammar is Java's; the value is the correctly rounded nearest double, which both Java
    // and Rust compute.
    s.parse::<f64>().ok()
}

/// HexDigits .? | HexDigits? . HexDigits, then [pP] [+-]? Digits (required).
fn hex(s: &str) -> Option<f64> {
    let p = s.find(['p', 'P'])?;
    let (sig, exp) = (&s[..p], &s[p + 1..]);
    let (eneg, edigits) = match exp.as_bytes().first()? {
        b'-' => (true, &exp[1..]),
        b'+' => (false, &exp[1..]),
        _ => (false, exp),
    };
    if edigits.is_empty() || !all_digits(edigits, 10) {
        return None;
    }
    let (int, frac) = sig.split_once('.').unwrap_or((sig, ""));
    if int.len() + frac.len() == 0 || !all_digits(int, 16) || !all_digits(frac, 16) {
        return None;
    }
    // Exponents beyond 10^30 saturate; the digit count is far below that.
    let e: i128 = if edigits.trim_start_matches('0').len() > 30 {
        10i128.pow(30)
    } else {
        edigits.parse().unwrap()
    };
    let e = if eneg { -e } else { e };
    // value = N * 2^(e - 4 * frac.len()), N the integer of all hex digits.
    let bits: Vec<bool> = int
        .chars()
        .chain(frac.chars())
        .flat_map(|c| {
            let d = c.to_digit(16).unwrap();
            (0..4).rev().map(move |b| d >> b & 1 == 1)
        })
        .skip_while(|b| !b)
        .collect();
    if bits.is_empty() {
        return Some(0.0);
    }
    let lead: i128 = bits.len() as i128 - 1 + e - 4 * frac.len() as i128; // value in [2^lead, 2^(lead+1))
    if lead > 1023 {
        return Some(f64::INFINITY);
    }
    let precision: i128 = if lead >= -1022 { 53 } else { 53 - (-1022 - lead) };
    if precision < 0 {
        return Some(0.0);
    }
    let p = precision as usize;
    let mut kept: u64 = 0;
    for i in 0..p {
        kept = kept << 1 | u64::from(bits.get(i).copied().unwrap_or(false));
    }
    let round = bits.get(p).copied().unwrap_or(false);
    let sticky = bits.iter().skip(p + 1).any(|&b| b);
    if round && (sticky || kept & 1 == 1) {
        kept += 1;
    }
    // value = kept * 2^(lead - p + 1)
    let mut scale = lead - precision + 1;
    if lead < -1022 {
        // Subnormal: scale is -1074, the bits are kept (a carry makes the smallest normal).
        debug_assert_eq!(scale, -1074);
        return Some(f64::from_bits(kept));
    }
    if kept == 1 << 53 {
        kept >>= 1;
        scale += 1;
    }
    let biased = scale + 52 + 1023;
    if biased >= 2047 {
        return Some(f64::INFINITY);
    }
    Some(f64::from_bits((biased as u64) << 52 | (kept & ((1 << 52) - 1))))
}
