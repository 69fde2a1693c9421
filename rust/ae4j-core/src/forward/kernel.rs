//! SIMD kernels for the dense layers, in genmodel's exact arithmetic order (see [`super::dot8`]).
//!
//! Every output neuron is summed as `dot8` sums it: 8 interleaved partial sums `p[c % 8]` over
//! the complete blocks of 8 columns (each product `(f64) w_f32 * x`, separate multiply and add,
//! never a fused multiply-add), folded `((p0+p1)+p2)+p3`, then `+ ((p4+p5)+p6)+p7` onto `0.0`,
//! then the tail columns one by one, then the bias. The partial sums are independent, so SIMD
//! lanes can hold different ones without changing a bit:
//!
//! - [`gemv`] (one row): lanes over columns, `p0..p3` and `p4..p7` of one neuron in two AVX
//!   registers, four neurons at a time so eight addition chains are in flight.
//! - [`block`] (a block of [`RB`] rows): activations stored transposed (`x[c * RB + r]`), lanes
//!   over rows; the kernel sums partial sum `k` of 3 neurons x 12 rows for all its columns
//!   (`c = 8b + k`), then the next `k`, so only 9 accumulators are live: a register-blocked,
//!   GEMM-like micro-kernel reading each weight once per block of rows.
//!
//! Runtime dispatch: AVX2 when the CPU has it (no `target-cpu` flag needed), else the portable
//! code; `AE4J_PORTABLE=1` in the environment forces the portable code. Both give the same bits.

use std::sync::OnceLock;

/// Rows in a block of the batch path (3 AVX registers of 4 rows).
pub const RB: usize = 12;

/// Which implementation the forward pass uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl Kernel {
    /// The best kernel for this CPU, chosen once (`AE4J_PORTABLE=1` forces the portable one).
    pub fn detect() -> Kernel {
        static CHOSEN: OnceLock<Kernel> = OnceLock::new();
        *CHOSEN.get_or_init(|| {
            if std::env::var_os("AE4J_PORTABLE").is_some_and(|v| !v.is_empty() && v != "0") {
                return Kernel::Portable;
            }
            #[cfg(target_arch = "x86_64")]
            if is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
            Kernel::Portable
        })
    }

    /// Every kernel this CPU can run (for tests and benchmarks).
    pub fn available() -> Vec<Kernel> {
        #[allow(unused_mut)]
        let mut v = vec![Kernel::Portable];
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") {
            v.push(Kernel::Avx2);
        }
        v
    }
}

