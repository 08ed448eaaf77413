//! The admin: signs in to Office 365, walks the admin center to the
//! multi-factor authentication page (FAQ 2.1–2.4) and uses its quick steps
//! (2.5). Set-up ("Given … has the status …") goes through Graph, as an
//! admin's script would.

use super::world::browse::HEADING;
use super::world::{today, Actor, DocWorld};
use super::Status;
use crate::pages::status_page::StatusPage;
use crate::pages::{admin_center as ac, mfa_page as mfa, sign_in};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use docproof_contract::domain::MfaStatus;
use futures::FutureExt as _;

const ADMIN: Actor = Actor::Admin;

#[given("the admin is signed in to Office 365")]
async fn admin_signed_in(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    sign_in_admin(w).await
}

pub async fn sign_in_admin(w: &mut DocWorld) -> anyhow::Result<()> {
    // The FAQ has no step for the admin's sign-in (2.1 starts in the Main
    // Menu): set-up, as Playwright's saved sign-in state is. The sign-in
    // pages themselves are walked in the browser by the users' documented
    // sign-ins.
    w.set_up(ADMIN, |w| walk_sign_in(w).boxed_local()).await?;
    w.see(ADMIN, "page", ac::TITLE).await?;
    Ok(())
}

/// Opens the admin center, which sends a signed-out visitor to sign in and
/// back; answers "Stay signed in?" with No. Returns the admin center's URL.
async fn walk_sign_in(w: &mut DocWorld) -> anyhow::Result<String> {
    let admin = admin_account(w)?;
    let admin_center = w.sites().await?.admin;
    w.goto(ADMIN, &admin_center).await?;
    let wait = w.config().wait;
    let b = w.browser(ADMIN).await?;
    let r = sign_in::enter_credentials(b, &admin.upn, admin.password.expose(), wait).await;
    r.map_err(|e| w.fail(e))?;
    let r = sign_in::decline_stay_signed_in(w.browser(ADMIN).await?).await;
    r.map_err(|e| w.fail(e))?;
    Ok(admin_center)
}

fn admin_account(w: &mut DocWorld) -> anyhow::Result<super::world::Account> {
    let upn = w.config().target.admin().map(|a| a.upn.clone());
    let upn = upn.map_err(|e| w.fail(e))?;
    w.account(&upn)
}

#[given(expr = "{string} has the Multi-Factor Auth Status {status}")]
async fn has_status(
    w: &mut DocWorld,
    step: &Step,
    name: String,
    status: Status,
) -> anyhow::Result<()> {
    w.at(step).await?;
    w.set_status_by_graph(&name, status.0).await
}

#[when("the admin clicks the Admin Center icon in the Office 365 Main Menu")]
async fn admin_center_icon(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let portal = w.sites().await?.portal;
    w.goto(ADMIN, &portal).await?;
    w.wait_for(ADMIN, ac::PORTAL_MAIN_MENU).await?;
    let menu = w
        .attribute(ADMIN, ac::PORTAL_MAIN_MENU, "aria-label")
        .await?
        .unwrap_or_default();
    w.saw("menu", &menu);
    let tile = w.read(ADMIN, ac::ADMIN_TILE).await?;
    w.saw("icon", &tile);
    w.click(ADMIN, ac::ADMIN_TILE).await?;
    w.see(ADMIN, "page", ac::TITLE).await?;
    Ok(())
}

#[when("the admin goes to Users > Active users")]
async fn active_users(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    w.click(ADMIN, ac::NAV_USERS).await?;
    w.click(ADMIN, ac::NAV_ACTIVE_USERS).await?;
    w.see(ADMIN, "page", ac::ACTIVE_USERS_HEADING).await?;
    Ok(())
}

#[when(expr = "the admin is using {word} mode")]
async fn using_mode(w: &mut DocWorld, step: &Step, mode: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let wanted = ac::Mode::parse(&mode).ok_or_else(|| {
        w.fail(format!(
            "'{mode}' is not a mode of Active users: say Preview or Classic"
        ))
    })?;
    let faq = use_mode(w, wanted).await;
    if w.drifted(faq, today::ONE_VIEW).await? {
        today::one_view(w).await?;
    }
    Ok(())
}

