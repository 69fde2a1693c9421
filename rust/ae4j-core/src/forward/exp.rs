//! `exp` for the activations, in one algorithm that the portable code and the AVX2 kernel run
//! with the same IEEE operations, so both give the same bits on every x86-64 and elsewhere.
//!
//! Why not libm: the platform's `exp` is a scalar call (about 6 ns here), and the Tanh layers
//! of a wide model need hundreds per row, which made it a third of the batch path's time.
//! Genmodel's own `exp` (HotSpot's `Math.exp` intrinsic) is not libm's either; both are within
//! an ulp of the true value, and so is this one (checked against libm in the tests below).
//!
//! Method: `x = q·ln2 + r` with `q = round(x / ln2)` and `ln2` split in two (Cody–Waite, so
//! `q·LN2_HI` is exact), then `exp(r) = 1 + r + r²·P(r)` with `P` the Taylor series of
//! `(e^r - 1 - r) / r²` to degree 11 (truncation below 1e-17 for `|r| ≤ ln2/2`), where the
//! rounding errors of `r` and of `1 + r` are carried and added back before the last rounding
//! (so results are nearly always the correctly rounded ones), then a scale by
//! `2^q` done as two exact powers of two so that results down into the subnormals stay right.
//! No fused multiply-add anywhere: separate multiplies and adds are the same on every machine.

/// Inputs beyond these give `+inf` and `0` through the ordinary path (after clamping), which
/// also keeps `q` within what the exponent arithmetic handles.
const X_MAX: f64 = 710.0;
const X_MIN: f64 = -746.0;

const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// `ln 2` in two parts: the high one has 32 significant bits, so `q · LN2_HI` is exact for
/// every `|q| < 2^11` (all clamped inputs); the low one is `ln 2 - LN2_HI` rounded to double
/// (from 60 correct digits of `ln 2`; subtracting from `std`'s already-rounded `LN_2` would
/// lose the bits that matter).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `1 / (n + 2)!` for `n = 0..=11`: `P(r) = Σ C[n] r^n`.
pub(crate) const C: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// `P(t)` by Estrin's scheme: a shallow tree of multiplies and adds (Horner's chain of eleven
/// dependent steps made this function latency-bound). The AVX2 code mirrors it exactly.
#[inline(always)]
fn poly(t: f64) -> f64 {
    let (t2, a) = (t * t, |i: usize| C[i] + C[i + 1] * t);
    let t4 = t2 * t2;
    let (b0, b1, b2) = (a(0) + a(2) * t2, a(4) + a(6) * t2, a(8) + a(10) * t2);
    (b0 + b1 * t4) + b2 * (t4 * t4)
}

