//! What a person's action does to the page, worked out on a parsed page and
//! applied afterwards (the parsed page cannot live across an `.await`).

use super::dom::{first_summary, input_type, options, tag, Dom, PageState};
use super::form::{self, Submission};
use crate::drive::{collapse_whitespace, DriveError, Result};
use scraper::ElementRef;

/// The outcome of an action.
#[derive(Debug)]
pub(super) enum Change {
    Nothing,
    /// Open or close a `<details>`.
    Toggle(usize),
    /// Open (`true`) or close a menu button's popups: the button's
    /// `aria-expanded` and the popups' `hidden`, as the page's script sets them.
    Menu {
        button: usize,
        popups: Vec<usize>,
        open: bool,
    },
    /// New ticked states of checkboxes and radios.
    Check(Vec<(usize, bool)>),
    /// Forget what was typed, ticked and chosen in these controls.
    Reset(Vec<usize>),
    Type(usize, String),
    Choose(usize, usize),
    Load(Submission),
}

impl Change {
    /// Applies a change that stays on the page; returns a navigation to make.
    pub fn apply(self, state: &mut PageState) -> Option<Submission> {
        match self {
            Change::Nothing => {}
            Change::Toggle(k) => {
                if !state.toggled.remove(&k) {
                    state.toggled.insert(k);
                }
            }
            Change::Menu {
                button,
                popups,
                open,
            } => {
                state.expanded.insert(button, open);
                state.hidden.extend(popups.into_iter().map(|p| (p, !open)));
            }
            Change::Check(states) => state.checked.extend(states),
            Change::Reset(keys) => {
                for k in keys {
                    state.typed.remove(&k);
                    state.checked.remove(&k);
                    state.selected.remove(&k);
                }
            }
            Change::Type(k, v) => {
                state.typed.insert(k, v);
            }
            Change::Choose(select, option) => {
                state.selected.insert(select, vec![option]);
            }
            Change::Load(s) => return Some(s),
        }
        None
    }
}

fn unusable(css: &str, why: impl Into<String>) -> DriveError {
    DriveError::Unusable {
        selector: css.to_string(),
        why: why.into(),
    }
}

const TEXT_TYPES: &[&str] = &[
    "text", "email", "tel", "password", "search", "number", "url",
];

fn is_text_field(e: ElementRef<'_>) -> bool {
    tag(e) == "textarea" || (tag(e) == "input" && TEXT_TYPES.contains(&input_type(e).as_str()))
}

fn is_field(e: ElementRef<'_>) -> bool {
    matches!(tag(e), "input" | "select" | "textarea" | "button")
}

fn check_enabled(css: &str, e: ElementRef<'_>) -> Result<()> {
    if is_field(e) && form::is_disabled(e) {
        return Err(unusable(css, "it is disabled"));
    }
    if std::iter::once(e)
        .chain(e.ancestors().filter_map(ElementRef::wrap))
        .any(|a| a.attr("inert").is_some())
    {
        return Err(unusable(
            css,
            "it is inert (as the page is behind a modal dialog), so a person cannot use it",
        ));
    }
    Ok(())
}

pub(super) fn fill(dom: &Dom<'_>, css: &str, value: &str) -> Result<Change> {
    let e = dom.first_visible(css)?;
    if !is_text_field(e) {
        let what = match tag(e) {
            "input" => format!("an <input type={}>", input_type(e)),
            other => format!("a <{other}>"),
        };
        return Err(unusable(
            css,
            format!("it is {what}, not a text field, so nothing can be typed into it"),
        ));
    }
    check_enabled(css, e)?;
    if e.attr("readonly").is_some() {
        return Err(unusable(css, "it is read-only"));
    }
    Ok(Change::Type(dom.key(e), value.to_string()))
}

