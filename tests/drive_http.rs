//! The HTTP driver against hand-written pages served by a local axum server,
//! and once against the tenant simulator's sign-in.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, Redirect};
use axum::routing::{any, get};
use axum::Router;
use docproof::drive::http::HttpDriver;
use docproof::drive::{why_not_clickable, DriveError, Driver};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
    ))
}

/// Shows the request: method, path, cookie, and each field on its own line
/// in the order received.
async fn echo(
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: String,
) -> Html<String> {
    let raw = if method == Method::POST {
        body
    } else {
        query.unwrap_or_default()
    };
    let fields: String = url::form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| format!("<li>{k}={v}</li>"))
        .collect();
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or("none");
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or("none");
    page(
        "Echo",
        &format!(
            r#"<p id="method">{method}</p><p id="type">{content_type}</p><p id="cookie">{cookie}</p><ul id="fields">{fields}</ul>"#
        ),
    )
}

const FORM: &str = r#"
<form id="main" method="post" action="/echo">
  <input name="user" id="user" value="preset">
  <input type="password" name="pw" id="pw">
  <input type="hidden" name="token" value="t0k">
  <input type="checkbox" name="remember" id="remember" checked>
  <input type="checkbox" name="news" id="news" value="yes">
  <input type="checkbox" name="terms" id="terms" value="agreed"><label for="terms" id="terms-label">I agree</label>
  <input type="radio" name="via" id="via-sms" value="sms" checked>
  <input type="radio" name="via" id="via-call" value="call">
  <select name="country" id="country"><option value="us">United States</option><option value="fr">France</option></select>
  <textarea name="note" id="note">hello</textarea>
  <input name="off" value="x" disabled>
  <fieldset disabled><input name="fs" value="y"></fieldset>
  <input id="noname" value="z">
  <button type="button" id="js" onclick="go()">Do it</button>
  <span id="plain">Just text</span>
  <button name="action" value="save" id="save">Save</button>
  <input type="submit" name="action" value="Cancel" id="cancel">
</form>
<input name="outside" value="owned" form="main">
<input name="stray" value="not-owned">
<form id="search" action="/echo?old=1">
  <input name="q" id="q"><button id="go">Search</button>
  <button id="alt" formaction="/echo?alt=1" formmethod="post" name="b" value="alt">Alt</button>
</form>
<form id="req" method="post" action="/echo"><input name="must" id="must" required><button id="req-go">Go</button></form>
<button id="lonely" form="main">Outside submit</button>
"#;

const HIDDEN: &str = r#"
<div id="shown">Shown <span hidden>secret</span><span style="display : NONE">gone</span></div>
<a id="hidden-link" href="/echo" hidden>Hidden link</a>
<p id="styled" style="visibility:hidden">Invisible</p>
<details id="more"><summary id="more-summary">More <b>options</b></summary><a id="inner" href="/echo?from=details">Inner</a></details>
<details open id="open"><summary>Open</summary><p id="open-text">Already open</p></details>
<noscript><p id="nojs">Scripts are off</p></noscript>
<script>var x = "<p id='fake'>not text</p>";</script>
<div>a</div><div>b</div>
"#;

/// Menu buttons (WAI-ARIA's pattern, as Microsoft's pages have them): the
/// page's script would open and close the popups; the driver does it for it.
const MENUS: &str = r#"
<button type="button" id="opener" aria-haspopup="true" aria-expanded="false" aria-controls="popup">More <b>actions</b></button>
<ul id="popup" role="menu" hidden><li role="none"><a role="menuitem" id="item" href="/echo?from=menu">Item</a></li></ul>
<button type="button" id="open-already" aria-haspopup="menu" aria-expanded="true" aria-controls="shown-list">Users</button>
<ul id="shown-list"><li><a id="shown-item" href="/echo?from=open">Shown</a></li></ul>
<button type="button" id="two" aria-haspopup="true" aria-expanded="false" aria-controls="first second">Two</button>
<p id="first" hidden>First</p><p id="second" hidden>Second</p>
<button type="button" id="broken" aria-haspopup="true" aria-expanded="false" aria-controls="popup nowhere">Broken</button>
<button type="button" id="no-popup" aria-expanded="false">Plain</button>
<p id="plain-hidden" hidden>Never shown</p>
<details id="d"><summary id="ds">Details</summary><p id="dp">Inside</p></details>
<div inert><a id="behind" href="/echo?from=behind">Behind a dialog</a></div>
"#;

