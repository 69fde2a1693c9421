//! A Java tokenizer, just enough for H2O's generated POJOs: identifiers, number, string and char
//! literals, single-character punctuation. Comments are skipped, except that the text of the
//! last block comment before a token rides along with it (`/* Tanh */ x_Bias_1.VALUES`), since
//! the activation is only written there. One pass over the bytes, no allocation per token.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Ident,
    /// A numeric literal, taken greedily (`1.2.3f` is one, malformed, token).
    Number,
    /// A string literal, quotes included.
    Str,
    /// A char literal, quotes included.
    Char,
    /// One ASCII punctuation character.
    Punct,
    Eof,
}

/// A token: its kind and byte span in the source, its line (1-based), and the inner span of the
/// block comment right before it, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub comment: Option<(usize, usize)>,
}

/// A lexical error: the line and what is wrong.
pub(crate) type LexError = (usize, String);

pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    peeked: Option<Token>,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Self::at(src, 0, 1)
    }

    /// A lexer starting at byte `pos`, which is on line `line`.
    pub fn at(src: &'a str, pos: usize, line: usize) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos,
            line,
            peeked: None,
        }
    }

    pub fn text(&self, t: &Token) -> &'a str {
        &self.src[t.start..t.end]
    }

    pub fn slice(&self, span: (usize, usize)) -> &'a str {
        &self.src[span.0..span.1]
    }

    /// The byte offset and line where the next token (not yet peeked) would start scanning.
    pub fn position(&self) -> (usize, usize) {
        match &self.peeked {
            Some(t) => (t.start, t.line),
            None => (self.pos, self.line),
        }
    }

    /// The raw source from the scan position, when no token is peeked (for a fast path that
    /// matches a whole statement itself, then [`Lexer::skip_to`]s past it).
    pub fn raw(&self) -> Option<(&'a str, usize, usize)> {
        self.peeked
            .is_none()
            .then_some((self.src, self.pos, self.line))
    }

    pub fn skip_to(&mut self, pos: usize, line: usize) {
        debug_assert!(self.peeked.is_none() && pos >= self.pos);
        self.pos = pos;
        self.line = line;
    }

    pub fn peek(&mut self) -> Result<Token, LexError> {
        if let Some(t) = self.peeked {
            return Ok(t);
        }
        let t = self.scan()?;
        self.peeked = Some(t);
        Ok(t)
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Token, LexError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.scan(),
        }
    }

    /// Whether the next token is the punctuation `c` (consumed if so).
    pub fn eat(&mut self, c: u8) -> Result<bool, LexError> {
        let t = self.peek()?;
        if t.kind == Kind::Punct && self.bytes[t.start] == c {
            self.peeked = None;
            return Ok(true);
        }
        Ok(false)
    }

    pub fn is_punct(&self, t: &Token, c: u8) -> bool {
        t.kind == Kind::Punct && self.bytes[t.start] == c
    }

    fn scan(&mut self) -> Result<Token, LexError> {
        let b = self.bytes;
        let mut comment = None;
        loop {
            let Some(&c) = b.get(self.pos) else {
                return Ok(Token {
                    kind: Kind::Eof,
                    start: self.pos,
                    end: self.pos,
                    line: self.line,
                    comment,
                });
            };
            match c {
                b'\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                b'\r' => {
                    // `\r\n` counts once, at its `\n`; a lone `\r` ends a line too.
                    if b.get(self.pos + 1) != Some(&b'\n') {
                        self.line += 1;
                    }
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'/' if b.get(self.pos + 1) == Some(&b'/') => {
                    while self.pos < b.len() && b[self.pos] != b'\n' && b[self.pos] != b'\r' {
                        self.pos += 1;
                    }
                }
                b'/' if b.get(self.pos + 1) == Some(&b'*') => {
                    let open_line = self.line;
                    let inner = self.pos + 2;
                    let mut i = inner;
                    loop {
                        match b.get(i) {
                            None => {
                                return Err((
                                    open_line,
                                    "unterminated /* comment (the file may be truncated)".into(),
                                ))
                            }
                            Some(b'*') if b.get(i + 1) == Some(&b'/') => break,
                            Some(b'\n') => self.line += 1,
                            Some(b'\r') if b.get(i + 1) != Some(&b'\n') => self.line += 1,
                            _ => {}
                        }
                        i += 1;
                    }
                    comment = Some((inner, i));
                    self.pos = i + 2;
                }
                _ => break,
            }
        }
        let start = self.pos;
        let line = self.line;
        let c = b[start];
        let kind = if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 {
            let mut i = start + 1;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            self.pos = i;
            Kind::Ident
        } else if c.is_ascii_digit()
            || (c == b'.' && b.get(start + 1).is_some_and(u8::is_ascii_digit))
        {
            let hex = c == b'0' && matches!(b.get(start + 1), Some(b'x' | b'X'));
            let mut i = start + 1;
            while i < b.len() {
                let d = b[i];
                let sign_ok = matches!(d, b'+' | b'-')
                    && if hex {
                        matches!(b[i - 1], b'p' | b'P')
                    } else {
                        matches!(b[i - 1], b'e' | b'E')
                    };
                if d.is_ascii_alphanumeric() || d == b'_' || d == b'.' || sign_ok {
                    i += 1;
                } else {
                    break;
                }
            }
            self.pos = i;
            Kind::Number
        } else if c == b'"' || c == b'\'' {
            let mut i = start + 1;
            loop {
                match b.get(i) {
                    None | Some(b'\n' | b'\r') => {
                        let what = if c == b'"' { "string" } else { "char" };
                        return Err((line, format!("unterminated {what} literal")));
                    }
                    Some(b'\\') if !matches!(b.get(i + 1), None | Some(b'\n' | b'\r')) => i += 2,
                    Some(&d) if d == c => break,
                    _ => i += 1,
                }
            }
            self.pos = i + 1;
            if c == b'"' {
                Kind::Str
            } else {
                Kind::Char
            }
        } else if c.is_ascii_graphic() {
            self.pos = start + 1;
            Kind::Punct
        } else if c == 0x1a && start + 1 == b.len() {
            // Java allows a trailing Ctrl-Z (an old DOS end-of-file mark).
            self.pos = start + 1;
            return Ok(Token {
                kind: Kind::Eof,
                start: self.pos,
                end: self.pos,
                line,
                comment,
            });
        } else {
            return Err((
                line,
                format!("unexpected character U+{c:04X}: not Java source"),
            ));
        };
        Ok(Token {
            kind,
            start,
            end: self.pos,
            line,
            comment,
        })
    }
}

