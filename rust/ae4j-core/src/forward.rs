//! The forward pass, in genmodel's arithmetic order so results are bit-identical to it.

pub mod exp;
pub mod kernel;

use crate::activation::Activation;
use crate::model::{Layer, Model};
use kernel::{Kernel, RB};

/// `w · x` summed as genmodel (and the H2O server) sum it: 8 interleaved partial sums over the
/// complete blocks of 8 (each float32 weight widened to f64, as `(double) w * x`), folded as `(p0+p1+p2+p3) + (p4+p5+p6+p7)`, then the tail one by one.
/// The lanes are independent, so the compiler may vectorize them without changing a bit.
#[inline]
pub fn dot8<W: Copy + Into<f64>>(w: &[W], x: &[f64]) -> f64 {
    debug_assert_eq!(w.len(), x.len());
    let n = x.len().min(w.len());
    let blocks = n / 8 * 8;
    let mut p = [0.0f64; 8];
    for (wc, xc) in w[..blocks].chunks_exact(8).zip(x[..blocks].chunks_exact(8)) {
        for k in 0..8 {
            p[k] += wc[k].into() * xc[k];
        }
    }
    let mut z = 0.0;
    z += ((p[0] + p[1]) + p[2]) + p[3];
    z += ((p[4] + p[5]) + p[6]) + p[7];
    for c in blocks..n {
        z += w[c].into() * x[c];
    }
    z
}

/// One layer: `y = act(W x + b)`, then the dropout scale of a hidden layer.
pub fn layer_forward(layer: &Layer, activation: Activation, x: &[f64], y: &mut [f64]) {
    layer_forward_with(Kernel::detect(), layer, activation, x, y)
}

/// [`layer_forward`] with a chosen kernel (every kernel gives the same bits).
pub fn layer_forward_with(
    kernel: Kernel,
    layer: &Layer,
    activation: Activation,
    x: &[f64],
    y: &mut [f64],
) {
    let weights = layer
        .weights
        .as_slice()
        .expect("layer weights are built in standard (row-major) layout");
    kernel::gemv(
        kernel,
        weights,
        layer.bias.as_slice().expect("contiguous bias"),
        x,
        y,
    );
    activate(kernel, activation, y, layer.dropout_scale);
}

/// The activation, then the dropout scale of a hidden layer: genmodel's formulas, bit for bit.
fn activate(kernel: Kernel, activation: Activation, y: &mut [f64], scale: Option<f64>) {
    match activation {
        Activation::Tanh | Activation::TanhWithDropout => kernel::tanh_scaled(kernel, y, scale),
        _ => {
            activation.apply(y);
            if let Some(scale) = scale {
                y.iter_mut().for_each(|v| *v *= scale);
            }
        }
    }
}

/// Working memory for scoring blocks of [`RB`] rows (the batch path): every activation stored
/// transposed, `acts[i][slot * RB + row]`, so each layer reads its weights once per block.
/// Allocate once per batch (or keep one per thread) and reuse.
#[derive(Debug, Clone)]
pub struct BatchScratch {
    pub(crate) acts: Vec<Vec<f64>>,
    /// One expanded row, before it is scattered into the block.
    pub(crate) row: Vec<f64>,
    /// A copy of a raw row from a non-contiguous view.
    pub(crate) raw: Vec<f64>,
}

impl BatchScratch {
    /// Rows per block.
    pub const ROWS: usize = RB;

    pub fn new(model: &Model) -> Self {
        BatchScratch {
            acts: model
                .layer_sizes()
                .into_iter()
                .map(|n| vec![0.0; n * RB])
                .collect(),
            row: vec![0.0; model.n_slots()],
            raw: vec![0.0; model.n_features()],
        }
    }

    pub(crate) fn fits(&self, model: &Model) -> bool {
        self.acts.len() == model.layers.len() + 1
            && self.row.len() == model.n_slots()
            && self.raw.len() == model.n_features()
            && self
                .acts
                .iter()
                .zip(model.layer_sizes())
                .all(|(a, n)| a.len() == n * RB)
    }
}

