//! The POJO reader: the `.java` source H2O generates for a deep-learning autoencoder
//! (`Model.toJava`, layout in h2o-dl-format-spec.md §6) into the same [`ModelSpec`] the MOJO
//! reader builds, so both score alike.
//!
//! The source is tokenized once (whitespace, line breaks and comments are free), its class
//! declarations are read, and the arrays are assembled from the holder classes H2O writes
//! (`<id>_Weight_<i>`, `<id>_Bias_<i>`, `NamesHolder_<id>`, `<id>_ColInfo_<i>`, the nested
//! `NORMMUL`/`NORMSUB`), each filled by nested `X_<j>.fill(VALUES)` chunks of `sa[<i>] = <v>;`.
//! Literals are read as javac reads them: a `float` literal is rounded once, straight to
//! float32. The activation exists only in comments (`/* TanhDropout */`).
//!
//! Deliberate differences from the compiled POJO (they are genmodel bugs; the MOJO and the H2O
//! server are right): `NORMMUL.VALUES = null` (`standardize=false`) scores like the MOJO
//! instead of throwing a NullPointerException on every row, and ExpRectifier models get their
//! activation (the generated `score0` applies none).
//!
//! Errors name the file and, for anything in the source, the line.

mod lex;
mod literal;
pub mod probe;
mod syntax;

use std::path::Path;

use crate::activation::Activation;
use crate::error::ModelError;
use crate::model::{Model, ModelInfo};
use crate::spec::ModelSpec;

use syntax::{Class, Elem, Expr, File, Item, Parser, Value, Values};

/// The largest POJO source read from a file (a 10-million-weight network is ~250 MB of text).
pub const MAX_POJO_BYTES: u64 = 4 << 30;

/// Reads a POJO from the bytes of its `.java` source. `name` is used in error messages.
pub fn read_pojo_bytes(bytes: &[u8], name: &str) -> Result<Model, ModelError> {
    read_pojo_spec(bytes, name)?.build(name)
}

