//! Per-thread working memory for single-row scoring, so a row costs no allocation: the core's
//! row-path buffers ([`RowScorer`]) and the batch path's blocks.
//!
//! Each thread keeps buffers for the last few models it scored (keyed by the model's address;
//! the buffers are re-sized when their shape does not fit, so a reused address is harmless).

use std::cell::RefCell;

use ae4j_core::forward::BatchScratch;
use ae4j_core::{Model, RowScorer};

const MODELS_PER_THREAD: usize = 4;

pub struct Work {
    key: usize,
    pub rows: RowScorer,
    /// Block buffers of the batch path, made on this thread's first batch for the model.
    batch: Option<BatchScratch>,
}

impl Work {
    fn new(model: &Model) -> Self {
        Work {
            key: model as *const Model as usize,
            rows: RowScorer::new(model),
            batch: None,
        }
    }

    /// The batch path's working memory for `model` (the core re-sizes one that does not fit).
    pub fn batch_scratch(&mut self, model: &Model) -> &mut BatchScratch {
        self.batch.get_or_insert_with(|| BatchScratch::new(model))
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
        work.rows.fit(model);
        f(work)
    })
}