pub(super) fn choose(dom: &Dom<'_>, css: &str, option: &str) -> Result<Change> {
    let e = dom.first_visible(css)?;
    if tag(e) != "select" {
        return Err(unusable(
            css,
            format!("it is a <{}>, not a drop-down list (<select>)", tag(e)),
        ));
    }
    check_enabled(css, e)?;
    let opts = options(e);
    let label = |o: ElementRef<'_>| collapse_whitespace(&o.text().collect::<String>());
    let exact = |o: &ElementRef<'_>| dom.option_value(*o) == option || label(*o) == option;
    let loose = |o: &ElementRef<'_>| {
        dom.option_value(*o).eq_ignore_ascii_case(option) || label(*o).eq_ignore_ascii_case(option)
    };
    let Some(found) = opts
        .iter()
        .find(|o| exact(o))
        .or_else(|| opts.iter().find(|o| loose(o)))
    else {
        let available: Vec<String> = opts.iter().map(|o| format!("\"{}\"", label(*o))).collect();
        return Err(unusable(
            css,
            format!(
                "has no option \"{option}\"; its options are {}",
                available.join(", ")
            ),
        ));
    };
    if found.attr("disabled").is_some() {
        return Err(unusable(
            css,
            format!("the option \"{option}\" is disabled"),
        ));
    }
    Ok(Change::Choose(dom.key(e), dom.key(*found)))
}

pub(super) fn tick(dom: &Dom<'_>, css: &str) -> Result<Change> {
    let e = dom.first_visible(css)?;
    let kind = if tag(e) == "input" {
        input_type(e)
    } else {
        String::new()
    };
    if kind != "checkbox" && kind != "radio" {
        return Err(unusable(
            css,
            "it is not a checkbox or radio button, so it cannot be ticked",
        ));
    }
    check_enabled(css, e)?;
    if dom.is_checked(e) {
        return Ok(Change::Nothing);
    }
    Ok(toggle_check(dom, e))
}

/// Clicking a checkbox flips it; clicking a radio ticks it and unticks its group.
fn toggle_check(dom: &Dom<'_>, e: ElementRef<'_>) -> Change {
    if input_type(e) == "radio" {
        let mut states: Vec<_> = form::radio_group(dom, e)
            .into_iter()
            .map(|r| (dom.key(r), false))
            .collect();
        states.push((dom.key(e), true));
        Change::Check(states)
    } else {
        Change::Check(vec![(dom.key(e), !dom.is_checked(e))])
    }
}

/// Whether clicking this element does something by itself (so a click on
/// something inside it lands on it).
fn activates(e: ElementRef<'_>) -> bool {
    match tag(e) {
        "a" | "area" => e.attr("href").is_some(),
        "button" | "input" | "select" | "textarea" | "label" => true,
        "summary" => e
            .parent()
            .and_then(ElementRef::wrap)
            .is_some_and(|d| tag(d) == "details" && first_summary(d) == Some(e)),
        _ => false,
    }
}

pub(super) fn click(dom: &Dom<'_>, css: &str) -> Result<Change> {
    let e = dom.first_visible(css)?;
    let mut path = std::iter::once(e).chain(e.ancestors().filter_map(ElementRef::wrap));
    match path.find(|a| activates(*a)) {
        Some(target) => activate(dom, css, target),
        None => Err(does_nothing(css, e)),
    }
}

fn does_nothing(css: &str, e: ElementRef<'_>) -> DriveError {
    let scripted = std::iter::once(e)
        .chain(e.ancestors().filter_map(ElementRef::wrap))
        .any(|a| a.attr("onclick").is_some());
    if scripted {
        unusable(css, "clicking it needs JavaScript (it has an onclick handler), and this driver runs no scripts")
    } else {
        unusable(css, "clicking it does nothing without JavaScript (it is not a link, submit button, menu button, checkbox, label or summary)")
    }
}

