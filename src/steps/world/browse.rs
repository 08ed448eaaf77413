//! A person at a browser: the world's page moves, each failure prefixed
//! with the FAQ step it happened in, each bounded by the run's wait.

use super::{Actor, DocWorld};

/// What a person does to an element.
#[derive(Debug, Clone, Copy)]
enum Op<'a> {
    Click,
    Fill(&'a str),
    Choose(&'a str),
    Tick,
    Text,
}

/// The main heading of whatever page is showing: sign-in pages use
/// `role=heading aria-level=1`, the others `<h1>`/`<h2>` dialogs.
pub const HEADING: &str = "[role=heading][aria-level='1'], h1";

impl DocWorld {
    pub async fn goto(&mut self, actor: Actor, url: &str) -> anyhow::Result<()> {
        let r = self.browser(actor).await?.goto(url).await;
        r.map_err(|e| self.fail(e))?;
        self.look_for_labels(actor).await;
        Ok(())
    }

    /// Waits for the element; the page it is on is where the current FAQ
    /// step runs, so its quoted labels are looked for there.
    pub async fn wait_for(&mut self, actor: Actor, selector: &str) -> anyhow::Result<()> {
        let wait = self.config().wait;
        let r = self.browser(actor).await?.wait_for(selector, wait).await;
        r.map_err(|e| self.fail(e))?;
        self.look_for_labels(actor).await;
        Ok(())
    }

    /// Clicks the element, once it is visible.
    pub async fn click(&mut self, actor: Actor, selector: &str) -> anyhow::Result<()> {
        self.act(actor, selector, Op::Click).await.map(drop)
    }

    pub async fn fill(&mut self, actor: Actor, selector: &str, value: &str) -> anyhow::Result<()> {
        self.act(actor, selector, Op::Fill(value)).await.map(drop)
    }

    pub async fn choose(
        &mut self,
        actor: Actor,
        selector: &str,
        option: &str,
    ) -> anyhow::Result<()> {
        self.act(actor, selector, Op::Choose(option))
            .await
            .map(drop)
    }

    pub async fn tick(&mut self, actor: Actor, selector: &str) -> anyhow::Result<()> {
        self.act(actor, selector, Op::Tick).await.map(drop)
    }

    /// The element's visible text, once it is visible.
    pub async fn read(&mut self, actor: Actor, selector: &str) -> anyhow::Result<String> {
        self.act(actor, selector, Op::Text).await
    }

    /// Does `op` at once when the element is already visible (the usual
    /// case: one round trip in a browser); otherwise waits for it, bounded,
    /// and does it then. The page is where the current FAQ step runs, so
    /// its quoted labels are looked for there first.
    async fn act(&mut self, actor: Actor, selector: &str, op: Op<'_>) -> anyhow::Result<String> {
        self.look_for_labels(actor).await;
        let mut waited = false;
        loop {
            let b = self.browser(actor).await?;
            let r = match op {
                Op::Click => b.click(selector).await.map(|()| String::new()),
                Op::Fill(v) => b.fill(selector, v).await.map(|()| String::new()),
                Op::Choose(o) => b.choose(selector, o).await.map(|()| String::new()),
                Op::Tick => b.tick(selector).await.map(|()| String::new()),
                Op::Text => b.text(selector).await,
            };
            match r {
                Err(crate::drive::DriveError::NotFound { .. }) if !waited => {
                    self.wait_for(actor, selector).await?;
                    waited = true;
                }
                Ok(text) => {
                    // Read from a secret place (the app password): masked
                    // from now on, even in this step's own failure message.
                    if let Some(label) = crate::redact::label_of(selector) {
                        self.scenario.transcript.redactor.learn(&text, label);
                    }
                    return Ok(text);
                }
                Err(e) => return Err(self.fail(e)),
            }
        }
    }

    pub async fn read_all(&mut self, actor: Actor, selector: &str) -> anyhow::Result<Vec<String>> {
        let r = self.browser(actor).await?.texts(selector).await;
        let texts = r.map_err(|e| self.fail(e))?;
        if let Some(label) = crate::redact::label_of(selector) {
            for t in &texts {
                self.scenario.transcript.redactor.learn(t, label);
            }
        }
        Ok(texts)
    }

    pub async fn attribute(
        &mut self,
        actor: Actor,
        selector: &str,
        name: &str,
    ) -> anyhow::Result<Option<String>> {
        let r = self.browser(actor).await?.attribute(selector, name).await;
        r.map_err(|e| self.fail(e))
    }

    /// A form field's current value (what a person typed or chose).
    pub async fn value(&mut self, actor: Actor, selector: &str) -> anyhow::Result<String> {
        let r = self.browser(actor).await?.value(selector).await;
        r.map_err(|e| self.fail(e))
    }

    /// The label of the option a `<select>` shows chosen.
    pub async fn chosen(&mut self, actor: Actor, select: &str) -> anyhow::Result<String> {
        let value = self.value(actor, select).await?;
        let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
        let option = format!("{select} option[value=\"{quoted}\"]");
        let labels = self.read_all(actor, &option).await?;
        labels
            .into_iter()
            .next()
            .ok_or_else(|| self.fail(format!("{select} shows no option chosen")))
    }

    /// Why a person could not click the control now, if they could not
    /// ([`crate::drive::why_not_clickable`]).
    pub async fn why_not_clickable(
        &mut self,
        actor: Actor,
        selector: &str,
    ) -> anyhow::Result<Option<&'static str>> {
        let r = crate::drive::why_not_clickable(self.browser(actor).await?, selector).await;
        r.map_err(|e| self.fail(e))
    }

    /// Whether the element is visible now (no waiting).
    pub async fn visible(&mut self, actor: Actor, selector: &str) -> anyhow::Result<bool> {
        let r = self.browser(actor).await?.is_visible(selector).await;
        r.map_err(|e| self.fail(e))
    }

    /// Reads the element and records it in the transcript as `what`.
    pub async fn see(
        &mut self,
        actor: Actor,
        what: &str,
        selector: &str,
    ) -> anyhow::Result<String> {
        let text = self.read(actor, selector).await?;
        self.saw(what, &text);
        Ok(text)
    }

    /// The page's main heading, recorded in the transcript.
    pub async fn see_heading(&mut self, actor: Actor) -> anyhow::Result<String> {
        self.see(actor, "page", HEADING).await
    }

    /// Fails at once, naming `what` and the page, unless the element is
    /// visible: for a control of a page that has already loaded (its
    /// heading is shown), whose absence waiting would not change.
    pub async fn expect_shown(
        &mut self,
        actor: Actor,
        selector: &str,
        what: &str,
    ) -> anyhow::Result<()> {
        self.wait_for(actor, HEADING).await?;
        if self.visible(actor, selector).await? {
            return Ok(());
        }
        let page = self.describe_page(actor).await;
        Err(self.fail(format!("the page shows no {what}; it is {page}")))
    }

    /// Where the actor's browser is and what it shows, for failure messages.
    pub async fn describe_page(&mut self, actor: Actor) -> String {
        let Ok(b) = self.browser(actor).await else {
            return "no page (the browser did not open)".into();
        };
        let url = b.url().await.unwrap_or_default();
        let heading = b.text(HEADING).await.unwrap_or_default();
        format!("\"{heading}\" ({})", crate::drive::shown_url(&url))
    }
}

impl DocWorld {
    /// On the call-wait page a browser with scripts moves on by itself once
    /// the call is over (awaited here); without scripts a person presses
    /// "continue".
    pub async fn past_call_wait(&mut self) -> anyhow::Result<()> {
        let w = self;
        let check = crate::pages::second_factor::CALL_CONTINUE;
        if w.browser(Actor::User).await?.runs_scripts() {
            let wait = w.config().wait;
            let r = w.browser(Actor::User).await?.wait_gone(check, wait).await;
            return r.map_err(|e| w.fail(e));
        }
        if w.visible(Actor::User, check).await? {
            // Not in the transcript: a browser with scripts never sees this.
            w.click(Actor::User, check).await?;
        }
        Ok(())
    }
}
