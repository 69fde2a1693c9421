//! The declarations of a Java source file, as far as an H2O POJO needs them: classes (nested
//! ones too) with their fields and initializers, the `X_<j>.fill(VALUES);` calls of their static
//! blocks, the short bodies of simple methods, and the `sa[<i>] = <literal>;` assignments of
//! `fill` methods, read in one streaming pass (method bodies that do not matter are skipped by
//! brace matching; the lexer keeps strings and comments out of the count).

use super::lex::{unescape_string, Kind, LexError, Lexer, Token};
use super::literal::{named_constant, parse_number, Scalar};

/// A syntax error: line and reason.
pub(crate) type SynError = (usize, String);

fn lex(e: LexError) -> SynError {
    e
}

/// The element type of an array the POJO fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elem {
    Float,
    Double,
    Int,
    Str,
}

impl Elem {
    fn from_name(name: &str) -> Option<Elem> {
        Some(match name {
            "float" => Elem::Float,
            "double" => Elem::Double,
            "int" => Elem::Int,
            "String" => Elem::Str,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Elem::Float => "float",
            Elem::Double => "double",
            Elem::Int => "int",
            Elem::Str => "String",
        }
    }
}

/// Typed values: what a filler assigns, or a whole array.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Values {
    F32(Vec<f32>),
    F64(Vec<f64>),
    Int(Vec<i64>),
    Str(Vec<String>),
}

impl Values {
    pub fn new(elem: Elem) -> Values {
        match elem {
            Elem::Float => Values::F32(Vec::new()),
            Elem::Double => Values::F64(Vec::new()),
            Elem::Int => Values::Int(Vec::new()),
            Elem::Str => Values::Str(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Str(v) => v.len(),
        }
    }

    /// Appends a number already checked to fit (see `fast_assignment`).
    pub fn push_num(&mut self, v: Scalar) {
        match self {
            Values::F32(out) => out.push(v.to_f32().unwrap_or(f32::NAN)),
            Values::F64(out) => out.push(v.to_f64()),
            _ => unreachable!("the fast path reads float and double arrays only"),
        }
    }

    /// Appends one value, converted as a Java assignment to this element type would.
    pub fn push(&mut self, v: Value) -> Result<(), String> {
        match (self, v) {
            (Values::F32(out), Value::Num(s)) => out.push(s.to_f32()?),
            (Values::F64(out), Value::Num(s)) => out.push(s.to_f64()),
            (Values::Int(out), Value::Num(s)) => {
                let i = s.to_int()?;
                if i32::try_from(i).is_err() {
                    return Err(format!("{i} does not fit an int"));
                }
                out.push(i)
            }
            (Values::Str(out), Value::Str(s)) => out.push(s),
            (me, Value::Null) => {
                return Err(match me {
                    Values::Str(_) => "a null string where H2O writes a name or level".into(),
                    _ => "null is not a number".into(),
                })
            }
            (Values::Str(_), Value::Num(_)) => return Err("a number where a string belongs".into()),
            (_, Value::Str(_)) => return Err("a string where a number belongs".into()),
        }
        Ok(())
    }
}

/// One scalar value of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Num(Scalar),
    Str(String),
    Null,
}

/// The initializer of a field, as far as it matters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Value(Value),
    /// A (qualified) name: `x_Bias_1.VALUES`, `hex.ModelCategory.AutoEncoder`.
    Name(Vec<String>),
    /// `{a, b, c}` or `new T[]{a, b, c}`.
    Array(Vec<Item>),
    /// `new T[n]...` without an initializer: the element type name and the first dimension.
    NewArray {
        base: String,
        len: Option<usize>,
    },
    /// Anything else (a call, arithmetic, ...), not evaluated.
    Other,
}

/// An array initializer entry, with the block comment before it (`/* Tanh */`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub expr: Expr,
    pub comment: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: String,
    pub line: usize,
    pub init: Option<Expr>,
}

#[derive(Debug, Clone)]
pub(crate) struct Method {
    pub name: String,
    pub line: usize,
    /// The tokens of a short body (up to [`SHORT_BODY`] tokens), e.g. `return 8 ;`.
    pub body: Option<Vec<String>>,
}

