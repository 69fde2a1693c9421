//! What every fuzz target does with a model it managed to load: score a few rows, one at a time
//! and as a batch, and insist the two paths agree bit for bit (as `score_batch_into` documents).

#![allow(dead_code)]

use ae4j_core::Model;
use ndarray::Array2;

/// Scores `rows` (raw rows of `model.n_features()` values) singly and as a batch.
pub fn exercise_rows(model: &Model, rows: &[Vec<f64>]) {
    let n = model.n_slots();
    let f = model.n_features();
    assert_eq!(model.layer_sizes().first(), Some(&n));
    assert_eq!(model.slot_names().len(), n);
    let mut flat = Vec::with_capacity(rows.len() * f);
    let mut singles = Vec::with_capacity(rows.len());
    for raw in rows {
        assert_eq!(raw.len(), f);
        let s = model.score(raw).expect("a row of n_features values scores");
        assert_eq!(s.reconstructed.len(), n);
        assert_eq!(s.squared_errors.len(), n);
        assert_eq!(s.original.len(), n);
        flat.extend_from_slice(raw);
        singles.push(s);
    }
    let batch = model
        .score_batch(Array2::from_shape_vec((rows.len(), f), flat).unwrap().view())
        .expect("a batch of n_features columns scores");
    for (i, s) in singles.iter().enumerate() {
        assert_eq!(
            batch.mse[i].to_bits(),
            s.mse.to_bits(),
            "row {i}: batch MSE {} != single MSE {}",
            batch.mse[i],
            s.mse
        );
        for k in 0..n {
            assert_eq!(
                batch.reconstructed[[i, k]].to_bits(),
                s.reconstructed[k].to_bits(),
                "row {i} slot {k}: batch and single reconstructions differ"
            );
        }
    }
}

/// A loaded model: scores every-input-missing, all-zero and a mixed row.
pub fn exercise(model: &Model) {
    let f = model.n_features();
    // Keep pathological (huge) fuzzed models cheap: the readers' work is what is fuzzed.
    if model.flops_per_row() > 4_000_000 {
        return;
    }
    let mixed: Vec<f64> = (0..f)
        .map(|i| match i % 5 {
            0 => f64::NAN,
            1 => 1e308,
            2 => -3.0,
            3 => f64::INFINITY,
            _ => 0.5,
        })
        .collect();
    exercise_rows(model, &[vec![f64::NAN; f], vec![0.0; f], mixed]);
    let _ = model.columns();
    let _ = ae4j_core::calibration::fingerprint(model);
}