/// Reads a POJO `.java` file.
pub fn read_pojo_path(path: &Path) -> Result<Model, ModelError> {
    let name = path.display().to_string();
    let io = |source| ModelError::Io {
        path: name.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_POJO_BYTES {
        return Err(ModelError::TooLarge {
            path: name.clone(),
            what: "the POJO source".into(),
            size,
            limit: MAX_POJO_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    read_pojo_bytes(&bytes, &name)
}

/// Whether `bytes` look like Java source rather than a MOJO zip: after an optional byte-order
/// mark, whitespace and comments, a `package`, `import`, annotation or class declaration.
pub fn looks_like_java(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // A multi-byte char cut at the end of the window is fine.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return false,
    };
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.find('\n').map_or("", |i| &r[i..]);
        } else if let Some(r) = rest.strip_prefix("/*") {
            match r.find("*/") {
                Some(i) => rest = &r[i + 2..],
                None => return false,
            }
        } else {
            break;
        }
    }
    [
        "package", "import", "@", "public", "class", "final", "abstract",
    ]
    .iter()
    .any(|kw| rest.starts_with(kw))
}

/// Reads a POJO source into a [`ModelSpec`] (not yet validated: see [`ModelSpec::build`]).
pub fn read_pojo_spec(bytes: &[u8], name: &str) -> Result<ModelSpec, ModelError> {
    let syntax = |line: usize, reason: String| ModelError::Syntax {
        path: name.to_string(),
        line,
        reason,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(syntax(
            1,
            "the file is empty: expected the Java source of an H2O POJO".into(),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        syntax(
            line,
            format!(
                "not UTF-8 text (invalid byte 0x{:02X} at offset {at}): not the Java source of an H2O POJO",
                bytes[at]
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file = Parser::new(text)
        .file()
        .map_err(|(line, reason)| syntax(line, reason))?;
    Reader {
        src: text,
        name,
        file: &file,
    }
    .spec()
}

struct Reader<'a> {
    src: &'a str,
    name: &'a str,
    file: &'a File,
}

/// Column names and their domains (`None` for a numeric).
type Columns = (Vec<String>, Vec<Option<Vec<String>>>);

/// A class and the classes enclosing it (innermost first), for name lookup.
type Scope<'a> = Vec<&'a Class>;

impl<'a> Reader<'a> {
    fn syntax(&self, line: usize, reason: String) -> ModelError {
        ModelError::Syntax {
            path: self.name.to_string(),
            line,
            reason,
        }
    }

    fn unsupported(&self, line: usize, reason: String) -> ModelError {
        ModelError::Unsupported {
            path: self.name.to_string(),
            reason: format!("line {line}: {reason}"),
        }
    }

    fn spec(&self) -> Result<ModelSpec, ModelError> {
        let main = self.main_class()?;
        self.check_kind(main)?;
        let scope: Scope = vec![main];
        let neurons_field = self.field(main, "NEURONS")?;
        let neurons = self.usizes(
            &scope,
            neurons_field.init.as_ref(),
            "NEURONS",
            neurons_field.line,
        )?;
        if neurons.len() < 3 {
            return Err(self.syntax(
                neurons_field.line,
                format!("NEURONS = {neurons:?}: an autoencoder has an input, at least one hidden and an output layer"),
            ));
        }
        let offsets_field = self.field(main, "CATOFFSETS")?;
        let cat_offsets = self.usizes(
            &scope,
            offsets_field.init.as_ref(),
            "CATOFFSETS",
            offsets_field.line,
        )?;

        let (columns, domains) = self.columns(main, &scope)?;
        let nums = domains.iter().filter(|d| d.is_none()).count();
        let (norm_mul, norm_sub) = (
            self.norm(main, "NORMMUL", nums)?,
            self.norm(main, "NORMSUB", nums)?,
        );

        let hidden_dropout_ratios = match main.field("HIDDEN_DROPOUT_RATIOS") {
            Some(f) => self
                .values(
                    &scope,
                    f.init.as_ref(),
                    Elem::Double,
                    "HIDDEN_DROPOUT_RATIOS",
                    f.line,
                )?
                .map(f64s)
                .unwrap_or_default(),
            None => Vec::new(),
        };

        let (weights, biases) = self.layers(main, &scope, &neurons)?;
        let activation = self.activation(main, neurons.len())?;

        Ok(ModelSpec {
            info: ModelInfo {
                format: "pojo".into(),
                h2o_version: self.h2o_version(),
                mojo_version: None,
                model_id: Some(main.name.clone()),
            },
            columns,
            domains,
            cat_offsets,
            norm_mul,
            norm_sub,
            activation: Some(activation),
            layer_sizes: neurons,
            weights,
            biases,
            hidden_dropout_ratios,
        })
    }

    /// The model class: the one annotated `@ModelPojo`, else the public class.
    fn main_class(&self) -> Result<&'a Class, ModelError> {
        let classes = &self.file.classes;
        let annotated = classes
            .iter()
            .find(|c| c.annotations.iter().any(|a| a.name == "ModelPojo"));
        let main = annotated
            .or_else(|| classes.iter().find(|c| c.public))
            .ok_or_else(|| {
                self.syntax(
                    classes.first().map_or(1, |c| c.line),
                    "no public class: not the source of an H2O POJO".into(),
                )
            })?;
        for (i, c) in classes.iter().enumerate() {
            if let Some(d) = classes[..i].iter().find(|d| d.name == c.name) {
                return Err(self.syntax(
                    c.line,
                    format!(
                        "class {} is declared twice (also at line {})",
                        c.name, d.line
                    ),
                ));
            }
        }
        Ok(main)
    }

    /// Deep-learning autoencoders only; anything else is named in the error.
    fn check_kind(&self, main: &Class) -> Result<(), ModelError> {
        if let Some(a) = main.annotations.iter().find(|a| a.name == "ModelPojo") {
            if let Some((_, e)) = a.args.iter().find(|(k, _)| k == "algorithm") {
                let algo = match e {
                    Expr::Value(Value::Str(s)) => s.as_str(),
                    _ => "",
                };
                if algo != "deeplearning" {
                    return Err(self.unsupported(
                        a.line,
                        format!("@ModelPojo(algorithm=\"{algo}\"): this is not a deep-learning POJO; ae4j scores H2O deep-learning autoencoders only"),
                    ));
                }
            }
        }
        if main.extends.as_deref() != Some("GenModel") {
            return Err(self.unsupported(
                main.line,
                format!(
                    "class {} does not extend hex.genmodel.GenModel: not an H2O POJO",
                    main.name
                ),
            ));
        }
        let m = main.method("getModelCategory").ok_or_else(|| {
            self.syntax(
                main.line,
                format!(
                    "class {} has no getModelCategory() method: not an H2O POJO",
                    main.name
                ),
            )
        })?;
        let category = m
            .body
            .as_ref()
            .and_then(|b| match b.as_slice() {
                [ret, path @ .., semi] if ret == "return" && semi == ";" => path.last().cloned(),
                _ => None,
            })
            .unwrap_or_default();
        if category != "AutoEncoder" {
            let what = if category.is_empty() {
                "an unrecognized category".to_string()
            } else {
                category
            };
            return Err(self.unsupported(
                m.line,
                format!("getModelCategory() returns {what}; ae4j scores autoencoders (ModelCategory.AutoEncoder) only"),
            ));
        }
        Ok(())
    }

    fn field(&self, class: &'a Class, name: &str) -> Result<&'a syntax::Field, ModelError> {
        class.field(name).ok_or_else(|| {
            self.syntax(
                class.line,
                format!("class {} has no {name} array", class.name),
            )
        })
    }

    /// `NAMES` and `DOMAINS`, cut to `nfeatures()` when the class says it.
    fn columns(&self, main: &'a Class, scope: &Scope<'a>) -> Result<Columns, ModelError> {
        let names_field = self.field(main, "NAMES")?;
        let names = self
            .values(
                scope,
                names_field.init.as_ref(),
                Elem::Str,
                "NAMES",
                names_field.line,
            )?
            .map(strings)
            .ok_or_else(|| self.syntax(names_field.line, "NAMES is null".into()))?;
        let domains_field = self.field(main, "DOMAINS")?;
        let items = match &domains_field.init {
            Some(Expr::Array(items)) => items,
            _ => {
                return Err(self.syntax(
                    domains_field.line,
                    "DOMAINS is not an array initializer `new String[][] { ... }`".into(),
                ))
            }
        };
        let mut n = names.len();
        if let Some(m) = main.method("nfeatures") {
            let nf = m.body.as_ref().and_then(|b| match b.as_slice() {
                [ret, v, semi] if ret == "return" && semi == ";" => v.parse::<usize>().ok(),
                _ => None,
            });
            if let Some(nf) = nf {
                if nf > names.len() {
                    return Err(self.syntax(
                        m.line,
                        format!(
                            "nfeatures() is {nf}, but NAMES (line {}) has {} names",
                            names_field.line,
                            names.len()
                        ),
                    ));
                }
                n = nf;
            }
        }
        if items.len() < n {
            return Err(self.syntax(
                domains_field.line,
                format!("DOMAINS has {} entries for {n} columns", items.len()),
            ));
        }
        let mut domains = Vec::with_capacity(n);
        for (i, item) in items[..n].iter().enumerate() {
            let what = format!("DOMAINS[{i}] (column '{}')", names[i]);
            domains.push(
                self.values(scope, Some(&item.expr), Elem::Str, &what, item.line)?
                    .map(strings),
            );
        }
        let mut names = names;
        names.truncate(n);
        Ok((names, domains))
    }

    /// `NORMMUL.VALUES` / `NORMSUB.VALUES`: `None` when null (standardize=false).
    fn norm(
        &self,
        main: &'a Class,
        which: &str,
        nums: usize,
    ) -> Result<Option<Vec<f64>>, ModelError> {
        let Some(class) = main.nested(which) else {
            if nums > 0 {
                return Err(self.syntax(
                    main.line,
                    format!(
                        "class {} has {nums} numeric columns but no nested class {which}",
                        main.name
                    ),
                ));
            }
            return Ok(None);
        };
        let scope: Scope = vec![class, main];
        let what = format!("{which}.VALUES");
        let v = self.holder(&scope, class, Elem::Double, &what, class.line)?;
        Ok(v.map(f64s))
    }

    /// Weights and biases of layers 1.., checked against NEURONS.
    #[allow(clippy::type_complexity)]
    fn layers(
        &self,
        main: &'a Class,
        scope: &Scope<'a>,
        neurons: &[usize],
    ) -> Result<(Vec<Vec<f32>>, Vec<Vec<f64>>), ModelError> {
        let mut weights = Vec::with_capacity(neurons.len() - 1);
        let mut biases = Vec::with_capacity(neurons.len() - 1);
        for (array, elem) in [("BIAS", Elem::Double), ("WEIGHT", Elem::Float)] {
            let field = self.field(main, array)?;
            let items = self.layer_items(field, array, neurons.len())?;
            for (i, item) in items.iter().enumerate().skip(1) {
                let what = format!("{array}[{i}]");
                let values = self
                    .values(scope, Some(&item.expr), elem, &what, item.line)?
                    .ok_or_else(|| self.syntax(item.line, format!("{what} is null")))?;
                let (rows, cols) = (neurons[i], neurons[i - 1]);
                let expected = if elem == Elem::Float {
                    rows.checked_mul(cols)
                } else {
                    Some(rows)
                };
                if Some(values.len()) != expected {
                    let line = self.decl_line(scope, &item.expr).unwrap_or(item.line);
                    let shape = if elem == Elem::Float {
                        format!("NEURONS[{i}] x NEURONS[{}] = {rows} x {cols}", i - 1)
                    } else {
                        format!("NEURONS[{i}] = {rows}")
                    };
                    return Err(self.syntax(
                        line,
                        format!("{what} has {} values, but {shape}", values.len()),
                    ));
                }
                match values {
                    Values::F32(v) => weights.push(v),
                    other => biases.push(f64s(other)),
                }
            }
        }
        Ok((weights, biases))
    }

    /// The items of BIAS/WEIGHT/ACTIVATION: one per layer of NEURONS.
    fn layer_items(
        &self,
        field: &'a syntax::Field,
        array: &str,
        layers: usize,
    ) -> Result<&'a [Item], ModelError> {
        match &field.init {
            Some(Expr::Array(items)) if items.len() == layers => Ok(items),
            Some(Expr::Array(items)) => Err(self.syntax(
                field.line,
                format!(
                    "{array} has {} entries, but NEURONS has {layers} layers",
                    items.len()
                ),
            )),
            _ => Err(self.syntax(field.line, format!("{array} is not an array initializer"))),
        }
    }

    /// The line of the `VALUES` declaration a `X.VALUES` reference points to.
    fn decl_line(&self, scope: &Scope<'a>, expr: &Expr) -> Option<usize> {
        let Expr::Name(path) = expr else { return None };
        let class = self.find_class(scope, &path[..path.len() - 1])?;
        class.field("VALUES").map(|f| f.line)
    }

    /// The activation, from the `/* <Neurons> */` comments of the ACTIVATION, BIAS and WEIGHT
    /// entries: hidden layers say e.g. `TanhDropout`, the output layer `Tanh`.
    fn activation(&self, main: &'a Class, layers: usize) -> Result<Activation, ModelError> {
        let mut per_layer: Vec<Option<(String, usize)>> = vec![None; layers];
        for array in ["ACTIVATION", "BIAS", "WEIGHT"] {
            let Some(field) = main.field(array) else {
                continue;
            };
            let items = self.layer_items(field, array, layers)?;
            for (i, item) in items.iter().enumerate().skip(1) {
                let Some(c) = item.comment.as_deref() else {
                    continue;
                };
                match &per_layer[i] {
                    Some((seen, line)) if seen != c => {
                        return Err(self.syntax(
                            item.line,
                            format!(
                            "layer {i} is commented /* {c} */ here but /* {seen} */ at line {line}"
                        ),
                        ))
                    }
                    Some(_) => {}
                    None => per_layer[i] = Some((c.to_string(), item.line)),
                }
            }
        }
        let mut activation: Option<(Activation, usize)> = None;
        for (i, entry) in per_layer.iter().enumerate().skip(1) {
            let Some((neurons, line)) = entry else {
                return Err(self.syntax(
                    main.line,
                    format!("cannot tell the activation: layer {i} has no /* <activation> */ comment in ACTIVATION, BIAS or WEIGHT (H2O writes one; the activation is nowhere else in a POJO)"),
                ));
            };
            let output = i == layers - 1;
            let (base, dropout) = match neurons.strip_suffix("Dropout") {
                Some(b) => (b, true),
                None => (neurons.as_str(), false),
            };
            let a = match (base, dropout) {
                ("Tanh", false) => Activation::Tanh,
                ("Tanh", true) => Activation::TanhWithDropout,
                ("Rectifier", false) => Activation::Rectifier,
                ("Rectifier", true) => Activation::RectifierWithDropout,
                ("ExpRectifier", false) => Activation::ExpRectifier,
                ("ExpRectifier", true) => Activation::ExpRectifierWithDropout,
                ("Maxout", _) => {
                    return Err(self.unsupported(*line, format!("activation {neurons} is not supported: H2O does not train Maxout autoencoders")))
                }
                _ => {
                    return Err(self.unsupported(*line, format!("layer {i} has neurons of type {neurons}; an autoencoder has Tanh, Rectifier or ExpRectifier layers (with or without Dropout)")))
                }
            };
            if output {
                // The output layer is the non-dropout kind of the hidden layers.
                let expected = activation.map(|(h, _)| base_of(h));
                if dropout || expected.is_some_and(|e| e != a) {
                    return Err(self.syntax(
                        *line,
                        format!("the output layer is /* {neurons} */, which does not go with hidden layers of {}", activation.map_or("?", |(h, _)| h.name())),
                    ));
                }
            } else {
                match activation {
                    Some((h, l)) if h != a => {
                        return Err(self.syntax(
                            *line,
                            format!("layer {i} is /* {neurons} */ but layer 1 (line {l}) is {h}: H2O uses one activation for every hidden layer"),
                        ))
                    }
                    Some(_) => {}
                    None => activation = Some((a, *line)),
                }
            }
        }
        Ok(activation.expect("NEURONS has at least one hidden layer").0)
    }

    /// The H2O version from the header comment (`AUTOGENERATED BY H2O at ...` then `3.46.0.7`).
    fn h2o_version(&self) -> Option<String> {
        let header = self.file.header.as_deref()?;
        header
            .lines()
            .map(str::trim)
            .find(|l| {
                l.split('.').count() >= 3
                    && l.split('.')
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            })
            .map(str::to_string)
    }

    /// An int array as sizes (no negatives).
    fn usizes(
        &self,
        scope: &Scope<'a>,
        init: Option<&Expr>,
        what: &str,
        line: usize,
    ) -> Result<Vec<usize>, ModelError> {
        let v = self
            .values(scope, init, Elem::Int, what, line)?
            .ok_or_else(|| self.syntax(line, format!("{what} is null")))?;
        let Values::Int(v) = v else {
            unreachable!("an int array")
        };
        v.into_iter()
            .map(|x| {
                usize::try_from(x)
                    .map_err(|_| self.syntax(line, format!("{what} holds the negative value {x}")))
            })
            .collect()
    }

    /// The array an expression denotes: `null`, an inline `{...}`, or `X.VALUES` of a holder.
    fn values(
        &self,
        scope: &Scope<'a>,
        init: Option<&Expr>,
        elem: Elem,
        what: &str,
        line: usize,
    ) -> Result<Option<Values>, ModelError> {
        match init {
            None => Err(self.syntax(line, format!("{what} has no initializer"))),
            Some(Expr::Value(Value::Null)) => Ok(None),
            Some(Expr::Array(items)) => {
                let mut out = Values::new(elem);
                for (k, item) in items.iter().enumerate() {
                    let Expr::Value(v) = &item.expr else {
                        return Err(self.syntax(item.line, format!("{what}[{k}] is not a literal")));
                    };
                    out.push(v.clone())
                        .map_err(|e| self.syntax(item.line, format!("{what}[{k}]: {e}")))?;
                }
                Ok(Some(out))
            }
            Some(Expr::Name(path)) if path.len() >= 2 && path[path.len() - 1] == "VALUES" => {
                let class_path = &path[..path.len() - 1];
                let class = self.find_class(scope, class_path).ok_or_else(|| {
                    self.syntax(
                        line,
                        format!(
                            "{what} refers to {}, but there is no class {} in the file",
                            path.join("."),
                            class_path.join(".")
                        ),
                    )
                })?;
                let mut inner: Scope = vec![class];
                inner.extend(scope.iter().copied());
                self.holder(&inner, class, elem, what, line)
            }
            Some(_) => Err(self.syntax(
                line,
                format!(
                    "{what} is neither null, an array initializer nor a <Holder>.VALUES reference"
                ),
            )),
        }
    }

    /// A class by (possibly qualified) name: nested classes of the scope, innermost first,
    /// then top-level classes.
    fn find_class(&self, scope: &Scope<'a>, path: &[String]) -> Option<&'a Class> {
        let (first, rest) = path.split_first()?;
        let mut class = scope
            .iter()
            .find_map(|c| (c.name == *first).then_some(*c).or_else(|| c.nested(first)))
            .or_else(|| self.file.classes.iter().find(|c| c.name == *first))?;
        for name in rest {
            class = class.nested(name)?;
        }
        Some(class)
    }

    /// The `VALUES` of a holder class: `null`, an inline array, or `new T[n]` filled by the
    /// `X_<j>.fill(VALUES)` calls of its static block, every index exactly once.
    fn holder(
        &self,
        scope: &Scope<'a>,
        class: &'a Class,
        elem: Elem,
        what: &str,
        line: usize,
    ) -> Result<Option<Values>, ModelError> {
        let field = class.field("VALUES").ok_or_else(|| {
            self.syntax(
                class.line,
                format!(
                    "class {} (for {what}, line {line}) has no VALUES field",
                    class.name
                ),
            )
        })?;
        let len = match &field.init {
            Some(Expr::NewArray { base, len: Some(n) }) if base == elem.name() => *n,
            Some(Expr::NewArray { base, .. }) => {
                return Err(self.syntax(
                    field.line,
                    format!(
                    "{}.VALUES (for {what}) is a new {base}[...], expected a {}[] of given length",
                    class.name,
                    elem.name()
                ),
                ))
            }
            other => {
                return self.values(
                    scope,
                    other.as_ref(),
                    elem,
                    &format!("{}.VALUES", class.name),
                    field.line,
                )
            }
        };
        if let Some(l) = class.other_static {
            return Err(self.syntax(
                l,
                format!(
                    "the static block of class {} does more than call fill methods",
                    class.name
                ),
            ));
        }
        // Fillers, in call order.
        let mut fillers = Vec::with_capacity(class.fills.len());
        let mut total = 0usize;
        for call in &class.fills {
            let c = class
                .nested(&call.class)
                .or_else(|| self.find_class(scope, std::slice::from_ref(&call.class)));
            let Some(filler) = c.and_then(|c| c.filler.as_ref()) else {
                return Err(self.syntax(
                    call.line,
                    format!("{}.fill(VALUES) (filling {what}): there is no class {} with a fill method in the file", call.class, call.class),
                ));
            };
            if call.arg != "VALUES" {
                return Err(self.syntax(
                    call.line,
                    format!(
                        "{}.fill({}) fills something other than VALUES",
                        call.class, call.arg
                    ),
                ));
            }
            if filler.elem != elem {
                return Err(self.syntax(
                    filler.line,
                    format!(
                        "{}.fill takes a {}[], but {what} is a {}[]",
                        call.class,
                        filler.elem.name(),
                        elem.name()
                    ),
                ));
            }
            total += filler.count;
            fillers.push(filler);
        }
        // Allocation is bounded by what the text holds, whatever the declared length.
        if len > total {
            return Err(self.syntax(
                field.line,
                format!("{}.VALUES (for {what}) is declared with {len} values, but its fill methods assign only {total}: the file is truncated or edited", class.name),
            ));
        }
        let mut out = Values::new(elem);
        let mut seen: Option<Vec<bool>> = None;
        for filler in fillers {
            for run in &filler.runs {
                let end = run.start + run.values.len();
                if end > len {
                    let bad = run.start.max(len);
                    let at = syntax::assignment_lines(self.src, filler, bad);
                    return Err(self.syntax(
                        at.first().copied().unwrap_or(filler.line),
                        format!(
                            "{}[{bad}] is out of range: {}.VALUES (for {what}) has length {len}",
                            filler.param, class.name
                        ),
                    ));
                }
                if seen.is_none() && run.start == out.len() {
                    append(&mut out, &run.values);
                    continue;
                }
                // Out of order: place value by value, on a full-length array.
                let seen = seen.get_or_insert_with(|| {
                    let mut s = vec![false; len];
                    s[..out.len()].iter_mut().for_each(|b| *b = true);
                    resize(&mut out, len);
                    s
                });
                for k in 0..run.values.len() {
                    let idx = run.start + k;
                    if std::mem::replace(&mut seen[idx], true) {
                        let at = syntax::assignment_lines(self.src, filler, idx);
                        return Err(self.syntax(
                            at.last().copied().unwrap_or(filler.line),
                            format!(
                                "{}[{idx}] of {}.VALUES (for {what}) is assigned twice",
                                filler.param, class.name
                            ),
                        ));
                    }
                    set(&mut out, idx, &run.values, k);
                }
            }
        }
        let missing = match &seen {
            Some(s) => s.iter().position(|b| !b),
            None => (out.len() < len).then_some(out.len()),
        };
        if let Some(k) = missing {
            return Err(self.syntax(
                field.line,
                format!(
                    "{}.VALUES (for {what}) has length {len}, but element {k} is never assigned",
                    class.name
                ),
            ));
        }
        if out.len() != len {
            // Assigned twice within the in-order path cannot happen; more than len is caught above.
            return Err(self.syntax(
                field.line,
                format!(
                    "{}.VALUES (for {what}): {} values for length {len}",
                    class.name,
                    out.len()
                ),
            ));
        }
        Ok(Some(out))
    }
}

fn base_of(a: Activation) -> Activation {
    match a {
        Activation::TanhWithDropout => Activation::Tanh,
        Activation::RectifierWithDropout => Activation::Rectifier,
        Activation::ExpRectifierWithDropout => Activation::ExpRectifier,
        other => other,
    }
}

fn f64s(v: Values) -> Vec<f64> {
    match v {
        Values::F64(v) => v,
        _ => unreachable!("a double array"),
    }
}

fn strings(v: Values) -> Vec<String> {
    match v {
        Values::Str(v) => v,
        _ => unreachable!("a String array"),
    }
}

fn append(out: &mut Values, more: &Values) {
    match (out, more) {
        (Values::F32(a), Values::F32(b)) => a.extend_from_slice(b),
        (Values::F64(a), Values::F64(b)) => a.extend_from_slice(b),
        (Values::Int(a), Values::Int(b)) => a.extend_from_slice(b),
        (Values::Str(a), Values::Str(b)) => a.extend_from_slice(b),
        _ => unreachable!("fillers are checked to match the array type"),
    }
}

fn resize(out: &mut Values, len: usize) {
    match out {
        Values::F32(a) => a.resize(len, 0.0),
        Values::F64(a) => a.resize(len, 0.0),
        Values::Int(a) => a.resize(len, 0),
        Values::Str(a) => a.resize(len, String::new()),
    }
}

fn set(out: &mut Values, idx: usize, from: &Values, k: usize) {
    match (out, from) {
        (Values::F32(a), Values::F32(b)) => a[idx] = b[k],
        (Values::F64(a), Values::F64(b)) => a[idx] = b[k],
        (Values::Int(a), Values::Int(b)) => a[idx] = b[k],
        (Values::Str(a), Values::Str(b)) => a[idx] = b[k].clone(),
        _ => unreachable!("fillers are checked to match the array type"),
    }
}
