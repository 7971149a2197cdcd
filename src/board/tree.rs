//! A TOML document as a tree that keeps the position of every key and value,
//! so that the schema checks can name the line of what they reject.
//!
//! toml's deserializer reports positions through serde_spanned's protocol (a
//! struct of start, end and value) when it knows them, and gives plain
//! values when it does not (dotted keys like `[layout.l]` and their implicit
//! tables). Both are accepted here; what has no position of its own gets its
//! parent's.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::error::BoardError;

// serde_spanned's protocol, as toml 0.8 speaks it.
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const START: &str = "$__serde_spanned_private_start";
const END: &str = "$__serde_spanned_private_end";
const VALUE: &str = "$__serde_spanned_private_value";
static FIELDS: [&str; 3] = [START, END, VALUE];
/// How toml hands over a date or time: a map with this one key.
const DATETIME: &str = "$__toml_private_datetime";
const NO_DATES: &str = "dates and times have no meaning in a board file";

/// A value with where it is in the text.
#[derive(Debug)]
pub(crate) struct Node {
    value: Value,
    span: Option<Range<usize>>,
}

impl Node {
    pub(crate) fn get_ref(&self) -> &Value {
        &self.value
    }

    pub(crate) fn span(&self) -> Range<usize> {
        self.span.clone().unwrap_or(0..0)
    }
}

/// A key with where it is in the text.
#[derive(Debug)]
pub(crate) struct Key {
    name: String,
    span: Option<Range<usize>>,
}

impl Key {
    pub(crate) fn get_ref(&self) -> &String {
        &self.name
    }

    pub(crate) fn span(&self) -> Range<usize> {
        self.span.clone().unwrap_or(0..0)
    }
}

/// A TOML value whose children keep their spans.
#[derive(Debug)]
pub(crate) enum Value {
    Str(String),
    Int(i64),
    Float,
    Bool(bool),
    Array(Vec<Node>),
    Table(Vec<(Key, Node)>),
}

impl Value {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float => "a float",
            Value::Bool(_) => "a boolean",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_struct(SPANNED, &FIELDS, NodeVisitor)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_struct(SPANNED, &FIELDS, KeyVisitor)
    }
}

/// Reads the rest of a table whose first key is already read.
fn table_rest<'de, A: MapAccess<'de>>(
    mut map: A,
    mut entries: Vec<(Key, Node)>,
) -> Result<Value, A::Error> {
    while let Some((k, v)) = map.next_entry::<Key, Node>()? {
        entries.push((k, v));
    }
    Ok(Value::Table(entries))
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::custom("integer too large"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Float)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(first) = map.next_key::<Key>()? else {
            return Ok(Value::Table(Vec::new()));
        };
        if first.name == DATETIME {
            return Err(de::Error::custom(NO_DATES));
        }
        let v = map.next_value::<Node>()?;
        table_rest(map, vec![(first, v)])
    }
}

struct NodeVisitor;

impl NodeVisitor {
    fn plain<E>(v: Result<Value, E>) -> Result<Node, E> {
        v.map(|value| Node { value, span: None })
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Self::plain(ValueVisitor.visit_str(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Self::plain(ValueVisitor.visit_i64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Self::plain(ValueVisitor.visit_u64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Self::plain(ValueVisitor.visit_f64(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Self::plain(ValueVisitor.visit_bool(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Node, A::Error> {
        Self::plain(ValueVisitor.visit_seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let Some(first) = map.next_key::<Key>()? else {
            return Ok(Node {
                value: Value::Table(Vec::new()),
                span: None,
            });
        };
        match first.name.as_str() {
            START | END | VALUE => {
                // The spanned protocol.
                let (mut start, mut end, mut value) = (None, None, None);
                let mut key = first.name;
                loop {
                    match key.as_str() {
                        START => start = Some(map.next_value::<usize>()?),
                        END => end = Some(map.next_value::<usize>()?),
                        VALUE => value = Some(map.next_value::<Value>()?),
                        _ => return Err(de::Error::custom("unexpected spanned field")),
                    }
                    match map.next_key::<String>()? {
                        Some(k) => key = k,
                        None => break,
                    }
                }
                let value = value.ok_or_else(|| de::Error::custom("spanned value missing"))?;
                let span = match (start, end) {
                    (Some(s), Some(e)) if s <= e => Some(s..e),
                    _ => None,
                };
                Ok(Node { value, span })
            }
            DATETIME => Err(de::Error::custom(NO_DATES)),
            _ => {
                // A table without a position of its own.
                let v = map.next_value::<Node>()?;
                Self::plain(table_rest(map, vec![(first, v)]))
            }
        }
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key {
            name: v.to_string(),
            span: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        let (mut start, mut end, mut name) = (None, None, None);
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                START => start = Some(map.next_value::<usize>()?),
                END => end = Some(map.next_value::<usize>()?),
                VALUE => name = Some(map.next_value::<String>()?),
                _ => return Err(de::Error::custom("unexpected key form")),
            }
        }
        let name = name.ok_or_else(|| de::Error::custom("key without a name"))?;
        let span = match (start, end) {
            (Some(s), Some(e)) if s <= e => Some(s..e),
            _ => None,
        };
        Ok(Key { name, span })
    }
}

/// Gives every key and value without a position its neighbour's or parent's.
fn fill_spans(node: &mut Node, parent: &Range<usize>) {
    if node.span.is_none() {
        node.span = Some(parent.clone());
    }
    let here = node.span();
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|i| fill_spans(i, &here)),
        Value::Table(entries) => {
            for (k, v) in entries.iter_mut() {
                if v.span.is_none() {
                    v.span = k.span.clone();
                }
                fill_spans(v, &here);
                if k.span.is_none() {
                    k.span = v.span.clone();
                }
            }
        }
        _ => {}
    }
}

/// Parses TOML text into a spanned tree; syntax errors name the line and column.
pub(crate) fn parse(text: &str, origin: &str) -> Result<Node, BoardError> {
    let mut root = toml::from_str::<Node>(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        let mut message = e.message().trim().replace('\n', ": ");
        if message.contains("$__toml_private") || message.contains(NO_DATES) {
            message = NO_DATES.into();
        }
        BoardError::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message,
        }
    })?;
    fill_spans(&mut root, &(0..0));
    Ok(root)
}

/// 1-based line and column of byte `offset` of `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// 1-based line of a span's start.
pub(crate) fn line_of(text: &str, span: &Range<usize>) -> usize {
    line_col(text, span.start).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_keys_and_implicit_tables_parse_with_positions() {
        let text = "a = 1\n[layout.l]\nx = 2\n[b]\nc.d = 3\ne = { f.g = 4 }\n";
        let root = parse(text, "t").unwrap();
        let Value::Table(top) = root.get_ref() else {
            panic!()
        };
        let names: Vec<&str> = top.iter().map(|(k, _)| k.get_ref().as_str()).collect();
        assert_eq!(names, ["a", "layout", "b"]);
        let (_, layout) = &top[1];
        let Value::Table(l) = layout.get_ref() else {
            panic!()
        };
        let Value::Table(x) = l[0].1.get_ref() else {
            panic!()
        };
        assert_eq!(line_of(text, &x[0].0.span()), 3);
        assert!(parse("d = 1979-05-27\n", "t")
            .unwrap_err()
            .to_string()
            .contains("dates"));
        assert!(parse("d = [1979-05-27]\n", "t")
            .unwrap_err()
            .to_string()
            .contains("dates"));
    }
}
