//! A saved page with its secret places masked. The page is parsed with a
//! real HTML parser (html5ever, through scraper), so attribute order,
//! quoting, upper case and nesting do not matter, and written back whole:
//! only the text and `value` of the secret places change.

use super::{mask as masked, PLACES};
use scraper::{Html, Node, Selector};
use std::sync::LazyLock;

/// [`PLACES`] parsed once, with their labels.
static SELECTORS: LazyLock<Vec<(Selector, &'static str)>> = LazyLock::new(|| {
    PLACES
        .iter()
        .map(|p| {
            let s = Selector::parse(p.css).expect("PLACES are valid CSS (unit-tested)");
            (s, p.label)
        })
        .collect()
});

/// `page` with every secret place's `value` attribute and text replaced by
/// its label (`[app password]`, `[code]`, `[token]`); a secret nested in
/// several text nodes becomes one label. Attributes come back sorted by
/// name, as the parser keeps them.
pub fn mask(page: &str) -> String {
    let mut doc = Html::parse_document(page);
    // Which element holds which secret: the first place that matches it.
    let mut found = Vec::new();
    for (selector, label) in SELECTORS.iter() {
        for el in doc.select(selector) {
            if !found.iter().any(|(id, _)| *id == el.id()) {
                found.push((el.id(), *label));
            }
        }
    }
    let mut texts = Vec::new();
    for (id, label) in &found {
        let Some(node) = doc.tree.get(*id) else {
            continue;
        };
        let inside = node.descendants().filter(|n| n.value().is_text());
        texts.extend(inside.enumerate().map(|(i, n)| (n.id(), *label, i == 0)));
    }
    for (id, label) in found {
        if let Some(mut node) = doc.tree.get_mut(id) {
            if let Node::Element(el) = node.value() {
                for (name, value) in el.attrs.iter_mut() {
                    if &*name.local == "value" {
                        *value = masked(label).into();
                    }
                }
            }
        }
    }
    for (id, label, first) in texts {
        if let Some(mut node) = doc.tree.get_mut(id) {
            if let Node::Text(t) = node.value() {
                t.text = if first { masked(label) } else { String::new() }.into();
            }
        }
    }
    doc.html()
}

#[cfg(test)]
mod tests {
    use super::mask;

    fn page(body: &str) -> String {
        format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>")
    }

    #[test]
    fn the_app_password_is_masked_however_its_element_is_written() {
        for el in [
            r#"<div class="app-password" id="tfa_app_password" aria-label="App password">xqzhfewfjgifccaz</div>"#,
            r#"<div id='tfa_app_password' class=app-password>xqzhfewfjgifccaz</div>"#,
            r#"<DIV ID=tfa_app_password>xqzhfewfjgifccaz</DIV>"#,
            r#"<div id="tfa_app_password"><span>xqzhf</span><b>ewfjg<i>ifccaz</i></b></div>"#,
            r#"<div id="tfa_app_password">
                 xqzhfewfjgifccaz
               </div>"#,
        ] {
            let out = mask(&page(el));
            for part in ["xqzhf", "ewfjg", "ifccaz"] {
                assert!(!out.contains(part), "{el}\n→ {out}");
            }
            assert_eq!(out.matches("[app password]").count(), 1, "{out}");
        }
    }

    #[test]
    fn hidden_tokens_are_masked_whatever_the_attribute_order_quotes_or_case() {
        for input in [
            r#"<input type="hidden" name="flowToken" value="Tk1Secret">"#,
            r#"<input value="Tk1Secret" name="flowToken" type="hidden">"#,
            r#"<input value='Tk1Secret' type='hidden' name='canary'>"#,
            r#"<INPUT TYPE=HIDDEN NAME=ctx VALUE=Tk1Secret>"#,
            r#"<input type="Hidden" name="ctx" value="Tk1Secret"/>"#,
        ] {
            let out = mask(&page(&format!("<form>{input}</form>")));
            assert!(!out.contains("Tk1Secret"), "{input}\n→ {out}");
            assert!(out.contains(r#"value="[token]""#), "{out}");
        }
    }

    #[test]
    fn code_and_password_boxes_and_marked_elements_are_masked() {
        let out = mask(&page(
            r#"<form>
<input id="idTxtBx_SAOTCC_OTC" name="otc" value="123456">
<input id="tfa_code" name="otc" value="654321">
<input name="x" autocomplete="One-Time-Code" value="111222">
<input type="password" name="passwd" value="Sms-Passw0rd!">
<span data-secret>top secret words</span>
</form>"#,
        ));
        for secret in [
            "123456",
            "654321",
            "111222",
            "Sms-Passw0rd!",
            "top secret words",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert_eq!(out.matches(r#"value="[code]""#).count(), 3, "{out}");
        assert!(out.contains(r#"value="[password]""#), "{out}");
        assert!(out.contains(">[secret]</span>"), "{out}");
    }

    #[test]
    fn todays_app_password_and_code_box_are_masked_by_their_place() {
        let out = mask(&page(
            r#"<p>Password: <span id="security-info-app-password">abcdefghijklmnop</span></p>
<form><input type="text" id="register-code" name="otc" value="123456"></form>"#,
        ));
        assert!(
            !out.contains("abcdefghijklmnop") && !out.contains("123456"),
            "{out}"
        );
        assert!(out.contains(">[app password]</span>"), "{out}");
        assert!(out.contains(r#"value="[code]""#), "{out}");
    }

    #[test]
    fn several_secrets_on_one_page_and_the_rest_of_the_page_kept() {
        let out = mask(&page(
            r#"<h1 id="tfa_title">Additional security verification</h1>
<p id="tfa_step">Step 3: Keep using your existing applications</p>
<div id="tfa_app_password">abcdefghijklmnop</div>
<form><input type="hidden" name="flowToken" value="AAAA1111"><input type="hidden" name="canary" value="BBBB2222">
<input id="name" name="name" value="o365.sms"></form>"#,
        ));
        assert!(
            !out.contains("abcdefghijklmnop")
                && !out.contains("AAAA1111")
                && !out.contains("BBBB2222")
        );
        assert!(
            out.contains("Step 3: Keep using your existing applications"),
            "{out}"
        );
        assert!(out.contains(r#"<h1 id="tfa_title">Additional security verification</h1>"#));
        assert!(out.contains(r#"value="o365.sms""#), "{out}");
        assert!(out.starts_with("<!DOCTYPE html>"), "{out}");
        assert_eq!(out.matches("[token]").count(), 2, "{out}");
    }

    #[test]
    fn a_page_without_secrets_or_not_html_at_all_comes_back_readable() {
        let out = mask(&page(r#"<p id="tfa_phone">+1 2065550101</p>"#));
        assert!(out.contains("+1 2065550101"), "{out}");
        assert!(mask("plain text, not html").contains("plain text, not html"));
        assert!(mask("").contains("<html>"));
    }
}