/// `2^k` for `-1022 <= k <= 1023`, built from its exponent bits.
#[inline(always)]
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `e^x`, within an ulp of the true value; `exp(NaN)` is NaN, `exp(±inf)` is `+inf` / `0`.
#[inline]
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let x = x.clamp(X_MIN, X_MAX);
    let q = (x * INV_LN2).round_ties_even();
    // r = x - q·ln2 as t + c: t rounded, c the part of it that rounding dropped.
    let r_hi = x - q * LN2_HI;
    let r_lo = q * LN2_LO;
    let t = r_hi - r_lo;
    let c = (r_hi - t) - r_lo;
    let p = poly(t);
    // 1 + t with its rounding error (exact: |t| < 1), so the small terms are added only once.
    let s = 1.0 + t;
    let err = (1.0 - s) + t;
    let e = s + ((err + c) + (t * t) * p);
    // 2^q as 2^h · 2^(q-h): each factor is a normal power of two for every clamped x.
    let q = q as i64;
    let h = q >> 1;
    e * pow2(h) * pow2(q - h)
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    use super::*;
    use std::arch::x86_64::*;

    /// [`super::exp`] on four lanes, operation for operation.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub unsafe fn exp4(x: __m256d) -> __m256d {
        let nan = _mm256_cmp_pd::<_CMP_UNORD_Q>(x, x);
        let xc = _mm256_min_pd(
            _mm256_max_pd(x, _mm256_set1_pd(X_MIN)),
            _mm256_set1_pd(X_MAX),
        );
        let q = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_pd(xc, _mm256_set1_pd(INV_LN2)),
        );
        let r_hi = _mm256_sub_pd(xc, _mm256_mul_pd(q, _mm256_set1_pd(LN2_HI)));
        let r_lo = _mm256_mul_pd(q, _mm256_set1_pd(LN2_LO));
        let t = _mm256_sub_pd(r_hi, r_lo);
        let c = _mm256_sub_pd(_mm256_sub_pd(r_hi, t), r_lo);
        let p = poly4(t);
        let one = _mm256_set1_pd(1.0);
        let s = _mm256_add_pd(one, t);
        let err = _mm256_add_pd(_mm256_sub_pd(one, s), t);
        let small = _mm256_add_pd(_mm256_add_pd(err, c), _mm256_mul_pd(_mm256_mul_pd(t, t), p));
        let e = _mm256_add_pd(s, small);
        let qi = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(q));
        let hi = _mm256_srai_epi32::<1>(qi);
        // srai on 32-bit lanes: the upper halves of negative q are all ones, shifting them keeps
        // them all ones, and the lower half is q >> 1 (arithmetic), so the i64 lane is q >> 1.
        let lo = _mm256_sub_epi64(qi, hi);
        let y = _mm256_mul_pd(_mm256_mul_pd(e, pow2(hi)), pow2(lo));
        _mm256_blendv_pd(y, x, nan)
    }

    /// [`super::poly`], the same tree.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn poly4(t: __m256d) -> __m256d {
        let t2 = _mm256_mul_pd(t, t);
        let t4 = _mm256_mul_pd(t2, t2);
        let b0 = _mm256_add_pd(pair(0, t), _mm256_mul_pd(pair(2, t), t2));
        let b1 = _mm256_add_pd(pair(4, t), _mm256_mul_pd(pair(6, t), t2));
        let b2 = _mm256_add_pd(pair(8, t), _mm256_mul_pd(pair(10, t), t2));
        _mm256_add_pd(
            _mm256_add_pd(b0, _mm256_mul_pd(b1, t4)),
            _mm256_mul_pd(b2, _mm256_mul_pd(t4, t4)),
        )
    }

    /// `C[i] + C[i + 1]·t`.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn pair(i: usize, t: __m256d) -> __m256d {
        _mm256_add_pd(
            _mm256_set1_pd(C[i]),
            _mm256_mul_pd(_mm256_set1_pd(C[i + 1]), t),
        )
    }

    /// `2^k` per lane (a plain fn, not a closure: closures do not inherit `target_feature`).
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn pow2(k: __m256i) -> __m256d {
        let biased = _mm256_add_epi64(k, _mm256_set1_epi64x(1023));
        _mm256_castsi256_pd(_mm256_slli_epi64::<52>(biased))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    /// Deterministic inputs spread over the whole domain, dense where the activations live.
    fn inputs() -> Vec<f64> {
        let mut s = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut v: Vec<f64> = (0..400_000).map(|_| next() * 80.0 - 40.0).collect();
        v.extend((0..200_000).map(|_| next() * 1_460.0 - 748.0));
        v.extend((0..100_000).map(|_| (next() - 0.5) * 1e-6));
        v.extend([
            0.0,
            -0.0,
            1.0,
            -1.0,
            709.78,
            709.782712893384,
            709.79,
            -708.4,
            -708.5,
            -740.0,
            -745.13,
            -745.14,
            1e-300,
            -1e-300,
            5e-324,
            1e300,
            -1e300,
        ]);
        v
    }

    #[test]
    fn within_one_ulp_of_libm() {
        let (mut worst, mut differ) = (0, 0);
        let xs = inputs();
        for &x in &xs {
            let (ours, libm) = (exp(x), x.exp());
            let d = ulps(ours, libm);
            // Subnormal results have fewer bits; compare them absolutely.
            if libm < f64::MIN_POSITIVE {
                assert!(
                    (ours - libm).abs() <= 5e-324,
                    "exp({x:e}) = {ours:e}, libm {libm:e}"
                );
                continue;
            }
            assert!(d <= 1, "exp({x:e}) = {ours:e}, libm {libm:e}: {d} ulps");
            worst = worst.max(d);
            differ += usize::from(d != 0);
        }
        // The two agree on the great majority of inputs.
        eprintln!("{differ} of {} differ by one ulp", xs.len());
        assert!(differ * 40 < xs.len(), "{differ} of {} differ", xs.len());
        assert!(worst <= 1);
    }

    #[test]
    fn special_values() {
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(710.0), f64::INFINITY);
        assert_eq!(exp(-746.0), 0.0);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert_eq!(exp(1e-300), 1.0);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_gives_the_scalar_bits() {
        if !is_x86_feature_detected!("avx2") {
            return;
        }
        let mut xs = inputs();
        xs.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -f64::NAN]);
        while !xs.len().is_multiple_of(4) {
            xs.push(0.5);
        }
        for chunk in xs.chunks_exact(4) {
            let mut got = [0.0f64; 4];
            // SAFETY: AVX2 was detected above; the arrays hold four lanes.
            unsafe {
                use std::arch::x86_64::*;
                let v = avx2::exp4(_mm256_loadu_pd(chunk.as_ptr()));
                _mm256_storeu_pd(got.as_mut_ptr(), v);
            }
            for (g, &x) in got.iter().zip(chunk) {
                let want = exp(x);
                assert!(
                    g.to_bits() == want.to_bits() || (g.is_nan() && want.is_nan()),
                    "exp({x:e}): avx2 {g:e}, scalar {want:e}"
                );
            }
        }
    }
}
