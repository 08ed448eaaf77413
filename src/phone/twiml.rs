//! Just enough XML to read TwiML `<Response>` documents, and a player that
//! walks their verbs the way Twilio does: says `<Say>`, stops at the first
//! `<Gather>`, `<Hangup>`, `<Reject>` or `<Redirect>`.

use regex::Regex;
use std::sync::LazyLock;

/// An XML element or a run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
    },
    Text(String),
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Node::Element { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str()),
            Node::Text(_) => None,
        }
    }

    /// All text inside, whitespace collapsed (SSML tags inside `<Say>` drop out).
    fn text(&self) -> String {
        fn collect(n: &Node, out: &mut String) {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element { children, .. } => children.iter().for_each(|c| collect(c, out)),
            }
        }
        let mut s = String::new();
        collect(self, &mut s);
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// An element still open while parsing: name, attributes, children so far.
type Open = (String, Vec<(String, String)>, Vec<Node>);

/// Parses a TwiML document; returns the verbs (elements) of its `<Response>`.
pub(crate) fn parse(xml: &str) -> Result<Vec<Node>, String> {
    let mut open: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut rest = xml.trim_start_matches('\u{feff}');
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("<?") {
            rest = after(r, "?>")?;
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = after(r, "-->")?;
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").ok_or("a CDATA section is not closed")?;
            text_into(&mut open, &root, r[..end].to_string())?;
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<!") {
            rest = after(r, ">")?;
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("a closing tag is not finished")?;
            let name = r[..end].trim();
            let Some((open_name, attrs, children)) = open.pop() else {
                return Err(format!("</{name}> closes nothing"));
            };
            if open_name != name {
                return Err(format!("</{name}> closes <{open_name}>"));
            }
            element_into(&mut open, &mut root, open_name, attrs, children)?;
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            let end = tag_end(r).ok_or("a tag is not finished")?;
            let tag = &r[..end];
            let (tag, self_closing) = match tag.strip_suffix('/') {
                Some(t) => (t, true),
                None => (tag, false),
            };
            let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
            let name = tag[..name_end].to_string();
            if name.is_empty() {
                return Err("a tag without a name".into());
            }
            let attrs = attributes(&tag[name_end..]);
            if self_closing {
                element_into(&mut open, &mut root, name, attrs, Vec::new())?;
            } else {
                open.push((name, attrs, Vec::new()));
            }
            rest = &r[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            text_into(&mut open, &root, decode(&rest[..end]))?;
            rest = &rest[end..];
        }
    }
    if let Some((name, _, _)) = open.last() {
        return Err(format!("<{name}> is not closed"));
    }
    match root {
        Some(Node::Element { name, children, .. }) if name == "Response" => Ok(children
            .into_iter()
            .filter(|c| matches!(c, Node::Element { .. }))
            .collect()),
        Some(Node::Element { name, .. }) => {
            Err(format!("the root element is <{name}>, not <Response>"))
        }
        _ => Err("no root element".into()),
    }
}

/// What follows `end` in `s`.
fn after<'a>(s: &'a str, end: &str) -> Result<&'a str, String> {
    s.find(end)
        .map(|i| &s[i + end.len()..])
        .ok_or_else(|| format!("'{end}' expected before the end of the document"))
}

/// Index of the `>` ending a tag, skipping `>` inside quoted values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn attributes(s: &str) -> Vec<(String, String)> {
    static ATTR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("a valid pattern")
    });
    ATTR.captures_iter(s)
        .map(|c| {
            let value = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
            (c[1].to_string(), decode(value))
        })
        .collect()
}

fn text_into(open: &mut [Open], root: &Option<Node>, text: String) -> Result<(), String> {
    match open.last_mut() {
        Some((_, _, children)) => children.push(Node::Text(text)),
        None if text.trim().is_empty() => {}
        None if root.is_some() => return Err("text after the root element".into()),
        None => return Err("text before the root element".into()),
    }
    Ok(())
}

fn element_into(
    open: &mut [Open],
    root: &mut Option<Node>,
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
) -> Result<(), String> {
    let node = Node::Element {
        name,
        attrs,
        children,
    };
    match open.last_mut() {
        Some((_, _, siblings)) => siblings.push(node),
        None if root.is_some() => return Err("a second root element".into()),
        None => *root = Some(node),
    }
    Ok(())
}

