//! Arbitrary named cells (CSV/JSON-ish: text, numbers, typed numbers, other types, names the
//! model knows and names it does not) through `Model::convert_row` on every small fixture model:
//! a raw row that scores, or genmodel's error, never a panic.
#![no_main]

mod common;

use std::sync::OnceLock;

use ae4j_core::{Cell, ConvertOptions, Model};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

static MODELS: &[&[u8]] = &[
    include_bytes!("../../tests/fixtures/models/synth_tanh.zip"),
    include_bytes!("../../tests/fixtures/models/synth_rectifier_skip.zip"),
    include_bytes!("../../tests/fixtures/models/wine_exprectifier.zip"),
    include_bytes!("../../tests/fixtures/models/iris_rectdropout_nostd.zip"),
    include_bytes!("../../tests/fixtures/models/breast_cancer_tanhdropout.zip"),
];

fn models() -> &'static [Model] {
    static LOADED: OnceLock<Vec<Model>> = OnceLock::new();
    LOADED.get_or_init(|| {
        MODELS
            .iter()
            .map(|b| ae4j_core::load_model_bytes(b, "fixture.zip").unwrap())
            .collect()
    })
}

#[derive(Arbitrary, Debug)]
enum Name {
    /// The name of model column `i % n_features`.
    Known(u8),
    /// The name of column `i`, suffixed (a near miss).
    Near(u8, String),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum In {
    Missing,
    Number(f64),
    Typed(f64),
    Text(String),
    /// A level of the column's domain (or of another column's), possibly `<col>.`-qualified.
    Level(u8, u8, bool),
    Other,
}

#[derive(Arbitrary, Debug)]
struct Input {
    model: u8,
    unknown_to_na: bool,
    invalid_to_na: bool,
    cells: Vec<(Name, In)>,
}

fuzz_target!(|input: Input| {
    let ms = models();
    let model = &ms[input.model as usize % ms.len()];
    let cols = model.columns();
    let nf = cols.len();
    let names: Vec<String> = input
        .cells
        .iter()
        .map(|(n, _)| match n {
            Name::Known(i) => cols[*i as usize % nf].name.clone(),
            Name::Near(i, s) => format!("{}{s}", cols[*i as usize % nf].name),
            Name::Raw(s) => s.clone(),
        })
        .collect();
    let texts: Vec<String> = input
        .cells
        .iter()
        .map(|(_, c)| match c {
            In::Text(s) => s.clone(),
            In::Level(col, level, qualified) => {
                let col = &cols[*col as usize % nf];
                match &col.domain {
                    Some(d) if !d.is_empty() => {
                        let l = &d[*level as usize % d.len()];
                        if *qualified {
                            format!("{}.{l}", col.name)
                        } else {
                            l.clone()
                        }
                    }
                    _ => level.to_string(),
                }
            }
            _ => String::new(),
        })
        .collect();
    let cells: Vec<(&str, Cell)> = input
        .cells
        .iter()
        .enumerate()
        .map(|(i, (_, c))| {
            let cell = match c {
                In::Missing => Cell::Missing,
                In::Number(v) => Cell::Number(*v),
                In::Typed(v) => Cell::TypedNumber(*v, "java.lang.Integer"),
                In::Text(_) | In::Level(..) => Cell::Text(&texts[i]),
                In::Other => Cell::Other("java.lang.Boolean"),
            };
            (names[i].as_str(), cell)
        })
        .collect();
    let options = ConvertOptions {
        unknown_categorical_to_na: input.unknown_to_na,
        invalid_number_to_na: input.invalid_to_na,
    };
    let mut raw = vec![0.0; nf];
    match model.convert_row(&cells, options, &mut raw) {
        Ok(()) => {
            assert!(model.genmodel_error(&cells, options).is_none());
            for (k, v) in raw.iter().enumerate() {
                if let Some(d) = &cols[k].domain {
                    assert!(
                        v.is_nan() || (*v >= 0.0 && v.fract() == 0.0 && (*v as usize) < d.len()),
                        "categorical {k} got {v}"
                    );
                }
            }
            common::exercise_rows(model, &[raw]);
        }
        Err(e) => {
            // The error is the one genmodel throws, for a column the row names.
            assert_eq!(model.genmodel_error(&cells, options), Some(e.clone()));
            assert!(names.iter().any(|n| n == e.column()), "{e}");
            assert!(!e.to_string().is_empty());
        }
    }
});
