//! Per-thread working memory for single-row scoring, so a row costs no allocation.
//!
//! Each thread keeps buffers for the last few models it scored (keyed by the model's address;
//! the core re-sizes a scratch whose shape does not fit, so a reused address is harmless).

use std::cell::RefCell;

use ae4j_core::forward::BatchScratch;
use ae4j_core::{Model, Scratch};

const MODELS_PER_THREAD: usize = 4;

pub struct Work {
    key: usize,
    pub scratch: Scratch,
    pub raw: Vec<f64>,
    pub reconstructed: Vec<f64>,
    pub squared_errors: Vec<f64>,
    /// Block buffers of the batch path, made on this thread's first batch for the model.
    batch: Option<BatchScratch>,
}

impl Work {
    fn new(model: &Model) -> Self {
        Work {
            key: model as *const Model as usize,
            scratch: Scratch::new(model),
            raw: vec![0.0; model.n_features()],
            reconstructed: vec![0.0; model.n_slots()],
            squared_errors: vec![0.0; model.n_slots()],
            batch: None,
        }
    }

    /// The batch path's working memory for `model` (the core re-sizes one that does not fit).
    pub fn batch_scratch(&mut self, model: &Model) -> &mut BatchScratch {
        self.batch.get_or_insert_with(|| BatchScratch::new(model))
    }

    fn fit(&mut self, model: &Model) {
        self.raw.resize(model.n_features(), 0.0);
        self.reconstructed.resize(model.n_slots(), 0.0);
        self.squared_errors.resize(model.n_slots(), 0.0);
    }
}

thread_local! {
    static WORK: RefCell<(Vec<Work>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

/// Runs `f` with this thread's buffers for `model`.
pub fn with_work<R>(model: &Model, f: impl FnOnce(&mut Work) -> R) -> R {
    WORK.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (works, next) = &mut *guard;
        let key = model as *const Model as usize;
        let i = match works.iter().position(|w| w.key == key) {
            Some(i) => i,
            None if works.len() < MODELS_PER_THREAD => {
                works.push(Work::new(model));
                works.len() - 1
            }
            None => {
                let i = *next % MODELS_PER_THREAD;
                *next = next.wrapping_add(1);
                works[i] = Work::new(model);
                i
            }
        };
        let work = &mut works[i];
        work.fit(model);
        f(work)
    })
}