/// One control for each reason a quick step refuses to click.
const CLICKABLE: &str = r#"
<button id="ready">Ready</button>
<button id="off" disabled>Off</button>
<button id="aria-off" aria-disabled="TRUE">Aria off</button>
<button id="aria-on" aria-disabled="false">Aria on</button>
<button id="gone" hidden>Gone</button>
<div style="display: none"><button id="folded">Folded</button></div>
"#;

#[derive(Clone, Default)]
struct Counters {
    refresh: Arc<AtomicUsize>,
}

async fn refreshing(State(c): State<Counters>) -> Html<String> {
    let n = c.refresh.fetch_add(1, Ordering::SeqCst) + 1;
    let ready = if n >= 3 {
        r#"<p id="ready">Ready</p>"#
    } else {
        "<p>Waiting…</p>"
    };
    Html(format!(
        r#"<html><head><META HTTP-EQUIV="Refresh" content="0"><title>Load {n}</title></head><body>{ready}</body></html>"#
    ))
}

fn app() -> Router {
    Router::new()
        .route("/echo", any(echo))
        .route("/", get(|| async { page("Home", r#"<a id="abs" href="/dir/page">Dir page</a>"#) }))
        .route(
            "/dir/page",
            get(|| async {
                page(
                    "Dir page",
                    r##"<a id="rel" href="sub?x=1">Sub</a><a id="frag" href="#top">Top</a><a id="js" href="javascript:void(0)">JS</a>"##,
                )
            }),
        )
        .route("/dir/sub", get(|| async { page("Sub page", "<h1>Sub</h1>") }))
        .route(
            "/based",
            get(|| async {
                Html(r#"<html><head><base href="/other/"><title>Based</title></head><body><a id="l" href="x">X</a></body></html>"#)
            }),
        )
        .route("/other/x", get(|| async { page("Other X", "") }))
        .route("/login", get(|| async { Redirect::to("/set-cookie") }))
        .route(
            "/set-cookie",
            get(|| async {
                (
                    StatusCode::SEE_OTHER,
                    [(header::SET_COOKIE, "session=abc; Path=/"), (header::LOCATION, "/echo")],
                )
            }),
        )
        .route("/form", get(|| async { page("Form", FORM) }))
        .route("/hidden", get(|| async { page("Hidden things", HIDDEN) }))
        .route("/menus", get(|| async { page("Menus", MENUS) }))
        .route("/clickable", get(|| async { page("Clickable", CLICKABLE) }))
        .route("/refresh", get(refreshing))
        .route("/static", get(|| async { page("Static", "<p>Nothing changes</p>") }))
        .route("/missing", get(|| async { (StatusCode::NOT_FOUND, page("Not here", "<h1>404</h1>")) }))
        .route("/plain", get(|| async { "1 < 2 & <b>not bold</b>" }))
        .with_state(Counters::default())
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app()).await.unwrap() });
    format!("http://{addr}")
}

async fn fields(d: &mut HttpDriver) -> Vec<String> {
    d.texts("#fields li").await.unwrap()
}

#[tokio::test]
async fn links_and_relative_urls() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    assert_eq!(d.kind(), docproof::drive::DriverKind::Http);
    assert!(!d.runs_scripts());
    assert_eq!(d.url().await.unwrap(), "about:blank");

    d.goto(&base).await.unwrap();
    assert_eq!(d.title().await.unwrap(), "Home");
    d.click("#abs").await.unwrap();
    assert_eq!(d.url().await.unwrap(), format!("{base}/dir/page"));
    d.click("#frag").await.unwrap();
    assert_eq!(
        d.title().await.unwrap(),
        "Dir page",
        "a #fragment link stays on the page"
    );
    let err = d.click("#js").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("JavaScript")),
        "{err}"
    );
    d.click("#rel").await.unwrap();
    assert_eq!(d.url().await.unwrap(), format!("{base}/dir/sub?x=1"));

    d.goto("page").await.unwrap();
    assert_eq!(
        d.title().await.unwrap(),
        "Dir page",
        "goto resolves against the current page"
    );
    d.goto("/based").await.unwrap();
    d.click("#l").await.unwrap();
    assert_eq!(
        d.url().await.unwrap(),
        format!("{base}/other/x"),
        "<base href> wins"
    );
}

#[tokio::test]
async fn relative_goto_without_a_page_is_an_error() {
    let mut d = HttpDriver::new();
    let err = d.goto("/x").await.unwrap_err();
    assert!(matches!(err, DriveError::Transport { .. }), "{err}");
}