/// Decodes XML's five named entities and numeric character references.
fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// How playing a document's verbs ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The call waits for keys.
    Gather {
        /// Absolute URL the keys go to (the document's own URL by default).
        action: String,
        method: String,
        /// Twilio's default is `#`; empty means every key is a digit.
        finish_on_key: String,
        /// The verbs after the `<Gather>`: what plays when no key comes.
        rest: Vec<Node>,
    },
    /// `<Hangup/>`, `<Reject/>`, or no verbs left: the call is over.
    Hangup,
    Redirect {
        url: String,
        method: String,
    },
}

/// Resolves `target` against the document's own URL, as Twilio does.
pub(crate) fn resolve(doc_url: &str, target: &str) -> String {
    match url::Url::parse(doc_url).and_then(|base| base.join(target.trim())) {
        Ok(u) => u.to_string(),
        Err(_) => target.trim().to_string(),
    }
}

/// Plays `verbs`, pushing what is said to `said`.
pub(crate) fn play(verbs: &[Node], doc_url: &str, said: &mut Vec<String>) -> Ending {
    for (i, verb) in verbs.iter().enumerate() {
        let Node::Element { name, children, .. } = verb else {
            continue;
        };
        match name.as_str() {
            "Say" => say(verb, said),
            "Gather" => {
                for child in children {
                    if matches!(child, Node::Element { name, .. } if name == "Say") {
                        say(child, said);
                    }
                }
                return Ending::Gather {
                    action: verb
                        .attr("action")
                        .map(|a| resolve(doc_url, a))
                        .unwrap_or_else(|| doc_url.to_string()),
                    method: method_of(verb),
                    finish_on_key: verb.attr("finishOnKey").unwrap_or("#").to_string(),
                    rest: verbs[i + 1..].to_vec(),
                };
            }
            "Hangup" | "Reject" => return Ending::Hangup,
            "Redirect" => {
                return Ending::Redirect {
                    url: resolve(doc_url, &verb.text()),
                    method: method_of(verb),
                }
            }
            // <Pause>, <Play> and the rest say nothing a test can read.
            _ => {}
        }
    }
    Ending::Hangup
}

fn say(verb: &Node, said: &mut Vec<String>) {
    let text = verb.text();
    if !text.is_empty() {
        said.push(text);
    }
}

fn method_of(verb: &Node) -> String {
    verb.attr("method")
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "POST".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MENU: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- the menu --><Response><Say>Hello &amp; welcome.</Say><Gather action="/voice/1/gather?a=1&amp;b=2" method="post" numDigits="1" finishOnKey=""><Say voice="alice">Press <emphasis>pound</emphasis>.</Say><Pause length="1"/></Gather><Say>Goodbye.</Say><Hangup/></Response>"#;

    #[test]
    fn plays_up_to_the_gather() {
        let verbs = parse(MENU).unwrap();
        let mut said = Vec::new();
        let ending = play(&verbs, "http://t/voice/1/twiml", &mut said);
        assert_eq!(said, ["Hello & welcome.", "Press pound."]);
        let Ending::Gather {
            action,
            method,
            finish_on_key,
            rest,
        } = ending
        else {
            panic!("{ending:?}")
        };
        assert_eq!(action, "http://t/voice/1/gather?a=1&b=2");
        assert_eq!(method, "POST");
        assert_eq!(finish_on_key, "");
        let mut after = Vec::new();
        assert_eq!(play(&rest, "http://t/", &mut after), Ending::Hangup);
        assert_eq!(after, ["Goodbye."]);
    }

    #[test]
    fn refuses_what_is_not_twiml() {
        for (xml, why) in [
            ("<html><body>hi</body></html>", "not <Response>"),
            ("<Response><Say>hi</Response>", "closes <Say>"),
            ("<Response><Say>hi</Say>", "not closed"),
            ("Internal error", "before the root"),
            ("", "no root"),
            ("<Response/><Response/>", "second root"),
        ] {
            let err = parse(xml).unwrap_err();
            assert!(err.contains(why), "{xml}: {err}");
        }
    }

    #[test]
    fn redirects_resolve_against_the_document() {
        let verbs =
            parse("<Response><Say>One</Say><Redirect method='GET'> next </Redirect></Response>")
                .unwrap();
        let mut said = Vec::new();
        assert_eq!(
            play(&verbs, "http://t/voice/1/twiml", &mut said),
            Ending::Redirect {
                url: "http://t/voice/1/next".into(),
                method: "GET".into()
            }
        );
        assert_eq!(said, ["One"]);
    }

    #[test]
    fn decodes_entities_and_keeps_unknown_ampersands() {
        assert_eq!(
            decode("a&lt;b&#62;c&#x26;d & e&bogus;"),
            "a<b>c&d & e&bogus;"
        );
    }
}