/// `y[j] = dot8(w[j], x) + bias[j]` for every output `j` (`w` row-major, `cols = x.len()`).
pub fn gemv(kernel: Kernel, w: &[f32], bias: &[f64], x: &[f64], y: &mut [f64]) {
    let cols = x.len();
    assert!(w.len() >= cols * y.len() && bias.len() >= y.len());
    match kernel {
        Kernel::Portable => {
            for ((yr, wr), b) in y.iter_mut().zip(w.chunks_exact(cols.max(1))).zip(bias) {
                *yr = super::dot8(&wr[..cols], x) + b;
            }
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 was detected at run time; the bounds are asserted above.
        Kernel::Avx2 => unsafe { avx2::gemv(w, cols, bias, x, y) },
    }
}

/// The same layer on a block of [`RB`] rows stored transposed: `x[c * RB + r]` for input column
/// `c` of row `r`, and likewise `y[j * RB + r]`. Each output has exactly the bits of [`gemv`].
pub fn block(kernel: Kernel, w: &[f64], bias: &[f64], cols: usize, x: &[f64], y: &mut [f64]) {
    let outs = bias.len();
    assert!(w.len() >= cols * outs && x.len() >= cols * RB && y.len() >= outs * RB);
    match kernel {
        Kernel::Portable => {
            let mut xr = vec![0.0; cols];
            for r in 0..RB {
                for (c, v) in xr.iter_mut().enumerate() {
                    *v = x[c * RB + r];
                }
                for j in 0..outs {
                    y[j * RB + r] = super::dot8(&w[j * cols..(j + 1) * cols], &xr) + bias[j];
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 was detected at run time; the bounds are asserted above.
        Kernel::Avx2 => unsafe { avx2::block(w, cols, bias, x, y) },
    }
}

/// H2O's tanh `1 - 2 / (1 + exp(2x))` over a slice, then an optional dropout scale, with
/// [`super::exp::exp`]: four lanes at a time on AVX2, the same operations one at a time in the
/// portable code (so the same bits as [`crate::activation::tanh`]).
pub fn tanh_scaled(kernel: Kernel, y: &mut [f64], scale: Option<f64>) {
    match kernel {
        Kernel::Portable => tanh_scalar(y, scale),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 was detected at run time.
        Kernel::Avx2 => unsafe { avx2::tanh_scaled(y, scale) },
    }
}

#[inline(always)]
fn tanh_scalar(y: &mut [f64], scale: Option<f64>) {
    use crate::activation::tanh;
    match scale {
        Some(s) => y.iter_mut().for_each(|v| *v = tanh(*v) * s),
        None => y.iter_mut().for_each(|v| *v = tanh(*v)),
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::super::exp::avx2::exp4;
    use super::RB;
    use std::arch::x86_64::*;

    /// [`super::tanh_scalar`] four lanes at a time; the tail one at a time.
    #[target_feature(enable = "avx2")]
    pub unsafe fn tanh_scaled(y: &mut [f64], scale: Option<f64>) {
        let (one, two) = (_mm256_set1_pd(1.0), _mm256_set1_pd(2.0));
        let mut chunks = y.chunks_exact_mut(4);
        for c in &mut chunks {
            let x = _mm256_loadu_pd(c.as_ptr());
            let e = exp4(_mm256_mul_pd(two, x));
            let mut t = _mm256_sub_pd(one, _mm256_div_pd(two, _mm256_add_pd(one, e)));
            if let Some(s) = scale {
                t = _mm256_mul_pd(t, _mm256_set1_pd(s));
            }
            _mm256_storeu_pd(c.as_mut_ptr(), t);
        }
        super::tanh_scalar(chunks.into_remainder(), scale);
    }

    const G: usize = RB / 4;

    #[target_feature(enable = "avx2")]
    pub unsafe fn gemv(w: &[f32], cols: usize, bias: &[f64], x: &[f64], y: &mut [f64]) {
        let outs = y.len();
        let mut j = 0;
        while j + 4 <= outs {
            gemv4(w, cols, bias, x, y, j);
            j += 4;
        }
        while j < outs {
            gemv_rows::<1>(w, cols, bias, x, y, j);
            j += 1;
        }
    }

    /// Outputs `j0..j0 + 4`: [`gemv_rows`]'s sums, with the fold, the tail and the bias done
    /// for the four neurons at once. After a 4x4 transpose, lane `jj` of every vector holds
    /// neuron `jj`'s values, so each vector operation is the scalar code's operation for each
    /// of them, in the same order (`0 + lo-fold`, `+ hi-fold`, `+ w·x` per tail column,
    /// `+ bias`): the same bits, in a quarter of the instructions (what a small layer's row
    /// costs is mostly this epilogue).
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn gemv4(w: &[f32], cols: usize, bias: &[f64], x: &[f64], y: &mut [f64], j0: usize) {
        let blocks = cols / 8;
        let xp = x.as_ptr();
        let wp = w.as_ptr().add(j0 * cols);
        let mut lo = [_mm256_setzero_pd(); 4];
        let mut hi = [_mm256_setzero_pd(); 4];
        for b in 0..blocks {
            let xl = _mm256_loadu_pd(xp.add(8 * b));
            let xh = _mm256_loadu_pd(xp.add(8 * b + 4));
            for jj in 0..4 {
                let p = wp.add(jj * cols + 8 * b);
                let wl = _mm256_cvtps_pd(_mm_loadu_ps(p));
                let wh = _mm256_cvtps_pd(_mm_loadu_ps(p.add(4)));
                lo[jj] = _mm256_add_pd(lo[jj], _mm256_mul_pd(wl, xl));
                hi[jj] = _mm256_add_pd(hi[jj], _mm256_mul_pd(wh, xh));
            }
        }
        let [l0, l1, l2, l3] = transpose4(lo);
        let [h0, h1, h2, h3] = transpose4(hi);
        let fold_lo = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(l0, l1), l2), l3);
        let fold_hi = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(h0, h1), h2), h3);
        let mut z = _mm256_add_pd(_mm256_setzero_pd(), fold_lo);
        z = _mm256_add_pd(z, fold_hi);
        for c in blocks * 8..cols {
            // Column c's weight of each of the four neurons (rows `cols` apart), widened.
            let wv = _mm256_cvtps_pd(_mm_set_ps(
                *wp.add(3 * cols + c),
                *wp.add(2 * cols + c),
                *wp.add(cols + c),
                *wp.add(c),
            ));
            z = _mm256_add_pd(z, _mm256_mul_pd(wv, _mm256_set1_pd(*xp.add(c))));
        }
        z = _mm256_add_pd(z, _mm256_loadu_pd(bias.as_ptr().add(j0)));
        _mm256_storeu_pd(y.as_mut_ptr().add(j0), z);
    }

    /// `[a, b, c, d]` (rows) to its columns: `[(a0, b0, c0, d0), (a1, ...), (a2, ...), (a3, ...)]`.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn transpose4([a, b, c, d]: [__m256d; 4]) -> [__m256d; 4] {
        let (ab_even, ab_odd) = (_mm256_unpacklo_pd(a, b), _mm256_unpackhi_pd(a, b));
        let (cd_even, cd_odd) = (_mm256_unpacklo_pd(c, d), _mm256_unpackhi_pd(c, d));
        [
            _mm256_permute2f128_pd::<0x20>(ab_even, cd_even),
            _mm256_permute2f128_pd::<0x20>(ab_odd, cd_odd),
            _mm256_permute2f128_pd::<0x31>(ab_even, cd_even),
            _mm256_permute2f128_pd::<0x31>(ab_odd, cd_odd),
        ]
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn gemv_rows<const J: usize>(
        w: &[f32],
        cols: usize,
        bias: &[f64],
        x: &[f64],
        y: &mut [f64],
        j0: usize,
    ) {
        let blocks = cols / 8;
        let xp = x.as_ptr();
        let wp = w.as_ptr().add(j0 * cols);
        let mut lo = [_mm256_setzero_pd(); J];
        let mut hi = [_mm256_setzero_pd(); J];
        for b in 0..blocks {
            let xl = _mm256_loadu_pd(xp.add(8 * b));
            let xh = _mm256_loadu_pd(xp.add(8 * b + 4));
            for jj in 0..J {
                let p = wp.add(jj * cols + 8 * b);
                let wl = _mm256_cvtps_pd(_mm_loadu_ps(p));
                let wh = _mm256_cvtps_pd(_mm_loadu_ps(p.add(4)));
                lo[jj] = _mm256_add_pd(lo[jj], _mm256_mul_pd(wl, xl));
                hi[jj] = _mm256_add_pd(hi[jj], _mm256_mul_pd(wh, xh));
            }
        }
        for jj in 0..J {
            let (mut a, mut h) = ([0.0f64; 4], [0.0f64; 4]);
            _mm256_storeu_pd(a.as_mut_ptr(), lo[jj]);
            _mm256_storeu_pd(h.as_mut_ptr(), hi[jj]);
            let mut z = 0.0;
            z += ((a[0] + a[1]) + a[2]) + a[3];
            z += ((h[0] + h[1]) + h[2]) + h[3];
            let row = wp.add(jj * cols);
            for c in blocks * 8..cols {
                z += f64::from(*row.add(c)) * *xp.add(c);
            }
            *y.get_unchecked_mut(j0 + jj) = z + *bias.get_unchecked(j0 + jj);
        }
    }

    #[target_feature(enable = "avx2")]
    pub unsafe fn block(w: &[f64], cols: usize, bias: &[f64], x: &[f64], y: &mut [f64]) {
        let outs = bias.len();
        let mut j = 0;
        while j + 3 <= outs {
            block_rows::<3>(w, cols, bias, x, y, j);
            j += 3;
        }
        match outs - j {
            2 => block_rows::<2>(w, cols, bias, x, y, j),
            1 => block_rows::<1>(w, cols, bias, x, y, j),
            _ => {}
        }
    }

    /// Outputs `j0..j0 + J` for the `RB` rows of the block.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn block_rows<const J: usize>(
        w: &[f64],
        cols: usize,
        bias: &[f64],
        x: &[f64],
        y: &mut [f64],
        j0: usize,
    ) {
        let blocks = cols / 8;
        let xp = x.as_ptr();
        let wp = w.as_ptr().add(j0 * cols);
        let zero = _mm256_setzero_pd();
        // s_lo = ((p0+p1)+p2)+p3 and s_hi = ((p4+p5)+p6)+p7, built as each p_k is finished.
        let mut s_lo = [[zero; G]; J];
        let mut s_hi = [[zero; G]; J];
        // Indexed loops on purpose: jj and g index three arrays at once, as in the sums above.
        #[allow(clippy::needless_range_loop)]
        for k in 0..8 {
            let mut acc = [[zero; G]; J];
            for b in 0..blocks {
                let c = 8 * b + k;
                let xc = xp.add(c * RB);
                let mut xv = [zero; G];
                for (g, v) in xv.iter_mut().enumerate() {
                    *v = _mm256_loadu_pd(xc.add(4 * g));
                }
                for jj in 0..J {
                    let wv = _mm256_broadcast_sd(&*wp.add(jj * cols + c));
                    for g in 0..G {
                        acc[jj][g] = _mm256_add_pd(acc[jj][g], _mm256_mul_pd(wv, xv[g]));
                    }
                }
            }
            for jj in 0..J {
                for g in 0..G {
                    match k {
                        0 => s_lo[jj][g] = acc[jj][g],
                        1..=3 => s_lo[jj][g] = _mm256_add_pd(s_lo[jj][g], acc[jj][g]),
                        4 => s_hi[jj][g] = acc[jj][g],
                        _ => s_hi[jj][g] = _mm256_add_pd(s_hi[jj][g], acc[jj][g]),
                    }
                }
            }
        }
        for jj in 0..J {
            let bv = _mm256_set1_pd(*bias.get_unchecked(j0 + jj));
            for g in 0..G {
                let mut z = _mm256_add_pd(zero, s_lo[jj][g]);
                z = _mm256_add_pd(z, s_hi[jj][g]);
                for c in blocks * 8..cols {
                    let wv = _mm256_broadcast_sd(&*wp.add(jj * cols + c));
                    z = _mm256_add_pd(
                        z,
                        _mm256_mul_pd(wv, _mm256_loadu_pd(xp.add(c * RB + 4 * g))),
                    );
                }
                z = _mm256_add_pd(z, bv);
                _mm256_storeu_pd(y.as_mut_ptr().add((j0 + jj) * RB + 4 * g), z);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize, seed: usize) -> (Vec<f32>, Vec<f64>) {
        let w = (0..n)
            .map(|i| (((i + seed) * 7919) % 1013) as f32 / 337.0 - 1.37)
            .collect();
        let x = (0..n)
            .map(|i| (((i + 3 * seed) * 104_729) % 997) as f64 / 131.0 - 3.1 + 1e-9 * i as f64)
            .collect();
        (w, x)
    }

    #[test]
    fn tanh_kernels_give_the_scalar_bits() {
        let xs: Vec<f64> = (0..1003)
            .map(|i| (i as f64 - 500.0) / 37.3)
            .chain([0.0, -0.0, 400.0, -400.0, f64::NAN])
            .collect();
        for scale in [None, Some(0.8)] {
            let want: Vec<u64> = xs
                .iter()
                .map(|&x| {
                    let t = crate::activation::tanh(x);
                    scale.map_or(t, |s| t * s).to_bits()
                })
                .collect();
            for kernel in Kernel::available() {
                let mut y = xs.clone();
                tanh_scaled(kernel, &mut y, scale);
                let got: Vec<u64> = y.iter().map(|v| v.to_bits()).collect();
                assert_eq!(got, want, "{kernel:?}");
            }
        }
    }

    #[test]
    fn every_kernel_gives_the_dot8_bits() {
        for cols in [1, 3, 7, 8, 9, 10, 16, 23, 30, 61, 64, 67, 256] {
            for outs in [1, 2, 3, 4, 5, 7, 10, 13] {
                let (w, _) = data(cols * outs, cols + outs);
                let (bias, _) = data(outs, 5);
                let bias: Vec<f64> = bias.iter().map(|&b| f64::from(b)).collect();
                let (_, xs) = data(cols * RB, cols);
                // Reference: dot8 row by row.
                let reference = |r: usize, j: usize| {
                    let xr: Vec<f64> = (0..cols).map(|c| xs[c * RB + r]).collect();
                    super::super::dot8(&w[j * cols..(j + 1) * cols], &xr) + bias[j]
                };
                for kernel in Kernel::available() {
                    let mut y = vec![0.0; outs * RB];
                    let wide: Vec<f64> = w.iter().map(|&v| f64::from(v)).collect();
                    block(kernel, &wide, &bias, cols, &xs, &mut y);
                    for r in 0..RB {
                        let xr: Vec<f64> = (0..cols).map(|c| xs[c * RB + r]).collect();
                        let mut y1 = vec![0.0; outs];
                        gemv(kernel, &w, &bias, &xr, &mut y1);
                        for j in 0..outs {
                            let want = reference(r, j).to_bits();
                            assert_eq!(
                                y[j * RB + r].to_bits(),
                                want,
                                "{kernel:?} block {cols}x{outs}"
                            );
                            assert_eq!(y1[j].to_bits(), want, "{kernel:?} gemv {cols}x{outs}");
                        }
                    }
                }
            }
        }
    }
}