#[tokio::test]
async fn redirects_are_followed_and_cookies_kept() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/login")).await.unwrap();
    assert_eq!(d.url().await.unwrap(), format!("{base}/echo"));
    assert_eq!(d.text("#cookie").await.unwrap(), "session=abc");
    d.goto("/echo").await.unwrap();
    assert_eq!(
        d.text("#cookie").await.unwrap(),
        "session=abc",
        "the cookie is sent later too"
    );

    d.reset().await.unwrap();
    assert_eq!(d.url().await.unwrap(), "about:blank");
    d.goto(&format!("{base}/echo")).await.unwrap();
    assert_eq!(
        d.text("#cookie").await.unwrap(),
        "none",
        "reset drops cookies"
    );
}

#[tokio::test]
async fn post_form_sends_what_a_browser_sends() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/form")).await.unwrap();
    d.fill("#user", "alice").await.unwrap();
    d.fill("#pw", "s3cret & more").await.unwrap();
    assert_eq!(d.value("#user").await.unwrap(), "alice");
    assert_eq!(d.value("#note").await.unwrap(), "hello");
    d.tick("#news").await.unwrap();
    d.click("#news").await.unwrap(); // a click toggles it back off
    d.click("#terms-label").await.unwrap(); // the label ticks its checkbox
    d.click("#remember").await.unwrap(); // unticks the default
    d.tick("#via-call").await.unwrap();
    d.choose("#country", "france").await.unwrap();
    assert_eq!(d.value("#country").await.unwrap(), "fr");
    d.click("#save").await.unwrap();

    assert_eq!(d.text("#method").await.unwrap(), "POST");
    assert_eq!(
        d.text("#type").await.unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        fields(&mut d).await,
        [
            "user=alice",
            "pw=s3cret & more",
            "token=t0k",
            "terms=agreed",
            "via=call",
            "country=fr",
            "note=hello",
            "action=save",
            "outside=owned",
        ]
    );
}

#[tokio::test]
async fn untouched_form_submits_its_defaults() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/form")).await.unwrap();
    d.click("#cancel").await.unwrap();
    assert_eq!(
        fields(&mut d).await,
        [
            "user=preset",
            "pw=",
            "token=t0k",
            "remember=on",
            "via=sms",
            "country=us",
            "note=hello",
            "action=Cancel",
            "outside=owned",
        ]
    );
}

#[tokio::test]
async fn get_forms_form_attribute_and_formaction() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/form")).await.unwrap();
    d.fill("#q", "a b").await.unwrap();
    d.click("#go").await.unwrap();
    assert_eq!(d.text("#method").await.unwrap(), "GET");
    assert_eq!(
        d.url().await.unwrap(),
        format!("{base}/echo?q=a+b"),
        "the query is replaced"
    );

    d.goto("/form").await.unwrap();
    d.fill("#q", "z").await.unwrap();
    d.click("#alt").await.unwrap();
    assert_eq!(d.text("#method").await.unwrap(), "POST");
    assert_eq!(d.url().await.unwrap(), format!("{base}/echo?alt=1"));
    assert_eq!(fields(&mut d).await, ["q=z", "b=alt"]);

    d.goto("/form").await.unwrap();
    d.click("#lonely").await.unwrap();
    assert_eq!(
        d.text("#method").await.unwrap(),
        "POST",
        "form= attribute finds the form"
    );
    assert!(fields(&mut d).await.contains(&"user=preset".to_string()));

    d.goto("/form").await.unwrap();
    let err = d.click("#req-go").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("#must")),
        "{err}"
    );
    d.fill("#must", "x").await.unwrap();
    d.click("#req-go").await.unwrap();
    assert_eq!(fields(&mut d).await, ["must=x"]);
}