/// FAQ 2.2a/2.2b: Active users in Preview or Classic mode, switched if not.
async fn use_mode(w: &mut DocWorld, wanted: ac::Mode) -> anyhow::Result<()> {
    w.expect_shown(ADMIN, ac::MODE, "Preview or Classic mode")
        .await?;
    let now = w
        .attribute(ADMIN, ac::MODE, "data-mode")
        .await?
        .unwrap_or_default();
    if ac::Mode::parse(&now) != Some(wanted) {
        let switch = w.see(ADMIN, "switch", ac::MODE_SWITCH).await?;
        w.click(ADMIN, ac::MODE_SWITCH).await?;
        let after = w
            .attribute(ADMIN, ac::MODE, "data-mode")
            .await?
            .unwrap_or_default();
        if ac::Mode::parse(&after) != Some(wanted) {
            return Err(w.fail(format!(
                "clicked \"{switch}\" but Active users is still in '{after}' mode"
            )));
        }
    }
    w.saw("mode", wanted.as_str());
    Ok(())
}

/// Checks that the element shows the label the FAQ quotes (ignoring case,
/// spaces and arrows' spacing, which the FAQ writes loosely).
async fn expect_label(w: &mut DocWorld, selector: &str, quoted: &str) -> anyhow::Result<String> {
    let shown = w.read(ADMIN, selector).await?;
    let squash = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase()
    };
    if squash(&shown) != squash(quoted) {
        return Err(w.fail(format!(
            "the FAQ quotes \"{quoted}\" but the page shows \"{shown}\" at `{selector}`"
        )));
    }
    Ok(shown)
}

#[when(expr = "the admin clicks the triple dot \\(…) after {string} and chooses {string}")]
async fn preview_menu(
    w: &mut DocWorld,
    step: &Step,
    export: String,
    setup: String,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = preview_path(w, &export, &setup).await;
    if w.drifted(faq, today::MFA_BUTTON).await? {
        today::open_per_user_mfa(w).await?;
    }
    Ok(())
}

/// FAQ 2.2a: "…" after "↓Export Users" > "Setup Multifactor authentication".
async fn preview_path(w: &mut DocWorld, export: &str, setup: &str) -> anyhow::Result<()> {
    let shown = expect_label(w, ac::EXPORT_USERS, export).await?;
    w.saw("toolbar", &shown);
    w.expect_shown(
        ADMIN,
        ac::MORE_ACTIONS,
        &format!("triple dot (…) after \"{shown}\""),
    )
    .await?;
    let dots = w.read(ADMIN, ac::MORE_ACTIONS).await?;
    w.saw("menu", &dots);
    w.click(ADMIN, ac::MORE_ACTIONS).await?;
    let item = expect_label(w, ac::SETUP_MFA, setup).await?;
    w.saw("menu item", &item);
    w.click(ADMIN, ac::SETUP_MFA).await
}

#[when(expr = "the admin opens the {string} drop-down beside {string} and chooses {string}")]
async fn classic_menu(
    w: &mut DocWorld,
    step: &Step,
    more: String,
    add: String,
    setup: String,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = classic_path(w, &more, &add, &setup).await;
    if w.drifted(faq, today::MFA_BUTTON).await? {
        today::open_per_user_mfa(w).await?;
    }
    Ok(())
}

/// FAQ 2.2b: "More" beside "+Add a user" > "Multifactor Authentication setup".
async fn classic_path(w: &mut DocWorld, more: &str, add: &str, setup: &str) -> anyhow::Result<()> {
    let shown = expect_label(w, ac::ADD_USER, add).await?;
    w.saw("toolbar", &shown);
    w.expect_shown(
        ADMIN,
        ac::MORE_DROPDOWN,
        &format!("\"{more}\" drop-down beside \"{shown}\""),
    )
    .await?;
    let menu = expect_label(w, ac::MORE_DROPDOWN, more).await?;
    w.saw("menu", &menu);
    w.click(ADMIN, ac::MORE_DROPDOWN).await?;
    let item = expect_label(w, ac::SETUP_MFA, setup).await?;
    w.saw("menu item", &item);
    w.click(ADMIN, ac::SETUP_MFA).await
}

/// The page where the admin sets MFA status, as this service shows it.
fn status_page(w: &DocWorld) -> StatusPage {
    StatusPage::of(w.config().profile)
}

#[given("the admin has opened the multi-factor authentication page")]
#[when("the admin looks at the multi-factor authentication page")]
async fn open_mfa_page(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    open_status_page(w).await
}

async fn open_status_page(w: &mut DocWorld) -> anyhow::Result<()> {
    let url = w.sites().await?.mfa_page;
    w.goto(ADMIN, &url).await?;
    w.see(ADMIN, "page", status_page(w).heading()).await?;
    Ok(())
}

