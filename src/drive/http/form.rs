//! Form submission as a browser does it without scripts: which controls
//! belong to the form, which are "successful", and where the data goes.

use super::dom::{attr_is, input_type, tag, Dom};
use crate::drive::{DriveError, Result};
use scraper::ElementRef;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
}

/// A request a click causes.
#[derive(Debug, Clone)]
pub(super) struct Submission {
    pub method: Method,
    pub url: Url,
    /// `application/x-www-form-urlencoded` body, for POST.
    pub body: Option<String>,
}

/// Whether a click on this element submits its form.
pub(super) fn is_submit_button(e: ElementRef<'_>) -> bool {
    match tag(e) {
        "button" => e
            .attr("type")
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .is_none_or(|t| !matches!(t.as_str(), "button" | "reset")),
        "input" => matches!(input_type(e).as_str(), "submit" | "image"),
        _ => false,
    }
}

/// The form a control belongs to: its `form="id"`, else its nearest
/// ancestor `<form>`.
pub(super) fn form_owner<'a>(dom: &'a Dom<'_>, e: ElementRef<'a>) -> Option<ElementRef<'a>> {
    if let Some(id) = e.attr("form") {
        return dom
            .html
            .root_element()
            .descendent_elements()
            .find(|f| tag(*f) == "form" && f.attr("id") == Some(id));
    }
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| tag(*a) == "form")
}

/// Every control a form owns, in document order.
pub(super) fn controls<'a>(dom: &'a Dom<'_>, form: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    dom.html
        .root_element()
        .descendent_elements()
        .filter(|e| matches!(tag(*e), "input" | "select" | "textarea" | "button"))
        .filter(|e| form_owner(dom, *e) == Some(form))
        .collect()
}

/// The radios that untick when `radio` is ticked (itself included).
pub(super) fn radio_group<'a>(dom: &'a Dom<'_>, radio: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    let Some(name) = radio.attr("name").filter(|n| !n.is_empty()) else {
        return vec![radio];
    };
    let owner = form_owner(dom, radio);
    dom.html
        .root_element()
        .descendent_elements()
        .filter(|e| tag(*e) == "input" && input_type(*e) == "radio")
        .filter(|e| e.attr("name") == Some(name) && form_owner(dom, *e) == owner)
        .collect()
}

/// Disabled itself, or inside a disabled `<fieldset>` (outside its first legend).
pub(super) fn is_disabled(e: ElementRef<'_>) -> bool {
    if e.attr("disabled").is_some() {
        return true;
    }
    let mut child = e;
    for a in e.ancestors().filter_map(ElementRef::wrap) {
        if tag(a) == "fieldset" && a.attr("disabled").is_some() {
            let legend = a.child_elements().find(|c| tag(*c) == "legend");
            if legend != Some(child) {
                return true;
            }
        }
        child = a;
    }
    false
}

/// The name/value pairs the form sends when `submitter` is clicked.
pub(super) fn fields(
    dom: &Dom<'_>,
    form: ElementRef<'_>,
    submitter: Option<ElementRef<'_>>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in controls(dom, form) {
        if is_disabled(c) {
            continue;
        }
        let name = c.attr("name").unwrap_or("");
        if tag(c) == "input" && input_type(c) == "image" {
            // An image button sends where it was clicked; a person clicks its corner.
            if Some(c) == submitter {
                let prefix = if name.is_empty() {
                    String::new()
                } else {
                    format!("{name}.")
                };
                out.push((format!("{prefix}x"), "0".into()));
                out.push((format!("{prefix}y"), "0".into()));
            }
            continue;
        }
        if name.is_empty() {
            continue;
        }
        match tag(c) {
            "button" => {
                if Some(c) == submitter {
                    out.push((name.into(), c.attr("value").unwrap_or("").into()));
                }
            }
            "select" => {
                for o in dom.selected_options(c) {
                    if o.attr("disabled").is_none() {
                        out.push((name.into(), dom.option_value(o)));
                    }
                }
            }
            "textarea" => out.push((name.into(), dom.value(c))),
            _ => match input_type(c).as_str() {
                "submit" | "reset" | "button" => {
                    if Some(c) == submitter {
                        out.push((name.into(), c.attr("value").unwrap_or("").into()));
                    }
                }
                "checkbox" | "radio" => {
                    if dom.is_checked(c) {
                        out.push((name.into(), c.attr("value").unwrap_or("on").into()));
                    }
                }
                // No file is ever chosen; browsers send the empty filename.
                "file" => out.push((name.into(), String::new())),
                _ => out.push((name.into(), dom.value(c))),
            },
        }
    }
    out
}

/// The first required field left empty, as a browser's validation bubble
/// would point it out (unless the form or button says `novalidate`).
fn missing_required(dom: &Dom<'_>, form: ElementRef<'_>) -> Option<String> {
    for c in controls(dom, form) {
        if c.attr("required").is_none() || is_disabled(c) || c.attr("readonly").is_some() {
            continue;
        }
        let empty = match tag(c) {
            "input" => match input_type(c).as_str() {
                "checkbox" => !dom.is_checked(c),
                "radio" => !radio_group(dom, c).iter().any(|r| dom.is_checked(*r)),
                "hidden" | "submit" | "image" | "reset" | "button" => false,
                _ => dom.value(c).is_empty(),
            },
            "select" | "textarea" => dom.value(c).is_empty(),
            _ => false,
        };
        if empty {
            let name = c
                .attr("id")
                .map(|id| format!("#{id}"))
                .or_else(|| c.attr("name").map(|n| format!("[name={n}]")))
                .unwrap_or_else(|| tag(c).to_string());
            return Some(name);
        }
    }
    None
}

/// Where clicking `submitter` (or submitting implicitly) sends the form;
/// `None` for `method="dialog"`, which only closes a dialog.
pub(super) fn submission(
    dom: &Dom<'_>,
    css: &str,
    form: ElementRef<'_>,
    submitter: Option<ElementRef<'_>>,
) -> Result<Option<Submission>> {
    let on_button = |name: &str| submitter.and_then(|s| s.attr(name));
    let novalidate = form.attr("novalidate").is_some() || on_button("formnovalidate").is_some();
    if !novalidate {
        if let Some(field) = missing_required(dom, form) {
            return Err(DriveError::Unusable {
                selector: css.to_string(),
                why: format!(
                    "the browser would not submit the form: the required field `{field}` is empty"
                ),
            });
        }
    }
    let method = on_button("formmethod")
        .or_else(|| form.attr("method"))
        .unwrap_or("get")
        .trim()
        .to_ascii_lowercase();
    let method = match method.as_str() {
        "post" => Method::Post,
        "dialog" => return Ok(None),
        _ => Method::Get,
    };
    let action = on_button("formaction")
        .or_else(|| form.attr("action"))
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let mut url = match action {
        Some(a) => dom.base().join(a).map_err(|e| DriveError::Unusable {
            selector: css.to_string(),
            why: format!("the form's action `{a}` is not a valid URL: {e}"),
        })?,
        None => dom.page.url.clone(),
    };
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields(dom, form, submitter))
        .finish();
    Ok(Some(match method {
        Method::Get => {
            url.set_query(Some(&encoded));
            Submission {
                method,
                url,
                body: None,
            }
        }
        Method::Post => Submission {
            method,
            url,
            body: Some(encoded),
        },
    }))
}

/// Whether a `<button>` is `type="reset"` or an `<input type=reset>`.
pub(super) fn is_reset_button(e: ElementRef<'_>) -> bool {
    match tag(e) {
        "button" => attr_is(e, "type", "reset"),
        "input" => input_type(e) == "reset",
        _ => false,
    }
}