#[tokio::test]
async fn unusable_elements_are_explained() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/form")).await.unwrap();

    let err = d.choose("#country", "Germany").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("\"United States\", \"France\"")),
        "{err}"
    );
    let err = d.fill("#save", "x").await.unwrap_err();
    assert!(matches!(err, DriveError::Unusable { .. }), "{err}");
    let err = d.fill("#remember", "x").await.unwrap_err();
    assert!(matches!(err, DriveError::Unusable { .. }), "{err}");
    let err = d.click("#js").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("onclick")),
        "{err}"
    );
    let err = d.click("#plain").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("does nothing")),
        "{err}"
    );
    let err = d.tick("#user").await.unwrap_err();
    assert!(matches!(err, DriveError::Unusable { .. }), "{err}");

    let err = d.click("div[").await.unwrap_err();
    assert!(matches!(err, DriveError::BadSelector { .. }), "{err}");
    let err = d.is_visible("::nope").await.unwrap_err();
    assert!(matches!(err, DriveError::BadSelector { .. }), "{err}");

    let err = d.click("#absent").await.unwrap_err();
    match err {
        DriveError::NotFound { selector, page } => {
            assert_eq!(selector, "#absent");
            assert_eq!(page, format!("\"Form\" ({base}/form)"));
        }
        other => panic!("{other}"),
    }
    assert_eq!(
        d.attribute("input[name=token]", "value")
            .await
            .unwrap()
            .as_deref(),
        Some("t0k")
    );
    assert_eq!(d.attribute("#user", "nope").await.unwrap(), None);
    assert!(matches!(
        d.attribute("#absent", "x").await,
        Err(DriveError::NotFound { .. })
    ));
}

#[tokio::test]
async fn hidden_things_are_not_found_until_shown() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/hidden")).await.unwrap();

    assert_eq!(d.text("#shown").await.unwrap(), "Shown");
    for hidden in ["#hidden-link", "#styled", "#inner", "#fake"] {
        assert!(!d.is_visible(hidden).await.unwrap(), "{hidden}");
        assert!(
            matches!(d.click(hidden).await, Err(DriveError::NotFound { .. })),
            "{hidden}"
        );
    }
    assert!(matches!(
        d.text("#inner").await,
        Err(DriveError::NotFound { .. })
    ));
    assert!(d.is_visible("#more-summary").await.unwrap());
    assert!(d.is_visible("#open-text").await.unwrap());
    assert_eq!(d.text("#nojs").await.unwrap(), "Scripts are off");
    assert!(d.is_visible("noscript p").await.unwrap());
    assert_eq!(
        d.page_text().await.unwrap(),
        "Shown More options Open Already open Scripts are off a b"
    );

    d.click("#more-summary b").await.unwrap(); // a click inside the summary opens it
    assert_eq!(d.text("#inner").await.unwrap(), "Inner");
    d.click("#more-summary").await.unwrap();
    assert!(
        !d.is_visible("#inner").await.unwrap(),
        "a second click closes it"
    );
    d.click("#more-summary").await.unwrap();
    d.click("#inner").await.unwrap();
    assert_eq!(fields(&mut d).await, ["from=details"]);
}

#[tokio::test]
async fn why_a_control_cannot_be_clicked_is_named() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/clickable")).await.unwrap();
    let expected = [
        ("#ready", None),
        ("#aria-on", None),
        ("#off", Some("it is disabled")),
        ("#aria-off", Some("it is marked aria-disabled")),
        ("#gone", Some("it is not visible")),
        ("#folded", Some("it is not visible")),
        ("#nowhere", Some("it is not visible")),
    ];
    for (selector, why) in expected {
        let found = why_not_clickable(&mut d, selector).await.unwrap();
        assert_eq!(found, why, "{selector}");
    }
    assert!(matches!(
        why_not_clickable(&mut d, "button[").await,
        Err(DriveError::BadSelector { .. })
    ));
}

async fn attr(d: &mut HttpDriver, css: &str, name: &str) -> Option<String> {
    d.attribute(css, name).await.unwrap()
}