#[then("the multi-factor authentication page lists the users")]
async fn lists_users(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let page = status_page(w);
    w.see(ADMIN, "page", page.heading()).await?;
    let rows = w.read_all(ADMIN, page.rows()).await?;
    if rows.is_empty() {
        return Err(w.fail("the multi-factor authentication page lists no users"));
    }
    w.saw("users listed", &rows.len().to_string());
    Ok(())
}

#[when(expr = "the admin searches for {string}")]
async fn search(w: &mut DocWorld, step: &Step, text: String) -> anyhow::Result<()> {
    w.at(step).await?;
    search_for(w, &text).await
}

async fn search_for(w: &mut DocWorld, text: &str) -> anyhow::Result<()> {
    let page = status_page(w);
    w.fill(ADMIN, page.search(), text).await?;
    w.click(ADMIN, page.search_button()).await?;
    w.wait_for(ADMIN, page.heading()).await
}

/// The UPNs the users table shows now.
async fn listed(w: &mut DocWorld) -> anyhow::Result<Vec<String>> {
    let rows = w.read_all(ADMIN, status_page(w).listed_upns()).await?;
    Ok(rows)
}

#[then(expr = "only accounts containing {string} are listed")]
async fn only_listed(w: &mut DocWorld, step: &Step, text: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let upns = listed(w).await?;
    if upns.is_empty() {
        return Err(w.fail(format!("searching for \"{text}\" lists no account")));
    }
    if let Some(other) = upns
        .iter()
        .find(|u| !u.to_lowercase().contains(&text.to_lowercase()))
    {
        return Err(w.fail(format!("searching for \"{text}\" also lists {other}")));
    }
    for upn in &upns {
        w.saw("listed", upn);
    }
    Ok(())
}

#[when(expr = "the admin clicks the account {string}")]
async fn click_account(w: &mut DocWorld, step: &Step, name: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let upn = w.account(&name)?.upn;
    let faq = select_account(w, &upn).await;
    if w.drifted(faq, today::TICK_ACCOUNT).await? {
        today::tick_account(w, &upn).await?;
    }
    Ok(())
}

/// FAQ 2.4: clicking the account's name selects it for the quick steps.
async fn select_account(w: &mut DocWorld, upn: &str) -> anyhow::Result<()> {
    if !w.visible(ADMIN, &mfa::select_link(upn)).await? {
        return Err(w.fail(format!(
            "{upn} has no link to click on this page (the FAQ's page lists each account as a link that selects it)"
        )));
    }
    w.click(ADMIN, &mfa::select_link(upn)).await?;
    w.see(ADMIN, "selected", mfa::PANEL_NAME).await?;
    w.selected_account = Some(upn.to_string());
    Ok(())
}

#[then(expr = "the quick steps offer {string} for {string}")]
async fn quick_steps_offer(
    w: &mut DocWorld,
    step: &Step,
    action: String,
    name: String,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let upn = w.account(&name)?.upn;
    let faq = quick_steps_offered(w, &action, &upn).await;
    if w.drifted(faq, today::COMMAND_BAR).await? {
        today::command_offered(w, &action, &upn).await?;
    }
    Ok(())
}

/// FAQ 2.4–2.5: the selected account's quick steps offer `action`.
async fn quick_steps_offered(w: &mut DocWorld, action: &str, upn: &str) -> anyhow::Result<()> {
    let button = mfa::quick_step(action)
        .ok_or_else(|| w.fail(format!("\"{action}\" is not a quick step: say Enable, Disable, Enforce or Manage user settings")))?;
    if !w.visible(ADMIN, mfa::QUICK_STEPS_TITLE).await? {
        return Err(w.fail("the page has no \"quick steps\""));
    }
    let selected = w.read(ADMIN, mfa::PANEL_NAME).await?;
    let row_name = w.read(ADMIN, &mfa::select_link(upn)).await?;
    if selected != row_name {
        return Err(w.fail(format!("the selected account is \"{selected}\", not {upn}")));
    }
    let title = w.read(ADMIN, mfa::QUICK_STEPS_TITLE).await?;
    let shown = w.read(ADMIN, button).await?;
    if !shown.eq_ignore_ascii_case(action) {
        return Err(w.fail(format!(
            "the quick step reads \"{shown}\", not \"{action}\""
        )));
    }
    if let Some(why) = w.why_not_clickable(ADMIN, button).await? {
        return Err(w.fail(format!(
            "the quick step \"{shown}\" is shown but cannot be clicked: {why}"
        )));
    }
    let steps = w.read(ADMIN, mfa::QUICK_STEPS).await?;
    w.saw(&title, &steps);
    Ok(())
}

