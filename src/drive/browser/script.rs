//! The scripts the browser driver runs in the page. Every interaction is
//! one WebDriver round trip: find the first visible match and act on it in
//! the same script. (Finding, then asking each match whether it is
//! displayed, then acting, took three to five round trips of about 6 ms
//! each, a quarter of the browser suite's time.)

/// Shared prelude: `shown(el)` is what a person can see — rendered, not
/// `visibility:hidden`, not fully transparent, and taking up space.
const PRELUDE: &str = r#"
const shown = (el) => {
  if (!el.isConnected) return false;
  // An option shows as part of its drop-down.
  if (el.tagName === 'OPTION') { const s = el.closest('select'); return !el.hidden && !!s && shown(s); }
  if (el.checkVisibility && !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
  const r = el.getClientRects();
  return r.length > 0 && Array.from(r).some((b) => b.width > 0 || b.height > 0);
};
const all = (sel) => { try { return {list: Array.from(document.querySelectorAll(sel))}; } catch (e) { return {bad: String(e && e.message || e)}; } };
const text = (el) => (el.innerText === undefined ? el.textContent : el.innerText).replace(/\s+/g, ' ').trim();
const page = () => ({url: location.href, title: document.title});
"#;

/// Wraps `body` so that it runs on the first visible match of the selector
/// in `arguments[0]`, as `el`, with the remaining arguments in `args`.
/// The result is `{bad}` (invalid selector), `{missing, url, title}` (no
/// visible match), `{refused}` (the element cannot take the action) or
/// `{ok}` (what the body returned).
pub fn on_first_visible(body: &str) -> String {
    format!(
        r#"{PRELUDE}
const found = all(arguments[0]);
if (found.bad) return {{bad: found.bad}};
const el = found.list.find(shown);
if (!el) return Object.assign({{missing: true}}, page());
const args = Array.from(arguments).slice(1);
const act = () => {{ {body} }};
const out = act();
return (out && out.refused !== undefined) ? out : {{ok: out === undefined ? null : out}};
"#
    )
}

/// Whether there is a visible match: `{ok: true}` or `{missing}`.
pub const PRESENT: &str = "return true;";

/// The element's visible text.
pub const TEXT: &str = "return text(el);";

/// A form field's value, or the element's text.
pub const VALUE: &str = r#"
if ('value' in el && ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'OPTION'].includes(el.tagName)) return String(el.value);
return text(el);
"#;

/// `args[0]`: what to pick. Picks the option of a `<select>` matched on
/// value or label exactly, then on label ignoring case, and fires `input`
/// and `change` as picking it by hand does.
pub const CHOOSE: &str = r#"
const wanted = args[0];
if (el.tagName !== 'SELECT') return {refused: 'is a <' + el.tagName.toLowerCase() + '>, not a <select>'};
if (el.matches(':disabled')) return {refused: 'it is disabled'};
const opts = Array.from(el.options);
const label = (o) => o.label.replace(/\s+/g, ' ').trim();
const hit = opts.find((o) => o.value === wanted || label(o) === wanted)
  || opts.find((o) => label(o).toLowerCase() === wanted.toLowerCase());
if (!hit) return {refused: 'has no option "' + wanted + '"; it offers ' + opts.map(label).join(', ')};
el.focus();
el.value = hit.value;
el.dispatchEvent(new Event('input', {bubbles: true}));
el.dispatchEvent(new Event('change', {bubbles: true}));
"#;

/// `args[0]`: the text. Replaces a text field's text and fires `input` and
/// `change`, as Playwright's `fill` does: pages listen to those, and one
/// event per field instead of one WebDriver key event per character is ten
/// times faster.
pub const FILL: &str = r#"
const tag = el.tagName;
const type = (el.getAttribute('type') || 'text').toLowerCase();
if (!(tag === 'TEXTAREA' || (tag === 'INPUT' && !['checkbox', 'radio', 'submit', 'button', 'image', 'reset', 'file', 'hidden'].includes(type)))) {
  return {refused: 'a <' + tag.toLowerCase() + (tag === 'INPUT' ? ' type=' + type : '') + '> cannot be typed into'};
}
if (el.matches(':disabled')) return {refused: 'it is disabled'};
if (el.readOnly) return {refused: 'it is read-only'};
el.focus();
const proto = tag === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, args[0]);
el.dispatchEvent(new Event('input', {bubbles: true}));
el.dispatchEvent(new Event('change', {bubbles: true}));
"#;