#[tokio::test]
async fn a_menu_button_opens_and_closes_the_popup_it_controls() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/menus")).await.unwrap();

    // Closed: the popup's items are hidden, as the page serves them.
    assert!(d.is_visible("#opener").await.unwrap());
    assert!(!d.is_visible("#item").await.unwrap());
    assert!(matches!(
        d.click("#item").await,
        Err(DriveError::NotFound { .. })
    ));
    assert_eq!(
        attr(&mut d, "#opener", "aria-expanded").await.as_deref(),
        Some("false")
    );
    assert_eq!(attr(&mut d, "#popup", "hidden").await.as_deref(), Some(""));

    // A click, even on something inside the button, opens it.
    d.click("#opener b").await.unwrap();
    assert_eq!(d.text("#item").await.unwrap(), "Item");
    assert_eq!(
        attr(&mut d, "#opener", "aria-expanded").await.as_deref(),
        Some("true")
    );
    assert_eq!(attr(&mut d, "#popup", "hidden").await, None);
    assert_eq!(
        d.url().await.unwrap(),
        format!("{base}/menus"),
        "no navigation"
    );
    // A second click closes it.
    d.click("#opener").await.unwrap();
    assert!(!d.is_visible("#item").await.unwrap());
    assert_eq!(
        attr(&mut d, "#opener", "aria-expanded").await.as_deref(),
        Some("false")
    );

    // Served open: the first click closes it.
    assert!(d.is_visible("#shown-item").await.unwrap());
    d.click("#open-already").await.unwrap();
    assert!(!d.is_visible("#shown-item").await.unwrap());
    assert_eq!(
        attr(&mut d, "#open-already", "aria-expanded")
            .await
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        attr(&mut d, "#shown-list", "hidden").await.as_deref(),
        Some("")
    );

    // aria-controls may name several popups.
    d.click("#two").await.unwrap();
    assert_eq!(
        d.texts("#first, #second").await.unwrap(),
        ["First", "Second"]
    );

    // Hidden things nothing opened stay hidden; <details> still works.
    assert!(!d.is_visible("#plain-hidden").await.unwrap());
    assert!(!d.is_visible("#dp").await.unwrap());
    d.click("#ds").await.unwrap();
    assert_eq!(d.text("#dp").await.unwrap(), "Inside");
    assert_eq!(attr(&mut d, "#d", "open").await.as_deref(), Some(""));
    assert_eq!(
        d.page_text().await.unwrap(),
        "More actions Users Two First Second Broken Plain Details Inside Behind a dialog"
    );
    // What is inert (behind a modal dialog) shows but cannot be used.
    let err = d.click("#behind").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("inert")),
        "{err}"
    );

    // A menu button for a popup the page lacks, or a button that names
    // no popup, is refused with the reason.
    let err = d.click("#broken").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("`#nowhere`") && !why.contains("`#popup`")),
        "{err}"
    );
    let err = d.click("#no-popup").await.unwrap_err();
    assert!(
        matches!(&err, DriveError::Unusable { why, .. } if why.contains("does nothing without JavaScript")),
        "{err}"
    );

    // An item of an open menu is followed like any link; the next page
    // starts closed again.
    d.click("#opener").await.unwrap();
    d.click("#item").await.unwrap();
    assert_eq!(fields(&mut d).await, ["from=menu"]);
    d.goto("/menus").await.unwrap();
    assert!(!d.is_visible("#item").await.unwrap());
}

#[tokio::test]
async fn wait_for_follows_a_meta_refresh() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/refresh")).await.unwrap();
    assert_eq!(d.title().await.unwrap(), "Load 1");
    d.wait_for("#ready", Duration::from_secs(5)).await.unwrap();
    assert_eq!(d.title().await.unwrap(), "Load 3");
}

