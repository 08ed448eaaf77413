//! Property tests of TwiML reading and writing: TwiML arrives from outside
//! (any URL a call names, any `Twiml` a client posts), so no input may make
//! the reader or the player panic, and what the writer writes reads back
//! as written.

use docproof_contract::twiml::{self, Document, Ending, Node};
use proptest::prelude::*;

/// Text as a `<Say>` may carry it: any characters but line breaks.
fn say_text() -> impl Strategy<Value = String> {
    ".{0,80}"
}

/// Text that is markup-shaped more often than chance would make it.
fn xmlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<Response>".to_string()),
        Just("</Response>".to_string()),
        Just("<Say>".to_string()),
        Just("</Say>".to_string()),
        Just("<Gather numDigits=\"1\" action=\"/g\">".to_string()),
        Just("</Gather>".to_string()),
        Just("<Redirect>".to_string()),
        Just("</Redirect>".to_string()),
        Just("<Hangup/>".to_string()),
        Just("<Play digits=\"1w#\"/>".to_string()),
        Just("&amp;".to_string()),
        Just("&#x1F600;".to_string()),
        Just("&bogus;".to_string()),
        Just("<![CDATA[x]]>".to_string()),
        Just("<?xml version=\"1.0\"?>".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

fn verb_name(n: &Node) -> &str {
    match n {
        Node::Element { name, .. } => name,
        Node::Text(_) => "",
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_is_read_or_refused_never_a_panic(xml in "\\PC{0,300}") {
        if let Ok(verbs) = twiml::parse(&xml) {
            let _ = twiml::play(&verbs, "http://127.0.0.1:1/doc", |_| {});
            let _ = twiml::keypad_keys(&verbs);
        }
    }

    #[test]
    fn markup_shaped_input_is_read_or_refused_never_a_panic(xml in xmlish()) {
        if let Ok(verbs) = twiml::parse(&xml) {
            let _ = twiml::play(&verbs, "not a url", |_| {});
            let _ = twiml::keypad_keys(&verbs);
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow(depth in 0usize..5000) {
        let xml = format!("<Response>{}{}</Response>", "<Say>".repeat(depth), "</Say>".repeat(depth));
        let read = twiml::parse(&xml);
        prop_assert_eq!(read.is_ok(), depth < 32, "depth {}", depth);
    }

    #[test]
    fn what_is_written_reads_back_as_written(
        first in say_text(),
        prompts in prop::collection::vec(say_text(), 0..3),
        action in "[a-zA-Z0-9/_.?=&<>\"' -]{1,30}",
        digits in "[0-9*#w]{1,8}",
    ) {
        let prompt_refs: Vec<&str> = prompts.iter().map(String::as_str).collect();
        let xml = Document::new()
            .say(&first)
            .gather(&[("action", &action), ("numDigits", "1"), ("finishOnKey", "")], &prompt_refs)
            .play_digits(&digits)
            .hangup()
            .finish();
        let verbs = twiml::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
        let names: Vec<&str> = verbs.iter().map(verb_name).collect();
        prop_assert_eq!(names, vec!["Say", "Gather", "Play", "Hangup"]);
        let collapsed = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(verbs[0].text(), collapsed(&first));
        prop_assert_eq!(verbs[1].attr("action"), Some(action.as_str()));
        prop_assert_eq!(verbs[1].attr("finishOnKey"), Some(""));
        prop_assert_eq!(verbs[2].attr("digits"), Some(digits.as_str()));
        // The player stops at the Gather and posts to its action.
        match twiml::play(&verbs, "http://127.0.0.1:1/voice/doc", |_| {}) {
            Ending::Gather(g) => prop_assert_eq!(g.num_digits, Some(1)),
            other => prop_assert!(false, "ended with {:?}", other),
        }
    }

    #[test]
    fn a_keypad_reads_back_as_its_keys(keys in "[0-9*#w]{1,20}") {
        let verbs = twiml::parse(&twiml::keypad(&keys)).unwrap();
        prop_assert_eq!(twiml::keypad_keys(&verbs), Some(keys));
    }
}