/// `args[0]`: a token, `args[1]`: tick only (do nothing if already
/// ticked). Clicks as a person would, after the checks a person makes
/// without thinking: it is enabled, and nothing covers it (the element at
/// its centre, scrolled into view, is it, inside it, or its label). Marks
/// the current document with the token and returns what the click does:
/// `"submit"` or `"link"` (a new page loads) or `"none"`.
///
/// A DOM click runs the page's handlers and default actions (submitting
/// the form, following the link) as a mouse click does; WebDriver's own
/// click synthesises mouse events and cost 90 ms a click here.
pub const CLICK: &str = r#"
const [token, tickOnly] = args;
// A label ticks its control.
const control = el.tagName === 'LABEL' && el.control ? el.control : el;
if (tickOnly && control.checked) return 'none';
if (el.matches(':disabled') || control.matches(':disabled')) return {refused: 'it is disabled'};
el.scrollIntoView({block: 'center', inline: 'center'});
// The centre of its first box: a link wrapped over two lines has a
// bounding box whose centre may fall between the lines.
const box = Array.from(el.getClientRects()).find((r) => r.width > 0 && r.height > 0) || el.getBoundingClientRect();
const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
const labelled = (n) => el.labels && Array.from(el.labels).some((l) => l === n || l.contains(n));
if (top && top !== el && !el.contains(top) && !labelled(top)) {
  return {refused: 'it is covered by <' + top.tagName.toLowerCase() + (top.id ? '#' + top.id : '') + '>, so a click would land there'};
}
window.__docproofPage = token;
// The button a click submits with may be the element or hold it.
const submitter = el.closest('button, input[type=submit], input[type=image]');
const type = submitter ? (submitter.getAttribute('type') || '').toLowerCase() : '';
let kind = 'none';
if (submitter && (submitter.tagName === 'INPUT' || type === '' || type === 'submit')) {
  kind = submitter.form ? 'submit' : 'none';
} else {
  const link = el.closest('a[href]');
  if (link) {
    const href = link.getAttribute('href');
    kind = (href.startsWith('#') || href.toLowerCase().startsWith('javascript:') || link.target === '_blank') ? 'none' : 'link';
  }
}
// Clicked here, not after a timeout: the page a click loads (a form's
// submission, a link) is a navigation the browser queues, so this answer
// still leaves the old document, and chromedriver, which sees the
// navigation start, waits for it before the next command. (A click put off
// with setTimeout ran after chromedriver had looked, so it cost one more
// round trip: 18 ms a click, 0.9 s a suite.)
el.click();
return kind;
"#;

/// `arguments[0]`: the token [`CLICK`] left. `"same"` while the old
/// document is still showing, else the new one's `readyState`.
pub const AFTER_CLICK: &str = r#"
return window.__docproofPage === arguments[0] ? 'same' : document.readyState;
"#;

/// The visible texts of every visible match, or `{bad}`.
pub fn texts() -> String {
    format!(
        r#"{PRELUDE}
const found = all(arguments[0]);
if (found.bad) return {{bad: found.bad}};
return {{texts: found.list.filter(shown).map(text)}};
"#
    )
}

/// An attribute of the first match, visible or not: `{ok}`, `{missing}`
/// or `{bad}`.
pub fn attribute() -> String {
    format!(
        r#"{PRELUDE}
const found = all(arguments[0]);
if (found.bad) return {{bad: found.bad}};
if (!found.list.length) return Object.assign({{missing: true}}, page());
return {{ok: found.list[0].getAttribute(arguments[1])}};
"#
    )
}

/// The whole page's visible text.
pub fn page_text() -> String {
    format!("{PRELUDE}\nreturn document.body ? text(document.body) : '';")
}

/// Forgets what the last scenario left in this origin's storage.
pub const CLEAR_STORAGE: &str = r#"
try { localStorage.clear(); } catch (e) {}
try { sessionStorage.clear(); } catch (e) {}
"#;

/// `arguments[0]`: `[[secret, label], …]`, `arguments[1]`: a token,
/// `arguments[2]`: the secret places, `[[css, label], …]`
/// (`crate::redact::PLACES`). Replaces the text and field value of every
/// secret place with `[label]`, then every known secret, and any
/// standalone six-digit run (a one-time code), in the page's text and
/// field values; remembers what it changed so [`UNMASK_SECRETS`] can put
/// it back. Returns how many places it masked.
///
/// Hidden inputs are left alone: they are never drawn, and a page's own
/// script may submit their form meanwhile (the call-wait page does).
pub const MASK_SECRETS: &str = r#"
const [pairs, token, places] = arguments;
window.__docproofMasked = token;
const undo = [];
const set = (node, key, value) => {
  if (node[key] !== value) { undo.push([node, key, node[key]]); node[key] = value; }
};
const done = new Set();
for (const [css, label] of places) {
  for (const el of document.querySelectorAll(css)) {
    if (done.has(el) || (el.tagName === 'INPUT' && el.type === 'hidden')) continue;
    done.add(el);
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
      if (el.value !== '') set(el, 'value', '[' + label + ']');
      continue;
    }
    const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let first = true;
    for (let n = texts.nextNode(); n; n = texts.nextNode()) {
      set(n, 'nodeValue', first ? '[' + label + ']' : '');
      first = false;
    }
  }
}
const mask = (s) => {
  let out = s;
  for (const [secret, label] of pairs) out = out.split(secret).join('[' + label + ']');
  return out.replace(/\b\d{6}\b/g, '[code]');
};
const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) set(n, 'nodeValue', mask(n.nodeValue));
for (const f of document.querySelectorAll('input, textarea')) {
  if (f.type === 'password' || f.type === 'hidden') continue;
  set(f, 'value', mask(f.value));
}
window.__docproofUnmask = undo;
return done.size;
"#;

/// Puts back what [`MASK_SECRETS`] changed; `arguments[0]`: its token.
/// Returns false when this is another page than the one masked (it moved
/// on by itself in between), so the screenshot may show it unmasked.
pub const UNMASK_SECRETS: &str = r#"
const same = window.__docproofMasked === arguments[0];
// Last change first: a node changed twice gets its original back.
for (const [node, key, value] of (window.__docproofUnmask || []).reverse()) node[key] = value;
window.__docproofUnmask = [];
return same;
"#;
