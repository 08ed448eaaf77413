//! TwiML, Twilio's voice-call instructions: a reader for `<Response>`
//! documents (quick-xml), a player that walks their verbs the way Twilio
//! does (says `<Say>`, stops at the first `<Gather>`, `<Hangup>`, `<Reject>`
//! or `<Redirect>`), and a writer for the few documents docproof writes
//! (quick-xml's writer, which escapes text and attribute values).
//!
//! TwiML is a public protocol, like HTTP: the simulator's voice menu writes
//! it, its virtual carrier plays it, and the test's phone writes the keys it
//! presses in it ([`keypad`]), all with this one module.

use quick_xml::escape::{self, partial_escape};
use quick_xml::events::{BytesDecl, BytesRef, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer, XmlVersion};

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
/// dropping and collecting text from a tree recurse: a hostile document
/// must not overflow the stack.
const MAX_DEPTH: usize = 32;

/// Parses a TwiML document with quick-xml; returns the verbs (elements) of
/// its `<Response>`. Malformed XML (a bare `&`, an unknown entity, a
/// mismatched or missing end tag) is an error, not a best guess, as on
/// Twilio.
pub fn parse(xml: &str) -> Result<Vec<Node>, String> {
    let mut reader = Reader::from_str(xml.trim_start_matches('\u{feff}'));
    let mut tree = Tree::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("{e} (at byte {})", reader.error_position()))?;
        match event {
            Event::Start(tag) => {
                let element = element(&tag)?;
                tree.open(element)?;
            }
            Event::Empty(tag) => {
                let element = element(&tag)?;
                tree.open(element)?;
                tree.close();
            }
            Event::End(_) => tree.close(),
            Event::Text(text) => tree.text(&text.xml10_content().map_err(|e| e.to_string())?)?,
            Event::CData(data) => tree.text(&data.decode().map_err(|e| e.to_string())?)?,
            Event::GeneralRef(reference) => tree.text(&resolve_reference(&reference)?)?,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    tree.finish()
}

/// An element just opened: its name and attributes, children to come.
type Open = (String, Vec<(String, String)>, Vec<Node>);

/// The document as it is read: the elements still open, innermost last,
/// and the root once it is closed.
#[derive(Default)]
struct Tree {
    open: Vec<Open>,
    root: Option<Node>,
}

impl Tree {
    fn open(&mut self, element: (String, Vec<(String, String)>)) -> Result<(), String> {
        if self.open.is_empty() && self.root.is_some() {
            return Err("a second root element".into());
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
        }
        let (name, attrs) = element;
        self.open.push((name, attrs, Vec::new()));
        Ok(())
    }

    /// Closes the innermost element (quick-xml has checked the end tag
    /// names it).
    fn close(&mut self) {
        let Some((name, attrs, children)) = self.open.pop() else {
            return;
        };
        let node = Node::Element {
            name,
            attrs,
            children,
        };
        match self.open.last_mut() {
            Some((_, _, siblings)) => siblings.push(node),
            None => self.root = Some(node),
        }
    }

