//! TwiML, Twilio's voice-call instructions: just enough XML to read a
//! `<Response>` document, and a player that walks its verbs the way Twilio
//! does (says `<Say>`, stops at the first `<Gather>`, `<Hangup>`, `<Reject>`
//! or `<Redirect>`).
//!
//! TwiML is a public protocol, like HTTP: the simulator's virtual phone
//! (`tenant::carrier`) and the test's phone (`phone`) both play calls with
//! this one reader, so neither depends on the other and both read a
//! document the same way.

/// An XML element or a run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
    },
    Text(String),
}

impl Node {
    /// The value of attribute `key` (names compared ignoring ASCII case,
    /// so `finishonkey` is read as `finishOnKey`).
    pub fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Node::Element { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str()),
            Node::Text(_) => None,
        }
    }

    /// All text inside, whitespace collapsed (SSML tags inside `<Say>` drop out).
    pub fn text(&self) -> String {
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

/// Real TwiML nests three or four levels. Deeper input is refused because
/// reading, dropping and collecting text from a tree all recurse: a hostile
/// document must not overflow the stack.
const MAX_DEPTH: usize = 32;

/// Parses a TwiML document; returns the verbs (elements) of its `<Response>`.
/// Malformed XML is an error, not a best guess, as on Twilio.
pub fn parse(xml: &str) -> Result<Vec<Node>, String> {
    let mut r = Reader {
        s: xml.trim_start_matches('\u{feff}'),
        pos: 0,
        depth: 0,
    };
    r.misc()?;
    if r.rest().is_empty() {
        return Err("no root element".into());
    }
    if !r.rest().starts_with('<') || r.rest().starts_with("<![CDATA[") {
        return Err("text before the root element".into());
    }
    let root = r.element()?;
    r.misc()?;
    match r.rest() {
        "" => {}
        rest if rest.starts_with('<') => return Err("a second root element".into()),
        _ => return Err("text after the root element".into()),
    }
    match root {
        Node::Element { name, children, .. } if name == "Response" => Ok(children
            .into_iter()
            .filter(|c| matches!(c, Node::Element { .. }))
            .collect()),
        Node::Element { name, .. } => Err(format!("the root element is <{name}>, not <Response>")),
        Node::Text(_) => Err("no root element".into()),
    }
}

/// A recursive-descent reader over the document, `depth` capped at [`MAX_DEPTH`].
struct Reader<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.pos += prefix.len();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        self.pos = self.s.len() - self.rest().trim_start().len();
    }

    /// What comes before `end`; moves past `end`.
    fn until(&mut self, end: &str) -> Result<&'a str, String> {
        let rest = self.rest();
        let i = rest
            .find(end)
            .ok_or_else(|| format!("'{end}' expected before the end of the document"))?;
        self.pos += i + end.len();
        Ok(&rest[..i])
    }

    fn name(&mut self) -> Result<String, String> {
        let rest = self.rest();
        let end = rest
            .find(|c: char| c.is_whitespace() || "/>=<".contains(c))
            .unwrap_or(rest.len());
        if end == 0 {
            return Err(format!("a name expected at byte {}", self.pos));
        }
        self.pos += end;
        Ok(rest[..end].to_string())
    }

    /// Skips what may surround the root: whitespace, `<?xml …?>`,
    /// comments, `<!DOCTYPE …>`.
    fn misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.eat("<?") {
                self.until("?>")?;
            } else if self.eat("<!--") {
                self.until("-->")?;
            } else if self.rest().starts_with("<!") && !self.rest().starts_with("<![CDATA[") {
                self.until(">")?;
            } else {
                return Ok(());
            }
        }
    }

    fn element(&mut self) -> Result<Node, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
        }
        self.depth += 1;
        let node = self.element_inner();
        self.depth -= 1;
        node
    }

    fn element_inner(&mut self) -> Result<Node, String> {
        if !self.eat("<") {
            return Err(format!("an element expected at byte {}", self.pos));
        }
        let name = self.name()?;
        let mut attrs = Vec::new();
        loop {
            self.skip_ws();
            if self.eat("/>") {
                return Ok(Node::Element {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            }
            if self.eat(">") {
                break;
            }
            if self.rest().is_empty() {
                return Err(format!("<{name}> is not closed"));
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.eat("=") {
                return Err(format!("attribute {key} of <{name}> has no value"));
            }
            self.skip_ws();
            let quote = if self.eat("\"") {
                "\""
            } else if self.eat("'") {
                "'"
            } else {
                return Err(format!(
                    "the value of attribute {key} of <{name}> is not quoted"
                ));
            };
            let raw = self.until(quote)?;
            attrs.push((key, decode(raw)));
        }
        let mut children = Vec::new();
        loop {
            if self.rest().is_empty() {
                return Err(format!("<{name}> is not closed"));
            }
            if self.eat("</") {
                let close = self.name()?;
                self.skip_ws();
                if !self.eat(">") {
                    return Err(format!("'>' expected after </{close}"));
                }
                if close != name {
                    return Err(format!("</{close}> closes <{name}>"));
                }
                return Ok(Node::Element {
                    name,
                    attrs,
                    children,
                });
            }
            if self.eat("<!--") {
                self.until("-->")?;
            } else if self.eat("<?") {
                self.until("?>")?;
            } else if self.eat("<![CDATA[") {
                children.push(Node::Text(self.until("]]>")?.to_string()));
            } else if self.rest().starts_with('<') {
                children.push(self.element()?);
            } else {
                let rest = self.rest();
                let end = rest.find('<').unwrap_or(rest.len());
                self.pos += end;
                children.push(Node::Text(decode(&rest[..end])));
            }
        }
    }
}

/// Decodes XML's five named entities and numeric character references; an
/// `&` that starts neither is kept as written (TwiML written by hand often
/// has a bare `&`).
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

/// Resolves `target` against the document's own URL, as Twilio does with
/// `action` and `<Redirect>` URLs; a target that cannot be resolved is
/// returned as written, so the error names what the document said.
pub fn resolve(doc_url: &str, target: &str) -> String {
    match url::Url::parse(doc_url).and_then(|base| base.join(target.trim())) {
        Ok(u) => u.to_string(),
        Err(_) => target.trim().to_string(),
    }
}

/// What the person on the call hears while verbs play.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A `<Say>`'s text (empty ones are not reported).
    Said(String),
    /// A `<Play>`: the audio's URL as written (nobody here can listen to it).
    Played(String),
    /// A verb this player does not act on (`<Dial>`, `<Record>`, …), by
    /// name, so a person can see the gap rather than silence.
    Skipped(String),
}

/// A `<Gather>` waiting for keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gather {
    /// Absolute URL the keys go to (the document's own URL by default).
    pub action: String,
    /// `GET` or `POST` (Twilio's default), upper-cased.
    pub method: String,
    /// `numDigits`: the gather completes after this many keys; `None` =
    /// only `finishOnKey` completes it.
    pub num_digits: Option<usize>,
    /// `finishOnKey`: Twilio's default is `#`; empty means every key is a
    /// digit. See [`finishes`].
    pub finish_on_key: String,
    /// The verbs after the `<Gather>`: what plays when no key comes.
    pub rest: Vec<Node>,
}

