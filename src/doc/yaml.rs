//! A small YAML writer for `docproof doc show`: block mappings and
//! sequences, strings double-quoted where plain would be misread (JSON's
//! escaping is valid YAML). Enough for the doc model; no YAML dependency.
//! Keys keep the model's order: the model is serialized to JSON and read
//! back into a [`Tree`] that, unlike serde_json's map, does not sort.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    List(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

/// Anything serializable (the doc model) as YAML.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
    let tree: Tree = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let mut out = String::new();
    block(&tree, 0, &mut out);
    Ok(out)
}

fn block(value: &Tree, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Tree::Map(map) if !map.is_empty() => {
            for (k, v) in map {
                out.push_str(&format!("{pad}{}:", text(k)));
                nested(v, indent, out);
            }
        }
        Tree::List(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                match item {
                    Tree::Map(map) if !map.is_empty() => {
                        // The first key on the dash's line, the rest below it.
                        for (i, (k, v)) in map.iter().enumerate() {
                            if i == 0 {
                                out.push_str(&format!(" {}:", text(k)));
                            } else {
                                out.push_str(&format!("{pad}  {}:", text(k)));
                            }
                            nested(v, indent + 2, out);
                        }
                    }
                    other => nested(other, indent, out),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

/// After `key:` or `-`: a scalar on the same line, a collection below.
fn nested(v: &Tree, indent: usize, out: &mut String) {
    match v {
        Tree::Map(m) if !m.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        Tree::List(a) if !a.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        other => out.push_str(&format!(" {}\n", scalar(other))),
    }
}

fn scalar(v: &Tree) -> String {
    match v {
        Tree::Null => "null".into(),
        Tree::Bool(b) => b.to_string(),
        Tree::Number(n) => n.clone(),
        Tree::String(s) => text(s),
        Tree::List(_) => "[]".into(),
        Tree::Map(_) => "{}".into(),
    }
}

/// Plain when it cannot be mistaken for anything else, quoted otherwise
/// (numbers like `2.1`, booleans, `key: value`, leading symbols …).
fn text(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || " _-./()'’…,".contains(c))
        && !s.starts_with([' ', '-', '.', '\''])
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Tree, E> {
        Ok(Tree::Number(n.to_string()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Tree, E> {
        Ok(Tree::Number(n.to_string()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Tree, E> {
        Ok(Tree::Number(n.to_string()))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Tree, E> {
        Ok(Tree::String(s.to_string()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Tree, E> {
        Ok(Tree::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tree::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Tree>()? {
            entries.push((k, v));
        }
        Ok(Tree::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_order_and_ambiguous_strings_are_quoted() {
        let v = serde_json::json!({
            "title": "Office 365 (MFA)",
            "steps": [{"id": "3.1.4", "line": 100, "labels": [{"text": "Call Me: now"}]}],
            "empty": []
        });
        // json! sorts its keys; the model's structs do not.
        assert_eq!(
            to_yaml(&v).unwrap(),
            "empty: []\nsteps:\n  - id: \"3.1.4\"\n    labels:\n      - text: \"Call Me: now\"\n    line: 100\ntitle: Office 365 (MFA)\n"
        );
    }
}
