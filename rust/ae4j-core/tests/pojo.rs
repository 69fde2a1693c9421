//! The POJO reader against the MOJO reader and real H2O: every fixture model's `.java` (H2O
//! 3.46.0.7) must give its MOJO's model, bit for bit, and its MOJO's numbers on every fixture
//! row; broken or foreign sources must give clear errors with line numbers, never a panic.

use ae4j_core::pojo::{looks_like_java, read_pojo_bytes};
use ae4j_core::{Activation, Cell, Model, ModelError, RowError};
use ae4j_fixtures::{
    doubles, fixtures_dir, load_cases, options, Case, Outcome, Row, Tally, OPTION_KEYS,
};

fn pojo_path(case: &Case) -> std::path::PathBuf {
    let rel = case
        .pojo
        .as_deref()
        .expect("the fixture case names its POJO");
    fixtures_dir().join(rel)
}

fn load_pair(case: &Case) -> (Model, Model) {
    let mojo = ae4j_core::load_model(&case.mojo_path()).unwrap_or_else(|e| panic!("{e}"));
    let pojo = ae4j_core::load_model(&pojo_path(case)).unwrap_or_else(|e| panic!("{e}"));
    (mojo, pojo)
}

fn source(model: &str) -> String {
    let path = fixtures_dir().join(format!("models/{model}.java"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_pojo_is_its_mojo_bit_for_bit() {
    let cases = load_cases();
    assert!(
        cases.len() >= 7,
        "expected 7 fixture models, found {}",
        cases.len()
    );
    for case in &cases {
        let (mojo, pojo) = load_pair(case);
        let n = &case.name;
        assert_eq!(pojo.info().format, "pojo");
        assert_eq!(pojo.info().model_id.as_deref(), Some(n.as_str()));
        assert_eq!(pojo.info().h2o_version.as_deref(), Some("3.46.0.7"), "{n}");
        assert_eq!(pojo.info().mojo_version, None);
        assert_eq!(pojo.columns(), mojo.columns(), "{n}: columns and domains");
        assert_eq!(pojo.slot_names(), mojo.slot_names(), "{n}");
        assert_eq!(pojo.cat_offsets(), mojo.cat_offsets(), "{n}");
        assert_eq!(pojo.layer_sizes(), mojo.layer_sizes(), "{n}");
        assert_eq!(pojo.activation(), mojo.activation(), "{n}");
        match (pojo.normalization(), mojo.normalization()) {
            (None, None) => {}
            (Some(p), Some(m)) => {
                assert_eq!(bits64(&p.mul), bits64(&m.mul), "{n}: norm_mul");
                assert_eq!(bits64(&p.sub), bits64(&m.sub), "{n}: norm_sub");
            }
            (p, m) => panic!("{n}: normalization {p:?} vs {m:?}"),
        }
        for (i, (p, m)) in pojo.layers().iter().zip(mojo.layers()).enumerate() {
            assert_eq!(p.weights.dim(), m.weights.dim(), "{n} layer {i}");
            let differ = p
                .weights
                .iter()
                .zip(m.weights.iter())
                .filter(|(a, b)| a.to_bits() != b.to_bits())
                .count();
            assert_eq!(
                differ, 0,
                "{n} layer {i}: {differ} weights differ from the MOJO's"
            );
            assert_eq!(
                bits64(p.bias.as_slice().unwrap()),
                bits64(m.bias.as_slice().unwrap()),
                "{n} layer {i}: biases"
            );
            assert_eq!(p.dropout_scale, m.dropout_scale, "{n} layer {i}: dropout");
        }
    }
}

fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn convert(model: &Model, row: &Row, key: &str) -> Result<Vec<f64>, RowError> {
    let inputs = row.inputs();
    let cells: Vec<(&str, Cell)> = inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
    let mut raw = vec![f64::NAN; model.n_features()];
    model.convert_row(&cells, options(key), &mut raw)?;
    Ok(raw)
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

/// Every row under every option: the POJO model scores exactly as the MOJO model (same code
/// path, so bit for bit), and both agree with genmodel's MOJO numbers from the fixtures.
#[test]
fn every_fixture_row_scores_like_the_mojo_and_genmodel() {
    let mut total = Tally::default();
    for case in load_cases() {
        let (mojo, pojo) = load_pair(&case);
        let mut tally = Tally::default();
        for row in &case.rows {
            for key in OPTION_KEYS {
                let at = format!("{} row {} [{key}]", case.name, row.id);
                let (p, m) = (convert(&pojo, row, key), convert(&mojo, row, key));
                match (&p, &m) {
                    (Err(pe), Err(me)) => assert_eq!(pe, me, "{at}"),
                    (Ok(pr), Ok(mr)) => {
                        assert!(same_bits(pr, mr), "{at}: converted rows differ");
                        let ps = pojo.score(pr).unwrap();
                        let ms = mojo.score(mr).unwrap();
                        assert!(
                            same_bits(&ps.reconstructed, &ms.reconstructed),
                            "{at}: reconstruction"
                        );
                        assert!(same_bits(&ps.original, &ms.original), "{at}: original");
                        assert!(same_bits(&[ps.mse], &[ms.mse]), "{at}: mse");
                        if let Some(Outcome::Scored(g)) = row.genmodel.get(key) {
                            tally.check_all(
                                format_args!("{at} reconstructed"),
                                &ps.reconstructed,
                                &doubles(&g.reconstructed),
                            );
                            tally.check_all(
                                format_args!("{at} original"),
                                &ps.original,
                                &doubles(&g.original),
                            );
                            if !g.mse.0.is_nan() {
                                tally.check(format_args!("{at} mse"), ps.mse, g.mse.0);
                            } else if let Some(server) = &row.server {
                                tally.check(
                                    format_args!("{at} mse (server)"),
                                    ps.mse,
                                    server.mse.0,
                                );
                            }
                        }
                    }
                    _ => panic!("{at}: POJO {p:?}, MOJO {m:?}"),
                }
            }
        }
        eprintln!("{}: {}", case.name, tally.summary());
        tally.assert_ok(&case.name);
        total.compared += tally.compared;
        total.identical += tally.identical;
        total.worst_rel = total.worst_rel.max(tally.worst_rel);
    }
    eprintln!("all POJOs: {}", total.summary());
}

/// genmodel's compiled POJO throws a NullPointerException on every row of these (NORMMUL.VALUES
/// is null); ae4j scores them like the MOJO.
#[test]
fn standardize_false_pojos_score() {
    for name in ["synth_tanh_nostd", "iris_rectdropout_nostd"] {
        let case = load_cases().into_iter().find(|c| c.name == name).unwrap();
        let pojo = ae4j_core::load_model(&pojo_path(&case)).unwrap();
        assert!(pojo.normalization().is_none(), "{name}");
        assert!(pojo.n_numeric() > 0, "{name}");
        let mut scored = 0;
        for row in case.rows.iter().filter(|r| r.kind == "normal") {
            let raw = convert(&pojo, row, "default").unwrap();
            let s = pojo.score(&raw).unwrap();
            assert!(s.mse.is_finite(), "{name} row {}: mse {}", row.id, s.mse);
            scored += 1;
        }
        assert!(scored > 0, "{name}: no normal rows");
    }
}

/// genmodel's compiled ExpRectifier POJO applies no activation at all; ae4j applies it.
#[test]
fn exprectifier_pojo_has_its_activation() {
    let case = load_cases()
        .into_iter()
        .find(|c| c.name == "wine_exprectifier")
        .unwrap();
    let pojo = ae4j_core::load_model(&pojo_path(&case)).unwrap();
    assert_eq!(pojo.activation(), Activation::ExpRectifier);
    // A hidden unit below zero must come out as exp(z) - 1 > -1, not z.
    let raw = vec![f64::NAN; pojo.n_features()];
    let h = pojo.hidden_layer(&raw, 0).unwrap();
    assert!(h.iter().all(|v| *v > -1.0), "{h:?}");
}

#[test]
fn dropout_activations_come_from_the_comments() {
    let expect = [
        ("breast_cancer_tanhdropout", Activation::TanhWithDropout),
        ("iris_rectdropout_nostd", Activation::RectifierWithDropout),
        ("synth_rectifier_skip", Activation::Rectifier),
        ("synth_tanh", Activation::Tanh),
    ];
    for (name, a) in expect {
        let m = read_pojo_bytes(source(name).as_bytes(), name).unwrap();
        assert_eq!(m.activation(), a, "{name}");
    }
    let m = read_pojo_bytes(source("breast_cancer_tanhdropout").as_bytes(), "b").unwrap();
    let scales: Vec<_> = m.layers().iter().map(|l| l.dropout_scale).collect();
    assert_eq!(
        scales,
        [Some(1.0 - 0.2), Some(1.0 - 0.1), Some(1.0 - 0.2), None]
    );
}

/// Reformatting (everything on one line, comments everywhere, CRLF, tabs) changes nothing.
#[test]
fn formatting_does_not_matter() {
    let src = source("synth_tanh");
    let reference = read_pojo_bytes(src.as_bytes(), "a.java").unwrap();
    // CRLF line ends and tabs.
    let crlf = src.replace('\n', "\r\n").replace("  ", "\t");
    // Extra comments and spaces between tokens of the data.
    let noisy = src
        .replace("sa[", "sa /* i */ [ ")
        .replace("] = ", " ] // x\n =\n\t")
        .replace(".fill(VALUES);", " . fill ( VALUES ) ;  // chunk");
    for (what, text) in [("crlf", crlf), ("noisy", noisy)] {
        let m =
            read_pojo_bytes(text.as_bytes(), "b.java").unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(m.columns(), reference.columns(), "{what}");
        for (a, b) in m.layers().iter().zip(reference.layers()) {
            assert_eq!(a.weights, b.weights, "{what}");
            assert_eq!(a.bias, b.bias, "{what}");
        }
    }
}

/// Fillers called out of order, or one value per filler, give the same arrays.
#[test]
fn fill_order_does_not_matter() {
    let src = source("digits_wide_tanh");
    let reference = read_pojo_bytes(src.as_bytes(), "a.java").unwrap();
    // Reverse the fill calls of the first weight holder.
    let calls: Vec<&str> = src
        .lines()
        .filter(|l| {
            l.trim_start().starts_with("digits_wide_tanh_Weight_1_") && l.contains(".fill(VALUES)")
        })
        .collect();
    assert!(calls.len() > 1);
    let block = calls.join("\n");
    let reversed: Vec<&str> = calls.iter().rev().copied().collect();
    let edited = src.replacen(&block, &reversed.join("\n"), 1);
    assert_ne!(edited, src);
    let m = read_pojo_bytes(edited.as_bytes(), "b.java").unwrap();
    assert_eq!(m.layers()[0].weights, reference.layers()[0].weights);
}

fn error_of(text: &str) -> ModelError {
    match read_pojo_bytes(text.as_bytes(), "bad.java") {
        Ok(_) => panic!("expected an error for:\n{}", &text[..text.len().min(300)]),
        Err(e) => e,
    }
}

/// The line of a Syntax error, asserting the message names the file and contains `needle`.
fn syntax_line(e: &ModelError, needle: &str) -> usize {
    let msg = e.to_string();
    assert!(msg.starts_with("bad.java"), "{msg}");
    assert!(msg.contains(needle), "'{needle}' not in: {msg}");
    match e {
        ModelError::Syntax { line, .. } => *line,
        other => panic!("expected a Syntax error, got {other:?}"),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    1 + text[..text.find(needle).unwrap_or_else(|| panic!("{needle}"))]
        .matches('\n')
        .count()
}

#[test]
fn truncated_in_a_weight_holder() {
    let src = source("synth_tanh");
    let cut = src.find("      sa[70] = 0.15220957f;").unwrap();
    let text = &src[..cut];
    let e = error_of(text);
    let line = syntax_line(&e, "truncated");
    assert_eq!(line, text.matches('\n').count() + 1, "{e}");
    assert!(e.to_string().contains("synth_tanh_Weight_1_0"), "{e}");
}

#[test]
fn truncated_anywhere_is_an_error_not_a_panic() {
    let src = source("iris_rectdropout_nostd");
    let complete = src.rfind('}').unwrap() + 1;
    for cut in (0..src.len()).step_by(13).chain([complete - 1, complete]) {
        let r = read_pojo_bytes(&src.as_bytes()[..cut], "bad.java");
        if cut < complete {
            let msg = r.map(|_| ()).unwrap_err().to_string();
            assert!(msg.starts_with("bad.java: line "), "{cut}: {msg}");
        } else {
            r.unwrap();
        }
    }
}

/// Corrupting any byte gives an error or a model, never a panic.
#[test]
fn corrupted_bytes_never_panic() {
    let src = source("iris_rectdropout_nostd").into_bytes();
    let mut errors = 0;
    for (k, pos) in (0..src.len()).step_by(11).enumerate() {
        let mut bytes = src.clone();
        bytes[pos] = [b'}', b'{', b'"', b'9', b'.', 0xff, b'/', b';', b'x', b'\\'][k % 10];
        if read_pojo_bytes(&bytes, "bad.java").is_err() {
            errors += 1;
        }
    }
    assert!(errors > 0);
}

#[test]
fn holder_with_fewer_values_than_declared() {
    let src = source("synth_tanh");
    let text = src.replacen("      sa[17] = -0.30865726f;\n", "", 1);
    let e = error_of(&text);
    let line = syntax_line(&e, "synth_tanh_Weight_2.VALUES (for WEIGHT[2]) is declared with 18 values, but its fill methods assign only 17");
    assert_eq!(
        line,
        line_of(&text, "public static final float[] VALUES = new float[18];")
    );
}

#[test]
fn a_gap_in_the_indices() {
    let src = source("synth_tanh");
    // Index 17 written twice instead of 16 then 17.
    let text = src.replacen("sa[16] = -0.5586413f;", "sa[17] = -0.5586413f;", 1);
    let e = error_of(&text);
    let line = syntax_line(&e, "assigned twice");
    assert_eq!(line, line_of(&text, "sa[17] = -0.30865726f;"));
}

#[test]
fn a_missing_holder_class() {
    let src = source("synth_tanh");
    let start = src
        .find("// Neuron weights connecting Tanh and Tanh layer\nclass synth_tanh_Weight_2")
        .unwrap();
    let end = src
        .find("// Neuron weights connecting Tanh and Tanh layer\nclass synth_tanh_Weight_3")
        .unwrap();
    let text = format!("{}{}", &src[..start], &src[end..]);
    let e = error_of(&text);
    let line = syntax_line(
        &e,
        "WEIGHT[2] refers to synth_tanh_Weight_2.VALUES, but there is no class synth_tanh_Weight_2",
    );
    assert_eq!(
        line,
        line_of(&text, "/* Tanh */ synth_tanh_Weight_2.VALUES")
    );
}

#[test]
fn a_missing_filler_class() {
    let src = source("synth_tanh");
    let text = src.replacen(
        "synth_tanh_Bias_2_0.fill(VALUES);",
        "synth_tanh_Bias_2_9.fill(VALUES);",
        1,
    );
    let e = error_of(&text);
    let line = syntax_line(&e, "no class synth_tanh_Bias_2_9 with a fill method");
    assert_eq!(line, line_of(&text, "synth_tanh_Bias_2_9.fill(VALUES);"));
}

#[test]
fn neurons_of_the_wrong_length() {
    let src = source("synth_tanh");
    let text = src.replacen("NEURONS = {22,6,3,6,22};", "NEURONS = {22,6,6,22};", 1);
    let e = error_of(&text);
    let line = syntax_line(&e, "BIAS has 5 entries, but NEURONS has 4 layers");
    assert_eq!(line, line_of(&text, "public static final double[][] BIAS"));
    // The right count but a wrong size: the holder that disagrees is named, at its line.
    let text = src.replacen("NEURONS = {22,6,3,6,22};", "NEURONS = {22,6,4,6,22};", 1);
    let e = error_of(&text);
    let line = syntax_line(&e, "BIAS[2] has 3 values, but NEURONS[2] = 4");
    assert_eq!(
        line,
        line_of(
            &text,
            "public static final double[] VALUES = new double[3];"
        )
    );
    let text = src.replacen("NEURONS = {22,6,3,6,22};", "NEURONS = {22,6};", 1);
    syntax_line(&error_of(&text), "NEURONS = [22, 6]");
}

#[test]
fn another_algorithm() {
    let src = source("synth_tanh");
    let text = src.replacen("algorithm=\"deeplearning\"", "algorithm=\"gbm\"", 1);
    let e = error_of(&text);
    let msg = e.to_string();
    assert!(matches!(e, ModelError::Unsupported { .. }), "{e:?}");
    assert!(
        msg.contains("line 23") && msg.contains("gbm") && msg.starts_with("bad.java"),
        "{msg}"
    );
    // A supervised deep-learning POJO.
    let text = src.replacen(
        "hex.ModelCategory.AutoEncoder",
        "hex.ModelCategory.Binomial",
        1,
    );
    let msg = error_of(&text).to_string();
    assert!(msg.contains("line 25") && msg.contains("Binomial"), "{msg}");
    // Not a GenModel at all.
    let msg = error_of("public class Hello { public static void main(String[] a) {} }").to_string();
    assert!(
        msg.contains("does not extend hex.genmodel.GenModel"),
        "{msg}"
    );
}

#[test]
fn bad_literals() {
    let src = source("synth_tanh");
    let text = src.replacen("sa[3] = -0.6148251f;", "sa[3] = 1.2.3f;", 1);
    let line = syntax_line(&error_of(&text), "'1.2.3f' is not a Java numeric literal");
    assert_eq!(line, line_of(&text, "sa[3] = 1.2.3f;"));
    // A double in a float array: javac rejects it.
    let text = src.replacen("sa[3] = -0.6148251f;", "sa[3] = -0.6148251;", 1);
    let line = syntax_line(
        &error_of(&text),
        "sa[3]: a double value cannot be stored in a float array",
    );
    assert_eq!(line, line_of(&text, "sa[3] = -0.6148251;"));
    let text = src.replacen("sa[3] = -0.6148251f;", "sa[3] = Float.Nope;", 1);
    syntax_line(&error_of(&text), "'Float.Nope' is not a value");
    let text = src.replacen("sa[3] = -0.6148251f;", "sa[3] = \"x\";", 1);
    syntax_line(&error_of(&text), "a string where a number belongs");
}

#[test]
fn named_float_constants_are_read() {
    let src = source("synth_tanh");
    let text = src
        .replacen("sa[3] = -0.6148251f;", "sa[3] = Float.NaN;", 1)
        .replacen(
            "sa[4] = -0.18810177f;",
            "sa[4] = Float.POSITIVE_INFINITY;",
            1,
        )
        .replacen(
            "sa[5] = 0.23173584f;",
            "sa[5] = -Float.POSITIVE_INFINITY;",
            1,
        )
        .replacen(
            "sa[6] = -0.06561199f;",
            "sa[6] = Float.NEGATIVE_INFINITY;",
            1,
        )
        .replacen("sa[7] = 0.19533455f;", "sa[7] = 1.0E-5f;", 1)
        .replacen("sa[0] = -0.1922479752073292;", "sa[0] = Double.NaN;", 1)
        .replacen("sa[1] = -0.9384733789241388;", "sa[1] = 2;", 1);
    let m = read_pojo_bytes(text.as_bytes(), "c.java").unwrap();
    let w = m.layers()[0].weights.as_slice().unwrap();
    assert!(w[3].is_nan());
    assert_eq!(
        &w[4..8],
        &[f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY, 1.0e-5]
    );
    let b = m.layers()[0].bias.as_slice().unwrap();
    assert!(b[0].is_nan());
    assert_eq!(b[1], 2.0);
}

#[test]
fn index_out_of_range() {
    let src = source("synth_tanh");
    let text = src.replacen("sa[5] = 0.23173584f;", "sa[999999] = 0.23173584f;", 1);
    let e = error_of(&text);
    let line = syntax_line(
        &e,
        "sa[999999] is out of range: synth_tanh_Weight_1.VALUES (for WEIGHT[1]) has length 132",
    );
    assert_eq!(line, line_of(&text, "sa[999999]"));
}

#[test]
fn a_huge_declared_length_allocates_nothing() {
    let src = source("synth_tanh");
    let text = src.replacen("new float[132];", "new float[2000000000];", 1);
    let e = error_of(&text);
    syntax_line(
        &e,
        "declared with 2000000000 values, but its fill methods assign only 132",
    );
}

#[test]
fn empty_binary_and_foreign_files() {
    for (bytes, needle) in [
        (&b""[..], "the file is empty"),
        (&b"  \n\t"[..], "the file is empty"),
        (&b"\xff\xfe\x00garbage\x01\x02"[..], "not UTF-8 text"),
        (
            &b"PK\x03\x04\x00\x00"[..],
            "expected a class declaration, found 'PK'",
        ),
        (&b"\x00\x01\x02\x03"[..], "unexpected character"),
        (&b"// just a comment\n"[..], "no Java code"),
        (&b"/* unterminated"[..], "unterminated /* comment"),
        (&b"public class X extends GenModel {"[..], "truncated"),
        (&b"class X { int a = ; }"[..], "expected a value"),
        (&b"{}"[..], "expected a class declaration"),
    ] {
        let e = read_pojo_bytes(bytes, "bad.java").unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("bad.java: line "), "{msg}");
        assert!(msg.contains(needle), "'{needle}' not in: {msg}");
    }
}

#[test]
fn maxout_and_missing_comments() {
    let src = source("synth_tanh");
    let text = src.replace("/* Tanh */", "/* Maxout */");
    let msg = error_of(&text).to_string();
    assert!(
        msg.contains("Maxout is not supported") && msg.contains("line "),
        "{msg}"
    );
    let text = src.replace("/* Tanh */", "");
    let msg = error_of(&text).to_string();
    assert!(msg.contains("cannot tell the activation"), "{msg}");
    // Comments that disagree.
    let text = src.replacen(
        "/* Tanh */ synth_tanh_Bias_2.VALUES",
        "/* Rectifier */ synth_tanh_Bias_2.VALUES",
        1,
    );
    let line = syntax_line(
        &error_of(&text),
        "layer 2 is commented /* Rectifier */ here but /* Tanh */",
    );
    assert_eq!(line, line_of(&text, "/* Rectifier */ synth_tanh_Bias_2"));
}

#[test]
fn sniffing() {
    let src = source("synth_tanh");
    assert!(looks_like_java(src.as_bytes()));
    assert!(looks_like_java(b"\xef\xbb\xbf// c\n/* d */ import x;"));
    assert!(!looks_like_java(b"PK\x03\x04"));
    assert!(!looks_like_java(b"[info]\nalgorithm = Deep Learning"));
    let zip = std::fs::read(fixtures_dir().join("models/synth_tanh.zip")).unwrap();
    assert!(!looks_like_java(&zip));
    // load_model_bytes tells them apart, whatever the name says.
    let m = ae4j_core::load_model_bytes(src.as_bytes(), "model").unwrap();
    assert_eq!(m.info().format, "pojo");
    let m = ae4j_core::load_model_bytes(&zip, "model.java").unwrap();
    assert_eq!(m.info().format, "mojo");
    // A .java copy under another extension is still recognized by load_model.
    let dir = std::env::temp_dir().join(format!("ae4j-pojo-sniff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("model.txt");
    std::fs::write(&p, &src).unwrap();
    assert_eq!(ae4j_core::load_model(&p).unwrap().info().format, "pojo");
    let empty = dir.join("empty.java");
    std::fs::write(&empty, "").unwrap();
    let msg = ae4j_core::load_model(&empty).unwrap_err().to_string();
    assert!(msg.contains("the file is empty"), "{msg}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn strings_are_unescaped() {
    let src = source("synth_tanh");
    let text = src
        .replacen(
            "sa[0] = \"BR\";",
            r#"sa[0] = "B\"R\\ \u00e9\uD83D\uDE00\t\101";"#,
            1,
        )
        .replacen("sa[3] = \"age\";", r#"sa[3] = "a\nge";"#, 1);
    let m = read_pojo_bytes(text.as_bytes(), "s.java").unwrap();
    assert_eq!(m.columns()[0].domain.as_ref().unwrap()[0], "B\"R\\ é😀\tA");
    assert_eq!(m.columns()[3].name, "a\nge");
    assert_eq!(m.columns()[0].domain.as_ref().unwrap()[1], "Côte d'Ivoire");
}

#[test]
fn the_wide_pojo_parses_fast() {
    let bytes = std::fs::read(fixtures_dir().join("models/digits_wide_tanh.java")).unwrap();
    let start = std::time::Instant::now();
    let m = read_pojo_bytes(&bytes, "digits_wide_tanh.java").unwrap();
    let took = start.elapsed();
    eprintln!(
        "digits_wide_tanh.java ({} bytes): parsed in {took:?}",
        bytes.len()
    );
    assert_eq!(m.layer_sizes(), [61, 256, 128, 256, 61]);
    // Generous, for unoptimized test builds on a loaded machine; release takes a few ms.
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
}