impl Gather {
    /// What Twilio posts as `Digits` when `keys` are pressed in one go: the
    /// keys before the first finishing key, which is not sent itself.
    pub fn digits<'k>(&self, keys: &'k str) -> &'k str {
        keys.find(|k| finishes(&self.finish_on_key, k))
            .map_or(keys, |i| &keys[..i])
    }
}

/// A key of a phone's keypad: 0–9, `*` or `#`.
pub fn is_key(c: char) -> bool {
    c.is_ascii_digit() || c == '*' || c == '#'
}

/// Twilio's `finishOnKey` rule: the value names one key that submits the
/// keys typed before it (and is not sent); empty means no key does, so
/// `#` and `*` are digits like any other.
pub fn finishes(finish_on_key: &str, key: char) -> bool {
    finish_on_key.starts_with(key)
}

/// How playing a document's verbs ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The call waits for keys.
    Gather(Gather),
    /// `<Hangup/>`, `<Reject/>`, or no verbs left: the call is over.
    Hangup,
    /// The call goes on with the document at `url` (absolute), fetched with
    /// `method`.
    Redirect { url: String, method: String },
}

/// Plays `verbs` of the document at `doc_url`, telling `hear` what the
/// person hears, up to the first verb that waits, hangs up or moves on.
pub fn play(verbs: &[Node], doc_url: &str, mut hear: impl FnMut(Heard)) -> Ending {
    for (i, verb) in verbs.iter().enumerate() {
        let Node::Element { name, children, .. } = verb else {
            continue;
        };
        match name.as_str() {
            "Gather" => {
                // Its nested <Say>/<Play>/<Pause> are the prompt.
                children.iter().for_each(|c| listen(c, &mut hear));
                return Ending::Gather(Gather {
                    action: verb
                        .attr("action")
                        .map(|a| resolve(doc_url, a))
                        .unwrap_or_else(|| doc_url.to_string()),
                    method: method_of(verb),
                    num_digits: verb
                        .attr("numDigits")
                        .and_then(|n| n.trim().parse().ok())
                        .filter(|n| *n > 0),
                    finish_on_key: verb.attr("finishOnKey").unwrap_or("#").to_string(),
                    rest: verbs[i + 1..].to_vec(),
                });
            }
            "Hangup" | "Reject" => return Ending::Hangup,
            "Redirect" => {
                return Ending::Redirect {
                    url: resolve(doc_url, &verb.text()),
                    method: method_of(verb),
                }
            }
            _ => listen(verb, &mut hear),
        }
    }
    Ending::Hangup
}