/// The value of a Java string literal (quotes included): `\b \t \n \f \r \s \" \' \\`, octal
/// escapes `\0`..`\377` and `\uXXXX` (one or more `u`s), with UTF-16 surrogate pairs joined.
pub(crate) fn unescape_string(lit: &str) -> Result<String, String> {
    let body = &lit[1..lit.len() - 1];
    if !body.contains('\\') {
        return Ok(body.to_string());
    }
    let mut units: Vec<u16> = Vec::with_capacity(body.len());
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            // Copy the run of ordinary chars as UTF-16.
            let j = body[i..].find('\\').map_or(b.len(), |k| i + k);
            units.extend(body[i..j].encode_utf16());
            i = j;
            continue;
        }
        let Some(&e) = b.get(i + 1) else {
            return Err("a string ends in a lone backslash".into());
        };
        i += 2;
        let unit = match e {
            b'b' => 0x08,
            b't' => 0x09,
            b'n' => 0x0a,
            b'f' => 0x0c,
            b'r' => 0x0d,
            b's' => 0x20,
            b'"' => 0x22,
            b'\'' => 0x27,
            b'\\' => 0x5c,
            b'0'..=b'7' => {
                // Up to three octal digits, the first 0-3 if there are three.
                let max = if e <= b'3' { 3 } else { 2 };
                let mut v = u16::from(e - b'0');
                let mut n = 1;
                while n < max && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + u16::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                v
            }
            b'u' => {
                while b.get(i) == Some(&b'u') {
                    i += 1;
                }
                let hex = body
                    .get(i..i + 4)
                    .filter(|h| h.bytes().all(|d| d.is_ascii_hexdigit()))
                    .ok_or_else(|| format!("bad unicode escape in {lit}"))?;
                i += 4;
                u16::from_str_radix(hex, 16).map_err(|e| e.to_string())?
            }
            _ => return Err(format!("bad escape \\{} in {lit}", e as char)),
        };
        units.push(unit);
    }
    String::from_utf16(&units).map_err(|_| {
        format!("{lit} holds an unpaired UTF-16 surrogate, which ae4j cannot represent")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, String, usize)> {
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lx.next().unwrap();
            if t.kind == Kind::Eof {
                return out;
            }
            out.push((t.kind, lx.text(&t).to_string(), t.line));
        }
    }

    #[test]
    fn tokens_lines_and_comments() {
        let src = "a // x\r\n/* Tanh */ b.VALUES,\r  sa[3] = -1.0E-5f;\n\"s\\\"t\" 1.2.3f 'c'";
        let k = kinds(src);
        assert_eq!(k[0], (Kind::Ident, "a".into(), 1));
        assert_eq!(k[1], (Kind::Ident, "b".into(), 2));
        assert_eq!(k[4], (Kind::Punct, ",".into(), 2));
        assert_eq!(k[5], (Kind::Ident, "sa".into(), 3));
        assert_eq!(k[11], (Kind::Number, "1.0E-5f".into(), 3));
        assert_eq!(k[13], (Kind::Str, "\"s\\\"t\"".into(), 4));
        assert_eq!(k[14], (Kind::Number, "1.2.3f".into(), 4));
        assert_eq!(k[15], (Kind::Char, "'c'".into(), 4));
        let mut lx = Lexer::new("x /* A */ /* Tanh */ y");
        lx.next().unwrap();
        let y = lx.next().unwrap();
        assert_eq!(lx.slice(y.comment.unwrap()), " Tanh ");
        assert!(Lexer::new("/* open").next().is_err());
        assert!(Lexer::new("\"open\n\"").next().is_err());
        assert!(Lexer::new("\u{1}").next().is_err());
    }

    #[test]
    fn string_escapes() {
        let u = |s: &str| unescape_string(s);
        assert_eq!(u(r#""plain é""#).unwrap(), "plain é");
        assert_eq!(
            u(r#""q\" b\\ n\n t\t r\r f\f b\b s\s '\'""#).unwrap(),
            "q\" b\\ n\n t\t r\r f\u{c} b\u{8} s  ''"
        );
        assert_eq!(u(r#""\u00e9\uuu0041""#).unwrap(), "éA");
        assert_eq!(u(r#""\uD83D\uDE00!""#).unwrap(), "😀!");
        assert_eq!(u(r#""\0\101\7a\477""#).unwrap(), "\0A\u{7}a'7");
        assert!(u(r#""\uD83D""#).is_err());
        assert!(u(r#""\q""#).is_err());
        assert!(u(r#""\u12""#).is_err());
    }
}