/// Per-thread working memory for scoring one row at a time: no allocation per row.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// `acts[0]` is the expanded input, `acts[i + 1]` the output of layer `i`.
    pub(crate) acts: Vec<Vec<f64>>,
}

impl Scratch {
    pub fn new(model: &Model) -> Self {
        Scratch {
            acts: model
                .layer_sizes()
                .into_iter()
                .map(|n| vec![0.0; n])
                .collect(),
        }
    }

    pub(crate) fn fits(&self, model: &Model) -> bool {
        self.acts.len() == model.layers.len() + 1
            && self.acts[0].len() == model.n_slots()
            && self
                .acts
                .iter()
                .skip(1)
                .zip(&model.layers)
                .all(|(a, l)| a.len() == l.bias.len())
    }
}

impl Model {
    /// Runs every layer on `scratch.acts[0]`, filling the later activations.
    pub(crate) fn forward(&self, scratch: &mut Scratch) {
        self.forward_to(scratch, self.layers.len());
    }

    /// Runs the first `depth` layers (deep features need no layer past the deepest chosen one).
    pub(crate) fn forward_to(&self, scratch: &mut Scratch, depth: usize) {
        self.forward_as(scratch, depth, Some(self.activation));
    }

    /// [`Model::forward_to`] with another activation; `None` is none at all (the identity, only
    /// the dropout scale kept), as genmodel's POJO of an ExpRectifier model computes it.
    pub(crate) fn forward_as(
        &self,
        scratch: &mut Scratch,
        depth: usize,
        activation: Option<Activation>,
    ) {
        let kernel = Kernel::detect();
        for (i, layer) in self.layers.iter().enumerate().take(depth) {
            let (done, rest) = scratch.acts.split_at_mut(i + 1);
            match activation {
                Some(a) => layer_forward_with(kernel, layer, a, &done[i], &mut rest[0]),
                None => {
                    let weights = layer.weights.as_slice().expect("row-major layer weights");
                    let bias = layer.bias.as_slice().expect("contiguous bias");
                    kernel::gemv(kernel, weights, bias, &done[i], &mut rest[0]);
                    if let Some(scale) = layer.dropout_scale {
                        rest[0].iter_mut().for_each(|v| *v *= scale);
                    }
                }
            }
        }
    }

    /// Runs the first `depth` layers on the block in `scratch.acts[0]` (transposed, [`RB`] rows).
    pub(crate) fn forward_block(&self, kernel: Kernel, scratch: &mut BatchScratch, depth: usize) {
        let wide = self.wide_weights();
        for (i, (layer, weights)) in self.layers.iter().zip(wide).enumerate().take(depth) {
            let (done, rest) = scratch.acts.split_at_mut(i + 1);
            let bias = layer.bias.as_slice().expect("contiguous bias");
            let y = &mut rest[0];
            kernel::block(kernel, weights, bias, layer.weights.ncols(), &done[i], y);
            activate(kernel, self.activation, y, layer.dropout_scale);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot8_follows_genmodel_order() {
        // Reference: the loop exactly as genmodel writes it.
        fn reference(w: &[f32], x: &[f64]) -> f64 {
            let cols = x.len();
            let mut p = [0.0; 8];
            let mut c = 0;
            while c + 8 <= cols / 8 * 8 {
                for k in 0..8 {
                    p[k] += w[c + k] as f64 * x[c + k];
                }
                c += 8;
            }
            let mut z = 0.0;
            z += p[0] + p[1] + p[2] + p[3];
            z += p[4] + p[5] + p[6] + p[7];
            for c in cols - cols % 8..cols {
                z += w[c] as f64 * x[c];
            }
            z
        }
        for n in [1, 7, 8, 9, 16, 23, 61, 256] {
            let w: Vec<f32> = (0..n)
                .map(|i| ((i * 7919) % 101) as f32 / 37.0 - 1.3)
                .collect();
            let x: Vec<f64> = (0..n)
                .map(|i| ((i * 104_729) % 97) as f64 / 13.0 - 3.1)
                .collect();
            assert_eq!(dot8(&w, &x).to_bits(), reference(&w, &x).to_bits(), "n={n}");
        }
    }
}