fn activate(dom: &Dom<'_>, css: &str, e: ElementRef<'_>) -> Result<Change> {
    check_enabled(css, e)?;
    match tag(e) {
        "a" | "area" => follow_link(dom, css, e),
        "summary" => {
            let details = e
                .parent()
                .and_then(ElementRef::wrap)
                .expect("activates() checked");
            Ok(Change::Toggle(dom.key(details)))
        }
        "label" => match labelled_control(dom, e) {
            // Clicking a label clicks its control, even a hidden one.
            Some(c) if is_field(c) => activate(dom, css, c),
            _ => Err(unusable(css, "it is a label with no control to act on")),
        },
        "select" | "textarea" => Ok(Change::Nothing), // focuses the field
        "input" => match input_type(e).as_str() {
            "checkbox" | "radio" => {
                if input_type(e) == "radio" && dom.is_checked(e) {
                    return Ok(Change::Nothing);
                }
                Ok(toggle_check(dom, e))
            }
            "submit" | "image" => submit(dom, css, e),
            "reset" => reset(dom, css, e),
            "button" => Err(does_nothing(css, e)),
            _ => Ok(Change::Nothing), // focuses the field
        },
        "button" if form::is_reset_button(e) => reset(dom, css, e),
        "button" if form::is_submit_button(e) => submit(dom, css, e),
        "button" if is_menu_button(e) => open_or_close(dom, css, e),
        _ => Err(does_nothing(css, e)),
    }
}

/// A menu button (WAI-ARIA's pattern, as Microsoft's pages and role-based
/// locators have it): it says it opens a popup and which one.
fn is_menu_button(e: ElementRef<'_>) -> bool {
    e.attr("aria-haspopup")
        .is_some_and(|h| !h.trim().eq_ignore_ascii_case("false"))
        && e.attr("aria-controls")
            .is_some_and(|c| !c.trim().is_empty())
}

/// What the page's script does on a menu button's click: flips
/// `aria-expanded` and shows or hides the popups it controls to match.
fn open_or_close(dom: &Dom<'_>, css: &str, button: ElementRef<'_>) -> Result<Change> {
    let popups = dom.controlled(button).map_err(|missing| {
        let missing: Vec<String> = missing.iter().map(|id| format!("`#{id}`")).collect();
        unusable(
            css,
            format!(
                "it is a menu button for {}, which the page does not have",
                missing.join(", ")
            ),
        )
    })?;
    Ok(Change::Menu {
        button: dom.key(button),
        popups: popups.into_iter().map(|p| dom.key(p)).collect(),
        open: !dom.is_expanded(button),
    })
}

fn follow_link(dom: &Dom<'_>, css: &str, a: ElementRef<'_>) -> Result<Change> {
    let href = a.attr("href").unwrap_or("").trim();
    if href.len() >= 11 && href[..11].eq_ignore_ascii_case("javascript:") {
        return Err(unusable(
            css,
            "the link runs JavaScript (`javascript:` href), and this driver runs no scripts",
        ));
    }
    if href.starts_with('#') {
        return Ok(Change::Nothing); // scrolls within the page
    }
    let url = dom.base().join(href).map_err(|e| {
        unusable(
            css,
            format!("the link's href `{href}` is not a valid URL: {e}"),
        )
    })?;
    Ok(Change::Load(Submission {
        method: form::Method::Get,
        url,
        body: None,
    }))
}

fn submit(dom: &Dom<'_>, css: &str, button: ElementRef<'_>) -> Result<Change> {
    let Some(f) = form::form_owner(dom, button) else {
        return Err(unusable(
            css,
            "the button is not in a form, so without JavaScript it does nothing",
        ));
    };
    Ok(match form::submission(dom, css, f, Some(button))? {
        Some(s) => Change::Load(s),
        None => Change::Nothing,
    })
}

fn reset(dom: &Dom<'_>, css: &str, button: ElementRef<'_>) -> Result<Change> {
    let Some(f) = form::form_owner(dom, button) else {
        return Err(unusable(
            css,
            "the reset button is not in a form, so it does nothing",
        ));
    };
    Ok(Change::Reset(
        form::controls(dom, f)
            .into_iter()
            .map(|c| dom.key(c))
            .collect(),
    ))
}

/// The control a `<label>` names: `for="id"`, else the first one inside it.
fn labelled_control<'a>(dom: &'a Dom<'_>, label: ElementRef<'a>) -> Option<ElementRef<'a>> {
    match label.attr("for") {
        Some(id) => dom
            .html
            .root_element()
            .descendent_elements()
            .find(|e| e.attr("id") == Some(id)),
        None => label.descendent_elements().find(|e| is_field(*e)),
    }
}