#[when(expr = "the admin clicks {string} under quick steps and confirms")]
async fn quick_step(w: &mut DocWorld, step: &Step, action: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = run_quick_step(w, &action).await;
    if w.drifted(faq, today::COMMAND_BAR).await? {
        let upn = w
            .selected_account
            .clone()
            .ok_or_else(|| w.fail("no account is selected: click an account first (FAQ 2.4)"))?;
        today::run_command(w, &action, &upn).await?;
    }
    Ok(())
}

/// A quick step through Microsoft's dialogs: "About enabling …" → confirm
/// → "Updates successful" → close.
async fn run_quick_step(w: &mut DocWorld, action: &str) -> anyhow::Result<()> {
    let button = mfa::quick_step(action).ok_or_else(|| {
        w.fail(format!(
            "\"{action}\" is not a quick step: say Enable, Disable or Enforce"
        ))
    })?;
    if !w.visible(ADMIN, mfa::QUICK_STEPS_TITLE).await? {
        return Err(w.fail("the page has no \"quick steps\""));
    }
    w.click(ADMIN, button).await?;
    w.see(ADMIN, "dialog", mfa::DIALOG_TITLE).await?;
    // Noted before the click: the change starts no earlier than this.
    w.office.changed_at = Some(std::time::Instant::now());
    w.click(ADMIN, mfa::DIALOG_CONFIRM).await?;
    if w.visible(ADMIN, mfa::DIALOG_ERROR).await? {
        let error = w.read(ADMIN, mfa::DIALOG_ERROR).await?;
        return Err(w.fail(format!("the quick step \"{action}\" failed: {error}")));
    }
    let done = w.see(ADMIN, "dialog", mfa::DIALOG_TITLE).await?;
    if done != "Updates successful" {
        return Err(w.fail(format!(
            "after confirming \"{action}\" the dialog says \"{done}\", not \"Updates successful\""
        )));
    }
    w.click(ADMIN, mfa::DIALOG_CLOSE).await
}

#[then(expr = "the MULTI-FACTOR AUTH STATUS of {string} shows {status}")]
#[given(expr = "the MULTI-FACTOR AUTH STATUS of {string} shows {status}")]
async fn status_shows(
    w: &mut DocWorld,
    step: &Step,
    name: String,
    status: Status,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let upn = w.account(&name)?.upn;
    let page = status_page(w);
    if !w.visible(ADMIN, page.heading()).await? {
        let url = w.sites().await?.mfa_page;
        if !w.visible(ADMIN, ac::MAIN_MENU).await? && !w.visible(ADMIN, HEADING).await? {
            sign_in_admin(w).await?;
        }
        w.goto(ADMIN, &url).await?;
    }
    if !w.visible(ADMIN, &page.status_cell(&upn)).await? {
        search_for(w, &upn).await?;
    }
    let shown = w.read(ADMIN, &page.status_cell(&upn)).await?;
    w.saw("MULTI-FACTOR AUTH STATUS", &format!("{upn}: {shown}"));
    if !shown.eq_ignore_ascii_case(&status.0.to_string()) {
        return Err(w.fail(format!(
            "the MULTI-FACTOR AUTH STATUS of {upn} shows \"{shown}\", not \"{}\"",
            status.0
        )));
    }
    Ok(())
}

#[when(expr = "the admin sets the Multi-Factor Auth Status of {string} to {status}")]
async fn set_status(
    w: &mut DocWorld,
    step: &Step,
    name: String,
    status: Status,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let upn = w.account(&name)?.upn;
    let action = match status.0 {
        MfaStatus::Disabled => "Disable",
        MfaStatus::Enabled => "Enable",
        MfaStatus::Enforced => "Enforce",
    };
    let url = w.sites().await?.mfa_page;
    w.goto(ADMIN, &url).await?;
    search_for(w, &upn).await?;
    // The FAQ names only the status here; its section 2 says where it is
    // set, and that page is the one the service shows.
    match status_page(w) {
        StatusPage::Legacy => {
            select_account(w, &upn).await?;
            run_quick_step(w, action).await
        }
        StatusPage::PerUser => today::run_command(w, action, &upn).await,
    }
}