    /// Character data: joined to the text just before it (entities arrive
    /// as events of their own); outside the root only whitespace may stand.
    fn text(&mut self, text: &str) -> Result<(), String> {
        let Some((_, _, children)) = self.open.last_mut() else {
            if text.trim().is_empty() {
                return Ok(());
            }
            return Err(match self.root {
                None => "text before the root element".into(),
                Some(_) => "text after the root element".into(),
            });
        };
        match children.last_mut() {
            Some(Node::Text(before)) => before.push_str(text),
            _ => children.push(Node::Text(text.to_string())),
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<Node>, String> {
        if let Some((name, _, _)) = self.open.last() {
            return Err(format!("<{name}> is not closed"));
        }
        match self.root {
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
}

/// An element's name and its attributes, values unescaped.
fn element(tag: &BytesStart) -> Result<(String, Vec<(String, String)>), String> {
    let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in tag.attributes() {
        let attr = attr.map_err(|e| format!("a malformed attribute in <{name}>: {e}"))?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("attribute {key} of <{name}>: {e}"))?;
        attrs.push((key, value.into_owned()));
    }
    Ok((name, attrs))
}

/// `&amp;`, `&#35;` and the like in text: XML's five named entities and
/// character references; anything else is refused, as XML has no other
/// entities without a DTD.
fn resolve_reference(reference: &BytesRef) -> Result<String, String> {
    if let Some(c) = reference.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(c.to_string());
    }
    let name = reference.decode().map_err(|e| e.to_string())?;
    escape::resolve_xml_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| format!("unknown entity &{name};"))
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
    /// A `<Play digits="…">`: touch tones the call plays to the person.
    Tones(String),
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
        "Play" => match verb.attr("digits") {
            Some(digits) => hear(Heard::Tones(digits.to_string())),
            None => hear(Heard::Played(verb.text())),
        },
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

/// A TwiML document being written: the XML declaration and `<Response>`,
/// then verbs in order; [`Document::finish`] closes it. Text is escaped by
/// quick-xml (`<`, `>` and `&`, so "Microsoft's" reads as written), and
/// attribute values fully.
pub struct Document {
    writer: Writer<Vec<u8>>,
}

/// Writing into memory cannot fail; quick-xml's writer still returns
/// `io::Result`.
const IN_MEMORY: &str = "writing TwiML into memory cannot fail";

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

impl Document {
    pub fn new() -> Document {
        let mut writer = Writer::new(Vec::new());
        writer
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .expect(IN_MEMORY);
        writer
            .write_event(Event::Start(BytesStart::new("Response")))
            .expect(IN_MEMORY);
        Document { writer }
    }

    /// `<Say>text</Say>`.
    pub fn say(mut self, text: &str) -> Document {
        say(&mut self.writer, text);
        self
    }

    /// `<Gather …attrs>` with a `<Say>` per prompt inside.
    pub fn gather(mut self, attrs: &[(&str, &str)], prompts: &[&str]) -> Document {
        self.writer
            .create_element("Gather")
            .with_attributes(attrs.iter().copied())
            .write_inner_content(|w| {
                prompts.iter().for_each(|p| say(w, p));
                Ok(())
            })
            .expect(IN_MEMORY);
        self
    }

    /// `<Play digits="…"/>`: touch tones.
    pub fn play_digits(mut self, digits: &str) -> Document {
        self.writer
            .create_element("Play")
            .with_attribute(("digits", digits))
            .write_empty()
            .expect(IN_MEMORY);
        self
    }

    /// `<Hangup/>`.
    pub fn hangup(mut self) -> Document {
        self.writer
            .create_element("Hangup")
            .write_empty()
            .expect(IN_MEMORY);
        self
    }

    /// Closes `<Response>`; the document as text.
    pub fn finish(mut self) -> String {
        self.writer
            .write_event(Event::End(BytesStart::new("Response").to_end()))
            .expect(IN_MEMORY);
        String::from_utf8(self.writer.into_inner()).expect("TwiML is written from UTF-8 text")
    }
}

fn say(writer: &mut Writer<Vec<u8>>, text: &str) {
    writer
        .create_element("Say")
        .write_text_content(BytesText::from_escaped(partial_escape(text)))
        .expect(IN_MEMORY);
}

/// The TwiML a phone's keypad sends: `<Play digits="keys"/>`, the way a
/// Twilio call leg plays touch tones to the other party.
pub fn keypad(keys: &str) -> String {
    Document::new().play_digits(keys).finish()
}

/// The keys of a document written by [`keypad`]: `Some` when its verbs are
/// only `<Play digits="…">` (and `<Pause>`s), with at least one key.
pub fn keypad_keys(verbs: &[Node]) -> Option<String> {
    let mut keys = String::new();
    for verb in verbs {
        let Node::Element { name, .. } = verb else {
            continue;
        };
        match (name.as_str(), verb.attr("digits")) {
            ("Play", Some(digits)) if verb.text().is_empty() => keys.push_str(digits.trim()),
            ("Pause", _) => {}
            _ => return None,
        }
    }
    (!keys.is_empty()).then_some(keys)
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
            (
                "<Response><Say>hi</Response>",
                "expected `</Say>`, but `</Response>` was found",
            ),
            ("<Response><Say>hi</Say>", "<Response> is not closed"),
            ("Internal error", "text before the root"),
            ("", "no root"),
            ("  \n", "no root"),
            ("<Response/><Response/>", "a second root"),
            ("<Response/>oops", "text after the root"),
            (
                "<Response><Gather action=/x/></Response>",
                "a malformed attribute in <Gather>",
            ),
            ("<Response><Say>a & b</Say></Response>", "(at byte"),
            (
                "<Response><Say>&bogus;</Say></Response>",
                "unknown entity &bogus;",
            ),
            (
                "<Response><Gather action='/x?a=1&b=2'/></Response>",
                "attribute action of <Gather>",
            ),
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
    fn decodes_entities_and_character_references() {
        let verbs = parse(
            "<Response><Say>a&lt;b&#62;c&#x26;d &amp; e</Say><Gather action=\"/k?a=1&amp;b=&#50;\"/></Response>",
        )
        .unwrap();
        assert_eq!(verbs[0].text(), "a<b>c&d & e");
        assert_eq!(verbs[1].attr("action"), Some("/k?a=1&b=2"));
    }

    #[test]
    fn written_documents_escape_text_and_attributes_and_read_back() {
        let xml = Document::new()
            .say("Microsoft's <menu> & more")
            .gather(
                &[("action", "http://t/g?a=1&b=\"2\""), ("finishOnKey", "")],
                &["Press #."],
            )
            .hangup()
            .finish();
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Microsoft's &lt;menu&gt; &amp; more</Say><Gather action="http://t/g?a=1&amp;b=&quot;2&quot;" finishOnKey=""><Say>Press #.</Say></Gather><Hangup/></Response>"#
        );
        let verbs = parse(&xml).unwrap();
        assert_eq!(verbs[0].text(), "Microsoft's <menu> & more");
        assert_eq!(verbs[1].attr("action"), Some("http://t/g?a=1&b=\"2\""));
        assert_eq!(verbs[1].attr("finishOnKey"), Some(""));
    }

    #[test]
    fn the_keypad_is_played_tones_and_only_that_reads_as_keys() {
        let xml = keypad("0#");
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Play digits="0#"/></Response>"#
        );
        assert_eq!(keypad_keys(&parse(&xml).unwrap()).as_deref(), Some("0#"));
        let paused =
            parse(r##"<Response><Pause/><Play digits="1"/><Play digits="#"/></Response>"##)
                .unwrap();
        assert_eq!(keypad_keys(&paused).as_deref(), Some("1#"));
        for other in [
            "<Response><Say>Hi</Say><Play digits=\"1\"/></Response>",
            "<Response><Play>http://a/b.mp3</Play></Response>",
            "<Response/>",
            "<Response><Hangup/></Response>",
        ] {
            assert_eq!(keypad_keys(&parse(other).unwrap()), None, "{other}");
        }
        let (heard, _) = heard(&parse(&xml).unwrap(), "http://t/");
        assert_eq!(heard, [Heard::Tones("0#".into())]);
    }
}