#[tokio::test]
async fn wait_for_gives_up_at_once_on_a_static_page() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/static")).await.unwrap();
    let start = Instant::now();
    let err = d
        .wait_for("#never", Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    match &err {
        DriveError::WillNotAppear { selector, page } => {
            assert_eq!(selector, "#never");
            assert!(page.contains("\"Static\""), "{page}");
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string().contains("`#never`") && err.to_string().contains("cannot change by itself"),
        "{err}"
    );
}

#[tokio::test]
async fn error_and_plain_text_responses_become_the_page() {
    let base = serve().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{base}/missing")).await.unwrap();
    assert_eq!(d.title().await.unwrap(), "Not here");
    let err = d.click("#x").await.unwrap_err();
    assert!(err.to_string().contains("HTTP 404"), "{err}");
    d.goto("/plain").await.unwrap();
    assert_eq!(d.page_text().await.unwrap(), "1 < 2 & <b>not bold</b>");
    assert_eq!(d.html().await.unwrap(), "1 < 2 & <b>not bold</b>");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut d = HttpDriver::new();
    let err = d
        .goto(&format!("http://{addr}/x?token=secret"))
        .await
        .unwrap_err();
    match &err {
        DriveError::Transport { url, .. } => {
            assert!(!url.contains("secret"), "the query is not shown: {url}");
        }
        other => panic!("{other}"),
    }
}

async fn spawn_tenant() -> docproof_simulator::RunningTenant {
    let file =
        docproof_simulator::TenantFile::load(std::path::Path::new("fixtures/tenant.toml")).unwrap();
    docproof_simulator::spawn(
        file,
        docproof_simulator::Settings::default(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

/// Types the user name and password into the tenant's sign-in pages.
async fn sign_in(d: &mut HttpDriver, upn: &str, password: &str) {
    d.fill("input[name=loginfmt]", upn).await.unwrap();
    d.click("#idSIButton9").await.unwrap();
    d.fill("input[name=passwd]", password).await.unwrap();
    d.click("#idSIButton9").await.unwrap();
}

#[tokio::test]
async fn walks_the_admin_centers_menu_buttons_to_the_mfa_page() {
    use docproof::pages::{admin_center as ac, mfa_page as mfa};
    let tenant = spawn_tenant().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{}/admin", tenant.base_url)).await.unwrap();
    sign_in(
        &mut d,
        "admin@cloudbacko-qa.onmicrosoft.com",
        "Adm1n-Passw0rd!",
    )
    .await;
    d.click("#idBtn_Back").await.unwrap();
    assert!(d.is_visible(ac::TITLE).await.unwrap());

    // The app launcher opens to its tiles.
    assert!(!d.is_visible(ac::ADMIN_TILE).await.unwrap());
    d.click(ac::MAIN_MENU).await.unwrap();
    assert_eq!(d.text(ac::ADMIN_TILE).await.unwrap(), "Admin");
    d.click(ac::MAIN_MENU).await.unwrap();

    // Users > Active users.
    assert!(!d.is_visible(ac::NAV_ACTIVE_USERS).await.unwrap());
    d.click(ac::NAV_USERS).await.unwrap();
    d.click(ac::NAV_ACTIVE_USERS).await.unwrap();
    assert_eq!(
        d.text(ac::ACTIVE_USERS_HEADING).await.unwrap(),
        "Active users"
    );

    // Preview: … > Setup Multifactor authentication.
    assert!(!d.is_visible(ac::SETUP_MFA).await.unwrap());
    assert_eq!(d.text(ac::MORE_ACTIONS).await.unwrap(), "…");
    d.click(ac::MORE_ACTIONS).await.unwrap();
    assert_eq!(
        d.text(ac::SETUP_MFA).await.unwrap(),
        "Setup Multifactor authentication"
    );
    d.click(ac::SETUP_MFA).await.unwrap();
    assert!(d.is_visible(mfa::HEADING).await.unwrap());

    // Classic: More > Multifactor Authentication setup.
    d.goto("/admin/users?mode=classic").await.unwrap();
    assert!(!d.is_visible(ac::SETUP_MFA).await.unwrap());
    assert_eq!(d.text(ac::MORE_DROPDOWN).await.unwrap(), "More");
    d.click(ac::MORE_DROPDOWN).await.unwrap();
    assert_eq!(
        d.texts(&format!(
            "{} [role=menuitem]",
            docproof_contract::ids::admin_center::MORE_DROPDOWN_MENU.css
        ))
        .await
        .unwrap(),
        ["Export users", "Multifactor Authentication setup"]
    );
    d.click(ac::SETUP_MFA).await.unwrap();
    assert!(d.is_visible(mfa::HEADING).await.unwrap());

    // FAQ 2.4: the user name selects the account as the display name does.
    d.fill(mfa::SEARCH, "o365").await.unwrap();
    d.click(mfa::SEARCH_BUTTON).await.unwrap();
    let upn = "o365.call@cloudbacko-qa.onmicrosoft.com";
    d.click(&mfa::user_name_link(upn)).await.unwrap();
    assert_eq!(d.text(mfa::PANEL_NAME).await.unwrap(), "O365 Call User");
}

#[tokio::test]
async fn signs_in_to_the_simulated_tenant() {
    let tenant = spawn_tenant().await;
    let mut d = HttpDriver::new();
    d.goto(&format!("{}/owa", tenant.base_url)).await.unwrap();
    sign_in(
        &mut d,
        "o365.sms@cloudbacko-qa.onmicrosoft.com",
        "Sms-Passw0rd!",
    )
    .await;
    assert!(
        d.is_visible("#KmsiDescription").await.unwrap(),
        "{}",
        d.page_text().await.unwrap()
    );
    d.click("#idBtn_Back").await.unwrap();
    assert!(
        d.is_visible("#owa_user").await.unwrap(),
        "{}",
        d.page_text().await.unwrap()
    );
    assert!(d
        .text("#owa_user")
        .await
        .unwrap()
        .contains("o365.sms@cloudbacko-qa.onmicrosoft.com"));
}