/// What a verb that does not end the document lets the person hear.
fn listen(verb: &Node, hear: &mut impl FnMut(Heard)) {
    let Node::Element { name, .. } = verb else {
        return;
    };
    match name.as_str() {
        "Say" => {
            let text = verb.text();
            if !text.is_empty() {
                hear(Heard::Said(text));
            }
        }
        "Play" => hear(Heard::Played(verb.text())),
        "Pause" => {}
        other => hear(Heard::Skipped(other.to_string())),
    }
}

/// A verb's `method`, upper-cased; `POST` when absent or blank, as on Twilio.
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
<!-- the menu --><Response><Say>Hello &amp; welcome.</Say><Gather action="/voice/1/gather?a=1&amp;b=2" method="post" numDigits="1" finishOnKey=""><Say voice="alice">Press <emphasis>pound</emphasis>.</Say><Pause length="1"/></Gather><Say><![CDATA[Goodbye & see you]]></Say><Hangup/></Response>"#;

    /// Plays `verbs`, collecting everything heard.
    fn heard(verbs: &[Node], doc_url: &str) -> (Vec<Heard>, Ending) {
        let mut heard = Vec::new();
        let ending = play(verbs, doc_url, |h| heard.push(h));
        (heard, ending)
    }

    fn said(s: &str) -> Heard {
        Heard::Said(s.into())
    }

    #[test]
    fn plays_up_to_the_gather_then_what_follows_it() {
        let verbs = parse(MENU).unwrap();
        let (before, ending) = heard(&verbs, "http://t/voice/1/twiml");
        assert_eq!(before, [said("Hello & welcome."), said("Press pound.")]);
        let Ending::Gather(g) = ending else {
            panic!("{ending:?}")
        };
        assert_eq!(g.action, "http://t/voice/1/gather?a=1&b=2");
        assert_eq!(g.method, "POST");
        assert_eq!(g.num_digits, Some(1));
        assert_eq!(g.finish_on_key, "");
        let (after, ending) = heard(&g.rest, "http://t/voice/1/twiml");
        assert_eq!(ending, Ending::Hangup);
        assert_eq!(after, [said("Goodbye & see you")]);
    }

    #[test]
    fn a_gather_defaults_to_its_own_document_and_pound() {
        let verbs = parse("<Response><Gather/></Response>").unwrap();
        let Ending::Gather(g) = heard(&verbs, "http://t/twiml").1 else {
            panic!("expected a gather")
        };
        assert_eq!(
            (g.action.as_str(), g.method.as_str(), g.num_digits),
            ("http://t/twiml", "POST", None)
        );
        assert_eq!(g.finish_on_key, "#");
        assert_eq!(g.digits("12#3"), "12");
        assert_eq!(g.digits("#"), "");
        assert_eq!(g.digits("42"), "42");
    }

    #[test]
    fn finish_on_key_names_one_key_and_empty_names_none() {
        assert!(finishes("#", '#'));
        assert!(finishes("*", '*'));
        assert!(!finishes("#", '1'));
        assert!(!finishes("", '#'));
    }

    #[test]
    fn unsupported_verbs_are_heard_as_skipped_and_pauses_as_nothing() {
        let verbs = parse(
            "<Response><Play> http://a/b.mp3 </Play><Pause/><Dial>+1</Dial><Say> </Say></Response>",
        )
        .unwrap();
        let (heard, ending) = heard(&verbs, "http://t/");
        assert_eq!(
            heard,
            [
                Heard::Played("http://a/b.mp3".into()),
                Heard::Skipped("Dial".into())
            ]
        );
        assert_eq!(ending, Ending::Hangup);
    }

    #[test]
    fn refuses_what_is_not_twiml() {
        for (xml, why) in [
            ("<html><body>hi</body></html>", "the root element is <html>"),
            ("<Response><Say>hi</Response>", "</Response> closes <Say>"),
            ("<Response><Say>hi</Say>", "<Response> is not closed"),
            ("Internal error", "text before the root"),
            ("", "no root"),
            ("  \n", "no root"),
            ("<Response/><Response/>", "a second root"),
            ("<Response/>oops", "text after the root"),
            ("<Response><Gather action=/x/></Response>", "not quoted"),
        ] {
            let err = parse(xml).unwrap_err();
            assert!(err.contains(why), "{xml}: {err}");
        }
    }

    #[test]
    fn reads_a_byte_order_mark_processing_instructions_and_doctype() {
        let xml =
            "\u{feff}<?xml version='1.0'?><!DOCTYPE x><Response><?pi?><Say>Hi</Say></Response>\n";
        let (heard, _) = heard(&parse(xml).unwrap(), "http://t/");
        assert_eq!(heard, [said("Hi")]);
    }

    #[test]
    fn deeply_nested_twiml_is_refused_not_a_stack_overflow() {
        let xml = format!(
            "<Response>{}{}</Response>",
            "<a>".repeat(100_000),
            "</a>".repeat(100_000)
        );
        let err = parse(&xml).unwrap_err();
        assert!(err.contains("nested deeper than 32"), "{err}");
    }

    #[test]
    fn redirects_resolve_against_the_document() {
        let verbs =
            parse("<Response><Say>One</Say><Redirect method='get'> next </Redirect></Response>")
                .unwrap();
        let (heard, ending) = heard(&verbs, "http://t/voice/1/twiml");
        assert_eq!(
            ending,
            Ending::Redirect {
                url: "http://t/voice/1/next".into(),
                method: "GET".into()
            }
        );
        assert_eq!(heard, [said("One")]);
        assert_eq!(resolve("not a url", " /x "), "/x");
    }

    #[test]
    fn decodes_entities_and_keeps_unknown_ampersands() {
        assert_eq!(
            decode("a&lt;b&#62;c&#x26;d & e&bogus;"),
            "a<b>c&d & e&bogus;"
        );
    }
}