const SHORT_BODY: usize = 48;

/// A `static { X_0.fill(VALUES); }` call.
#[derive(Debug, Clone)]
pub(crate) struct FillCall {
    pub class: String,
    pub arg: String,
    pub line: usize,
}

/// A run of consecutive assignments `sa[start + k] = values[k]`.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub start: usize,
    pub values: Values,
}

/// A `static void fill(T[] sa) { sa[i] = ...; }` method.
#[derive(Debug, Clone)]
pub(crate) struct Filler {
    pub line: usize,
    pub elem: Elem,
    pub param: String,
    pub runs: Vec<Run>,
    pub count: usize,
    /// Where the body starts (byte offset, line), to find the line of an assignment again.
    pub body_at: (usize, usize),
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Annotation {
    pub name: String,
    pub line: usize,
    pub args: Vec<(String, Expr)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Class {
    pub name: String,
    pub line: usize,
    pub public: bool,
    pub extends: Option<String>,
    pub annotations: Vec<Annotation>,
    pub fields: Vec<Field>,
    pub methods: Vec<Method>,
    pub fills: Vec<FillCall>,
    /// The line of a static-block statement other than a fill call, if any.
    pub other_static: Option<usize>,
    pub nested: Vec<Class>,
    pub filler: Option<Filler>,
}

impl Class {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn method(&self, name: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.name == name)
    }

    pub fn nested(&self, name: &str) -> Option<&Class> {
        self.nested.iter().find(|c| c.name == name)
    }
}

/// A parsed source file.
#[derive(Debug, Default)]
pub(crate) struct File {
    /// The text of the first comment of the file (H2O's header), if it is a block comment.
    pub header: Option<String>,
    pub classes: Vec<Class>,
}

const MODIFIERS: &[&str] = &[
    "public",
    "protected",
    "private",
    "static",
    "final",
    "abstract",
    "transient",
    "volatile",
    "synchronized",
    "native",
    "strictfp",
    "default",
    "sealed",
    "non-sealed",
];

pub(crate) struct Parser<'a> {
    lx: Lexer<'a>,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Self {
        Parser {
            lx: Lexer::new(src),
        }
    }

    fn text(&self, t: &Token) -> &'a str {
        self.lx.text(t)
    }

    fn describe(&self, t: &Token) -> String {
        match t.kind {
            Kind::Eof => "the end of the file".into(),
            _ => {
                let s = self.text(t);
                let s: String = s.chars().take(40).collect();
                format!("'{s}'")
            }
        }
    }

    fn expect_punct(&mut self, c: u8, context: &str) -> Result<Token, SynError> {
        let t = self.lx.next().map_err(lex)?;
        if self.lx.is_punct(&t, c) {
            return Ok(t);
        }
        Err(self.unexpected(&t, &format!("'{}' {context}", c as char)))
    }

    fn expect_ident(&mut self, context: &str) -> Result<Token, SynError> {
        let t = self.lx.next().map_err(lex)?;
        if t.kind == Kind::Ident {
            return Ok(t);
        }
        Err(self.unexpected(&t, &format!("a name {context}")))
    }

    fn unexpected(&self, t: &Token, expected: &str) -> SynError {
        if t.kind == Kind::Eof {
            return (
                t.line,
                format!("unexpected end of file, expected {expected}: the file is truncated"),
            );
        }
        (
            t.line,
            format!("expected {expected}, found {}", self.describe(t)),
        )
    }

    fn is_ident(&self, t: &Token, s: &str) -> bool {
        t.kind == Kind::Ident && self.text(t) == s
    }

    pub fn file(mut self) -> Result<File, SynError> {
        let mut file = File::default();
        let first = self.lx.peek().map_err(lex)?;
        if let Some(c) = first.comment {
            file.header = Some(self.lx.slice(c).to_string());
        }
        if first.kind == Kind::Eof {
            return Err((first.line, "no Java code in the file".into()));
        }
        loop {
            let t = self.lx.peek().map_err(lex)?;
            match t.kind {
                Kind::Eof => break,
                Kind::Punct if self.lx.is_punct(&t, b';') => {
                    self.lx.next().map_err(lex)?;
                }
                Kind::Ident if matches!(self.text(&t), "package" | "import") => {
                    self.lx.next().map_err(lex)?;
                    loop {
                        let u = self.lx.next().map_err(lex)?;
                        if self.lx.is_punct(&u, b';') {
                            break;
                        }
                        if u.kind == Kind::Eof || self.lx.is_punct(&u, b'{') {
                            return Err(self.unexpected(&u, "';' to end the import"));
                        }
                    }
                }
                _ => {
                    let (mods, annotations) = self.modifiers()?;
                    let t = self.lx.next().map_err(lex)?;
                    if !(t.kind == Kind::Ident
                        && matches!(self.text(&t), "class" | "interface" | "enum" | "record"))
                    {
                        return Err(self.unexpected(&t, "a class declaration"));
                    }
                    let mut class = self.class(t)?;
                    class.public = mods.contains(&"public");
                    class.annotations = annotations;
                    file.classes.push(class);
                }
            }
        }
        Ok(file)
    }

    /// Modifiers and annotations before a declaration.
    fn modifiers(&mut self) -> Result<(Vec<&'a str>, Vec<Annotation>), SynError> {
        let mut mods = Vec::new();
        let mut annotations = Vec::new();
        loop {
            let t = self.lx.peek().map_err(lex)?;
            if self.lx.is_punct(&t, b'@') {
                self.lx.next().map_err(lex)?;
                let name = self.qualified_name()?;
                if name.last().map(String::as_str) == Some("interface") {
                    return Err((
                        t.line,
                        "annotation type declarations are not supported".into(),
                    ));
                }
                let mut a = Annotation {
                    name: name.last().cloned().unwrap_or_default(),
                    line: t.line,
                    args: Vec::new(),
                };
                if self.lx.eat(b'(')? && !self.lx.eat(b')')? {
                    loop {
                        // `key = value` pairs, or a single value (`@A("x")`).
                        let t = self.lx.peek().map_err(lex)?;
                        let (key, value) = if t.kind == Kind::Ident {
                            self.lx.next().map_err(lex)?;
                            let key = self.text(&t).to_string();
                            self.expect_punct(b'=', "after an annotation argument name")?;
                            (key, self.expr()?)
                        } else {
                            ("value".to_string(), self.expr()?)
                        };
                        a.args.push((key, value));
                        if self.lx.eat(b')')? {
                            break;
                        }
                        self.expect_punct(b',', "between annotation arguments")?;
                    }
                }
                annotations.push(a);
            } else if t.kind == Kind::Ident && MODIFIERS.contains(&self.text(&t)) {
                self.lx.next().map_err(lex)?;
                mods.push(self.text(&t));
            } else {
                return Ok((mods, annotations));
            }
        }
    }

    fn qualified_name(&mut self) -> Result<Vec<String>, SynError> {
        let first = self.expect_ident("")?;
        let mut path = vec![self.text(&first).to_string()];
        while self.lx.peek().map_err(lex)?.kind == Kind::Punct && self.lx.eat(b'.')? {
            let t = self.expect_ident("after '.'")?;
            path.push(self.text(&t).to_string());
        }
        Ok(path)
    }

    /// A class after its `class` keyword (`kw`): header, then body.
    fn class(&mut self, kw: Token) -> Result<Class, SynError> {
        let name = self.expect_ident("after 'class'")?;
        let mut class = Class {
            name: self.text(&name).to_string(),
            line: name.line,
            ..Class::default()
        };
        // extends / implements / type parameters, up to the body.
        loop {
            let t = self.lx.next().map_err(lex)?;
            if self.lx.is_punct(&t, b'{') {
                break;
            }
            if t.kind == Kind::Eof || self.lx.is_punct(&t, b';') || self.lx.is_punct(&t, b'}') {
                return Err(self.unexpected(&t, &format!("the body of class {}", class.name)));
            }
            if self.is_ident(&t, "extends") && class.extends.is_none() {
                let path = self.qualified_name()?;
                class.extends = path.last().cloned();
            }
        }
        if self.text(&kw) != "class" {
            // Interfaces, enums and records are not part of a POJO's data.
            self.skip_block(class.line, &format!("{} {}", self.text(&kw), class.name))?;
            return Ok(class);
        }
        self.class_body(&mut class)?;
        Ok(class)
    }

    /// Members up to and including the closing brace.
    fn class_body(&mut self, class: &mut Class) -> Result<(), SynError> {
        loop {
            let t = self.lx.peek().map_err(lex)?;
            if t.kind == Kind::Eof {
                return Err((
                    t.line,
                    format!(
                        "unexpected end of file inside class {} (line {}): the file is truncated",
                        class.name, class.line
                    ),
                ));
            }
            if self.lx.eat(b'}')? {
                return Ok(());
            }
            if self.lx.eat(b';')? {
                continue;
            }
            let (mods, _) = self.modifiers()?;
            let t = self.lx.peek().map_err(lex)?;
            if self.lx.is_punct(&t, b'{') {
                self.lx.next().map_err(lex)?;
                if mods.contains(&"static") {
                    self.static_block(class)?;
                } else {
                    self.skip_block(t.line, "an initializer block")?;
                }
                continue;
            }
            if t.kind == Kind::Ident
                && matches!(self.text(&t), "class" | "interface" | "enum" | "record")
            {
                self.lx.next().map_err(lex)?;
                let nested = self.class(t)?;
                class.nested.push(nested);
                continue;
            }
            if self.lx.is_punct(&t, b'<') {
                self.skip_angle()?;
            }
            // A type, then a name; or a constructor `Name(`.
            let ty = self.type_name()?;
            let next = self.lx.peek().map_err(lex)?;
            if self.lx.is_punct(&next, b'(') {
                let name = ty.0.last().cloned().unwrap_or_default();
                self.method(class, name, t.line, None)?;
                continue;
            }
            let name = self.expect_ident("(a field or method name)")?;
            let name_text = self.text(&name).to_string();
            if self
                .lx
                .peek()
                .map_err(lex)
                .map(|n| self.lx.is_punct(&n, b'('))?
            {
                self.method(class, name_text, name.line, Some(ty))?;
                continue;
            }
            // Field declarators: name [= init] {, name [= init]} ;
            let mut field_name = name_text;
            let mut line = name.line;
            loop {
                while self.lx.eat(b'[')? {
                    self.expect_punct(b']', "after '['")?;
                }
                let init = if self.lx.eat(b'=')? {
                    Some(self.expr()?)
                } else {
                    None
                };
                class.fields.push(Field {
                    name: field_name,
                    line,
                    init,
                });
                if self.lx.eat(b',')? {
                    let n = self.expect_ident("(a field name)")?;
                    field_name = self.text(&n).to_string();
                    line = n.line;
                    continue;
                }
                self.expect_punct(b';', "after a field declaration")?;
                break;
            }
        }
    }

    /// A type: qualified name, type arguments skipped, then `[]`s. Returns (path, dims).
    fn type_name(&mut self) -> Result<(Vec<String>, usize), SynError> {
        let path = self.qualified_name()?;
        if self.lx.peek().map(|t| self.lx.is_punct(&t, b'<'))? {
            self.skip_angle()?;
        }
        let mut dims = 0;
        loop {
            let t = self.lx.peek().map_err(lex)?;
            if self.lx.is_punct(&t, b'[') {
                self.lx.next().map_err(lex)?;
                self.expect_punct(b']', "in an array type")?;
                dims += 1;
            } else if self.lx.is_punct(&t, b'.') {
                // varargs `...`
                self.lx.next().map_err(lex)?;
            } else {
                return Ok((path, dims));
            }
        }
    }

    fn skip_angle(&mut self) -> Result<(), SynError> {
        let open = self.expect_punct(b'<', "")?;
        let mut depth = 1;
        while depth > 0 {
            let t = self.lx.next().map_err(lex)?;
            if t.kind == Kind::Eof {
                return Err((open.line, "unclosed '<' (the file is truncated)".into()));
            }
            if self.lx.is_punct(&t, b'<') {
                depth += 1;
            } else if self.lx.is_punct(&t, b'>') {
                depth -= 1;
            } else if self.lx.is_punct(&t, b';') || self.lx.is_punct(&t, b'{') {
                return Err(self.unexpected(&t, "'>'"));
            }
        }
        Ok(())
    }

    /// Skips tokens up to the `}` matching an already consumed `{`.
    fn skip_block(&mut self, line: usize, what: &str) -> Result<(), SynError> {
        let mut depth = 1usize;
        loop {
            let t = self.lx.next().map_err(lex)?;
            match t.kind {
                Kind::Eof => {
                    return Err((
                        t.line,
                        format!(
                        "unexpected end of file inside {what} (line {line}): the file is truncated"
                    ),
                    ))
                }
                Kind::Punct if self.lx.is_punct(&t, b'{') => depth += 1,
                Kind::Punct if self.lx.is_punct(&t, b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    }

    /// A method or constructor from its parameter list on.
    fn method(
        &mut self,
        class: &mut Class,
        name: String,
        line: usize,
        ret: Option<(Vec<String>, usize)>,
    ) -> Result<(), SynError> {
        self.expect_punct(b'(', "")?;
        // Parameters: record them for `fill(T[] sa)`.
        let mut params: Vec<Token> = Vec::new();
        let mut depth = 1;
        loop {
            let t = self.lx.next().map_err(lex)?;
            if t.kind == Kind::Eof {
                return Err(self.unexpected(&t, &format!("')' closing the parameters of {name}")));
            }
            if self.lx.is_punct(&t, b'(') {
                depth += 1;
            } else if self.lx.is_punct(&t, b')') {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            } else if self.lx.is_punct(&t, b'{') || self.lx.is_punct(&t, b';') {
                return Err(self.unexpected(&t, &format!("')' closing the parameters of {name}")));
            }
            if params.len() < 8 {
                params.push(t);
            }
        }
        // throws ..., then a body or ';'.
        loop {
            let t = self.lx.next().map_err(lex)?;
            if self.lx.is_punct(&t, b';') {
                return Ok(());
            }
            if self.lx.is_punct(&t, b'{') {
                break;
            }
            if t.kind == Kind::Eof || self.lx.is_punct(&t, b'}') {
                return Err(self.unexpected(&t, &format!("the body of method {name}")));
            }
        }
        // `void fill(T[] sa)`: the data.
        let texts: Vec<&str> = params.iter().map(|t| self.text(t)).collect();
        let is_void = ret
            .as_ref()
            .is_some_and(|(p, d)| *d == 0 && p.len() == 1 && p[0] == "void");
        if name == "fill" && is_void {
            if let ([_, "[", "]", param], Some(elem)) = (
                texts.as_slice(),
                texts.first().and_then(|t| Elem::from_name(t)),
            ) {
                if params[3].kind == Kind::Ident {
                    if class.filler.is_some() {
                        return Err((line, format!("class {} has two fill methods", class.name)));
                    }
                    let filler = self.fill_body(elem, param, line, &class.name)?;
                    class.filler = Some(filler);
                    return Ok(());
                }
            }
        }
        // Other methods: keep short bodies, skip the rest.
        let mut body = Some(Vec::new());
        let mut depth = 1usize;
        loop {
            let t = self.lx.next().map_err(lex)?;
            match t.kind {
                Kind::Eof => {
                    return Err((
                        t.line,
                        format!(
                            "unexpected end of file inside method {name} (line {line}) of class {}: the file is truncated",
                            class.name
                        ),
                    ))
                }
                Kind::Punct if self.lx.is_punct(&t, b'{') => depth += 1,
                Kind::Punct if self.lx.is_punct(&t, b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            if let Some(b) = body.as_mut() {
                if b.len() >= SHORT_BODY {
                    body = None;
                } else {
                    b.push(self.text(&t).to_string());
                }
            }
        }
        class.methods.push(Method { name, line, body });
        Ok(())
    }

    /// `static { X_0.fill(VALUES); ... }` after its `{`.
    fn static_block(&mut self, class: &mut Class) -> Result<(), SynError> {
        loop {
            let t = self.lx.peek().map_err(lex)?;
            if self.lx.eat(b'}')? {
                return Ok(());
            }
            if self.lx.eat(b';')? {
                continue;
            }
            if t.kind == Kind::Ident {
                let path = self.qualified_name()?;
                if path.len() >= 2 && path[path.len() - 1] == "fill" && self.lx.eat(b'(')? {
                    let arg = self.expect_ident("(the array to fill)")?;
                    let arg = self.text(&arg).to_string();
                    self.expect_punct(b')', "after the fill argument")?;
                    self.expect_punct(b';', "after a fill call")?;
                    class.fills.push(FillCall {
                        class: path[path.len() - 2].clone(),
                        arg,
                        line: t.line,
                    });
                    continue;
                }
            }
            // Something else: remember it (a holder with it is not read), skip the statement.
            class.other_static.get_or_insert(t.line);
            let mut depth = 0usize;
            loop {
                let u = self.lx.next().map_err(lex)?;
                if u.kind == Kind::Eof {
                    return Err(self.unexpected(&u, "'}' closing a static block"));
                }
                if self.lx.is_punct(&u, b'{') {
                    depth += 1;
                } else if self.lx.is_punct(&u, b'}') {
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                } else if self.lx.is_punct(&u, b';') && depth == 0 {
                    break;
                }
            }
        }
    }

    /// The body of `fill(T[] sa)`: only `sa[<int>] = <value>;` statements.
    fn fill_body(
        &mut self,
        elem: Elem,
        param: &str,
        line: usize,
        class: &str,
    ) -> Result<Filler, SynError> {
        let mut filler = Filler {
            line,
            elem,
            param: param.to_string(),
            runs: Vec::new(),
            count: 0,
            body_at: self.lx.position(),
        };
        let mut current = Values::new(elem);
        let mut start = 0usize;
        loop {
            // H2O's own layout, `sa[12] = -0.5f;` on a line, matched on the bytes; anything else
            // (comments, odd spacing, named constants, errors) takes the token path below.
            if let Some((index, v)) = self.fast_assignment(param, elem) {
                if index != start + current.len() {
                    if current.len() > 0 {
                        let values = std::mem::replace(&mut current, Values::new(elem));
                        filler.runs.push(Run { start, values });
                    }
                    start = index;
                }
                current.push_num(v);
                filler.count += 1;
                continue;
            }
            let t = self.lx.next().map_err(lex)?;
            if t.kind == Kind::Ident && self.text(&t) == param {
                self.expect_punct(b'[', "after the array name")?;
                let i = self.lx.next().map_err(lex)?;
                let index = match i.kind {
                    Kind::Number => index_value(self.text(&i)),
                    _ => None,
                }
                .ok_or_else(|| self.unexpected(&i, "an array index"))?;
                self.expect_punct(b']', "after the index")?;
                self.expect_punct(b'=', "in an assignment")?;
                let v = self.scalar()?;
                let end = self.lx.next().map_err(lex)?;
                if !self.lx.is_punct(&end, b';') {
                    return Err(self.unexpected(&end, "';' after the value"));
                }
                if index != start + current.len() {
                    if current.len() > 0 {
                        let values = std::mem::replace(&mut current, Values::new(elem));
                        filler.runs.push(Run { start, values });
                    }
                    start = index;
                }
                current
                    .push(v.1)
                    .map_err(|e| (v.0, format!("{param}[{index}]: {e}")))?;
                filler.count += 1;
                continue;
            }
            if self.lx.is_punct(&t, b'}') {
                break;
            }
            if self.lx.is_punct(&t, b';') {
                continue;
            }
            if t.kind == Kind::Eof {
                return Err((
                    t.line,
                    format!("unexpected end of file inside the fill method of class {class} (line {line}): the file is truncated"),
                ));
            }
            return Err(self.unexpected(
                &t,
                &format!("'{param}[<index>] = <value>;' in the fill method of class {class}"),
            ));
        }
        if current.len() > 0 {
            filler.runs.push(Run {
                start,
                values: current,
            });
        }
        Ok(filler)
    }

    /// One `param[index] = literal;` statement in H2O's exact spacing, if the source has one
    /// next and its literal is valid for `elem`; consumed only then.
    fn fast_assignment(&mut self, param: &str, elem: Elem) -> Option<(usize, Scalar)> {
        if !matches!(elem, Elem::Float | Elem::Double) {
            return None;
        }
        let (src, mut i, mut line) = self.lx.raw()?;
        let b = src.as_bytes();
        while let Some(&c) = b.get(i) {
            match c {
                b' ' | b'\t' => {}
                b'\n' => line += 1,
                _ => break,
            }
            i += 1;
        }
        let p = param.as_bytes();
        if b.get(i..i + p.len())? != p || b.get(i + p.len()) != Some(&b'[') {
            return None;
        }
        i += p.len() + 1;
        let d = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let index = index_value(&src[d..i])?;
        if b.get(i..i + 4)? != b"] = " {
            return None;
        }
        i += 4;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let l = i;
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'f'))
        {
            i += 1;
        }
        if b.get(i) != Some(&b';') || i == l {
            return None;
        }
        let v = parse_number(&src[l..i]).ok()?;
        let v = if negative { v.negate() } else { v };
        // Only what the slow path would accept unchanged.
        match (elem, v) {
            (Elem::Float, Scalar::Float(_))
            | (Elem::Double, Scalar::Double(_) | Scalar::Float(_)) => {}
            _ => return None,
        }
        self.lx.skip_to(i + 1, line);
        Some((index, v))
    }

    /// A scalar: `[-+]* (number | Float.NaN | "string" | null)`; returns its line too.
    fn scalar(&mut self) -> Result<(usize, Value), SynError> {
        let t = self.lx.next().map_err(lex)?;
        let line = t.line;
        let v = match t.kind {
            Kind::Punct if self.lx.is_punct(&t, b'-') || self.lx.is_punct(&t, b'+') => {
                let (l, inner) = self.scalar()?;
                match inner {
                    Value::Num(s) if self.lx.is_punct(&t, b'-') => Value::Num(s.negate()),
                    Value::Num(s) => Value::Num(s),
                    _ => return Err((l, "a sign before a value that is not a number".into())),
                }
            }
            Kind::Number => Value::Num(parse_number(self.text(&t)).map_err(|e| (line, e))?),
            Kind::Str => Value::Str(unescape_string(self.text(&t)).map_err(|e| (line, e))?),
            Kind::Ident if self.text(&t) == "null" => Value::Null,
            Kind::Ident => {
                // Float.NaN, Double.POSITIVE_INFINITY, java.lang.Float.MAX_VALUE ...
                let mut path = vec![self.text(&t)];
                while self.lx.eat(b'.')? {
                    let n = self.expect_ident("after '.'")?;
                    path.push(self.text(&n));
                }
                let n = path.len();
                let prefix_ok = n == 2 || (n == 4 && path[0] == "java" && path[1] == "lang");
                match (prefix_ok, n >= 2) {
                    (true, true) => match named_constant(path[n - 2], path[n - 1]) {
                        Some(s) => Value::Num(s),
                        None => {
                            return Err((
                                line,
                                format!("'{}' is not a value ae4j can read", path.join(".")),
                            ))
                        }
                    },
                    _ => {
                        return Err((
                            line,
                            format!("'{}' is not a value ae4j can read", path.join(".")),
                        ))
                    }
                }
            }
            _ => return Err(self.unexpected(&t, "a value")),
        };
        Ok((line, v))
    }

    /// A field initializer.
    fn expr(&mut self) -> Result<Expr, SynError> {
        let t = self.lx.peek().map_err(lex)?;
        let e = match t.kind {
            Kind::Punct if self.lx.is_punct(&t, b'{') => {
                self.lx.next().map_err(lex)?;
                Expr::Array(self.array_items()?)
            }
            Kind::Ident if self.text(&t) == "new" => {
                self.lx.next().map_err(lex)?;
                let path = self.qualified_name()?;
                let base = path.last().cloned().unwrap_or_default();
                let mut len = None;
                let mut first = true;
                while self.lx.eat(b'[')? {
                    if !self.lx.eat(b']')? {
                        let n = self.lx.next().map_err(lex)?;
                        let v = match (n.kind, parse_number(self.text(&n))) {
                            (Kind::Number, Ok(Scalar::Int(v))) => v as usize,
                            _ => return Err(self.unexpected(&n, "an array length")),
                        };
                        if first {
                            len = Some(v);
                        }
                        self.expect_punct(b']', "after an array length")?;
                    }
                    first = false;
                }
                if self.lx.eat(b'{')? {
                    Expr::Array(self.array_items()?)
                } else {
                    Expr::NewArray { base, len }
                }
            }
            Kind::Ident if !matches!(self.text(&t), "null" | "true" | "false") => {
                let path = self.qualified_name()?;
                let n = path.len();
                if n >= 2 {
                    if let Some(s) = named_constant(&path[n - 2], &path[n - 1]) {
                        return self.end_of_expr(Expr::Value(Value::Num(s)));
                    }
                }
                Expr::Name(path)
            }
            Kind::Punct if self.lx.is_punct(&t, b'(') => Expr::Other,
            _ => Expr::Value(self.scalar()?.1),
        };
        self.end_of_expr(e)
    }

    /// After a primary: if the expression goes on (a call, an operator), it is `Other`.
    fn end_of_expr(&mut self, e: Expr) -> Result<Expr, SynError> {
        let t = self.lx.peek().map_err(lex)?;
        if t.kind == Kind::Punct && matches!(self.lx.text(&t), "," | ";" | "}" | ")") {
            return Ok(e);
        }
        // Skip the rest of the expression, brackets balanced.
        let mut depth = 0usize;
        loop {
            let t = self.lx.peek().map_err(lex)?;
            if t.kind == Kind::Eof {
                return Err(self.unexpected(&t, "the end of an expression"));
            }
            if t.kind == Kind::Punct {
                match self.lx.text(&t) {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth > 0 => depth -= 1,
                    "," | ";" | "}" | ")" if depth == 0 => return Ok(Expr::Other),
                    _ => {}
                }
            }
            self.lx.next().map_err(lex)?;
        }
    }

    /// Items of `{ ... }` after the `{`, with their comments.
    fn array_items(&mut self) -> Result<Vec<Item>, SynError> {
        let mut items = Vec::new();
        loop {
            if self.lx.eat(b'}')? {
                return Ok(items);
            }
            let t = self.lx.peek().map_err(lex)?;
            if t.kind == Kind::Eof {
                return Err(self.unexpected(&t, "'}' closing an array initializer"));
            }
            let comment = t.comment.map(|c| self.lx.slice(c).trim().to_string());
            let expr = self.expr()?;
            items.push(Item {
                expr,
                comment,
                line: t.line,
            });
            if !self.lx.eat(b',')? {
                self.expect_punct(b'}', "or ',' in an array initializer")?;
                return Ok(items);
            }
        }
    }
}

/// A plain decimal array index (`0`, `17`, not `017` or `1L`), below 2^31 like any Java index.
fn index_value(text: &str) -> Option<usize> {
    if text.len() > 10 || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    let mut v = 0usize;
    for d in text.bytes() {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + usize::from(d - b'0');
    }
    (v <= i32::MAX as usize).then_some(v)
}

/// The lines of the assignments to `param[index]` in a fill body (to report them).
pub(crate) fn assignment_lines(src: &str, filler: &Filler, index: usize) -> Vec<usize> {
    let mut lx = Lexer::at(src, filler.body_at.0, filler.body_at.1);
    let mut lines = Vec::new();
    let mut depth = 1usize;
    let mut window: [Option<Token>; 3] = [None; 3];
    while let Ok(t) = lx.next() {
        match t.kind {
            Kind::Eof => break,
            Kind::Punct if lx.is_punct(&t, b'{') => depth += 1,
            Kind::Punct if lx.is_punct(&t, b'}') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        // `param [ index`
        if let [Some(p), Some(b), Some(i)] = window {
            if p.kind == Kind::Ident
                && lx.text(&p) == filler.param
                && lx.is_punct(&b, b'[')
                && i.kind == Kind::Number
                && index_value(lx.text(&i)) == Some(index)
            {
                lines.push(p.line);
            }
        }
        window = [window[1], window[2], Some(t)];
    }
    lines
}
