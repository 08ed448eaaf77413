//! The user's phone: reads the text the provider delivered, answers the
//! call and presses keys (touch tones, through Twilio's "update a call"),
//! or lets it ring out. Also the provider's outages, switched on the
//! provider (docproof's fault switches).

use super::world::DocWorld;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};

#[then("a text message with a verification code reaches the user's phone")]
async fn text_arrives(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    w.read_text(false).await
}

#[then("another text message with a new verification code reaches the user's phone")]
async fn another_text(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    w.read_text(true).await
}

#[then("no text message reached the user's phone")]
async fn no_text(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let to = w.user_phone()?;
    let seen = *w.phone.texts_read.get(&to).unwrap_or(&0);
    let texts = w.phone().await?.texts(&to).await;
    let delivered = texts.map_err(|e| w.fail(e))?.len();
    if delivered > seen {
        return Err(w.fail(format!("{} text message(s) reached {to}", delivered - seen)));
    }
    w.saw("phone", "no text message");
    Ok(())
}

#[then(regex = r"^the user's phone rings( again)?$")]
async fn phone_rings(w: &mut DocWorld, step: &Step, _again: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let to = w.user_phone()?;
    let seen = *w.phone.calls_read.get(&to).unwrap_or(&0);
    let wait = w.config().phone_wait;
    let call = w.phone().await?.wait_for_newest_call(&to, seen, wait).await;
    let (call, placed) = call.map_err(|e| w.fail(e))?;
    w.phone.calls_read.insert(to.clone(), placed);
    w.saw("phone", &format!("call to {to}"));
    w.phone.call = Some(call);
    Ok(())
}

/// Answers the ringing call and presses `keys`.
async fn answer(w: &mut DocWorld, keys: &str) -> anyhow::Result<()> {
    let call = w
        .phone
        .call
        .clone()
        .ok_or_else(|| w.fail("the phone has not rung in this scenario"))?;
    let answer = w.phone().await?.answer(&call, keys).await;
    let answer = answer.map_err(|e| w.fail(e))?;
    for said in &answer.said {
        w.saw("call says", said);
    }
    w.phone.call_said = answer.said.clone();
    heard_after(w, keys, answer);
    Ok(())
}

/// Records the keys and what the call said next, and whether it asks for
/// keys again.
fn heard_after(w: &mut DocWorld, keys: &str, answer: crate::phone::CallAnswer) {
    w.saw("pressed", keys);
    for said in &answer.after_keys {
        w.saw("call says", said);
    }
    w.phone.call_asking = answer.waiting_for_keys;
    w.phone.call_said_after_keys = answer.after_keys;
}

#[when("the user answers the call and presses the pound key (#)")]
async fn answer_and_press_pound(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    answer(w, "#").await?;
    if w.phone.call_asking {
        return Err(w.fail("the call asked again after the pound key (#)"));
    }
    Ok(())
}

#[when("the user presses the pound key (#)")]
async fn press_pound(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let call = w
        .phone
        .call
        .clone()
        .ok_or_else(|| w.fail("the phone has not rung in this scenario"))?;
    if !w.phone.call_asking {
        return Err(w.fail("the call is not waiting for a key: answer it first"));
    }
    let answer = w.phone().await?.press(&call, "#").await;
    let answer = answer.map_err(|e| w.fail(e))?;
    heard_after(w, "#", answer);
    if w.phone.call_asking {
        return Err(w.fail("the call asked again after the pound key (#)"));
    }
    Ok(())
}

#[when(expr = "the user answers the call and presses {string}")]
async fn press_key(w: &mut DocWorld, step: &Step, keys: String) -> anyhow::Result<()> {
    w.at(step).await?;
    answer(w, &keys).await
}

#[then("the call asks again for the pound key")]
async fn asks_again(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    if !w.phone.call_asking {
        return Err(w.fail("the call did not wait for another key after the key"));
    }
    let p = &w.phone;
    if !crate::phone::CallAnswer::asks_again(&p.call_said, &p.call_said_after_keys) {
        return Err(w.fail(format!(
            "after the key the call said \"{}\", not again its question for the pound key",
            p.call_said_after_keys.join(" ")
        )));
    }
    Ok(())
}

#[when("the user lets the call ring out")]
async fn ring_out(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let call = w
        .phone
        .call
        .clone()
        .ok_or_else(|| w.fail("the phone has not rung in this scenario"))?;
    let r = w.phone().await?.let_ring_out(&call).await;
    r.map_err(|e| w.fail(e))?;
    w.saw("phone", "not answered");
    w.past_call_wait().await
}

#[given(regex = r"^the (text message|phone call) provider is down$")]
async fn provider_down(w: &mut DocWorld, step: &Step, what: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let faults = w.phone().await?.provider_faults();
    let (down, refused) = match what.as_str() {
        "text message" => (faults.fail_texts(503).await, "texts"),
        _ => (faults.fail_calls(503).await, "calls"),
    };
    down.map_err(|e| w.fail(e))?;
    w.saw("provider", &format!("{refused} answered HTTP 503"));
    Ok(())
}

#[when("the text message provider is back and the user clicks Retry")]
async fn provider_back(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let back = w.phone().await?.provider_faults().recover().await;
    back.map_err(|e| w.fail(e))?;
    w.click(
        super::Actor::User,
        crate::pages::second_factor::SEND_FAILED_RETRY,
    )
    .await?;
    w.see_heading(super::Actor::User).await?;
    if w.visible(super::Actor::User, crate::pages::second_factor::SEND_FAILED)
        .await?
    {
        let error = w
            .read(super::Actor::User, crate::pages::second_factor::SEND_FAILED)
            .await?;
        return Err(w.fail(format!("Retry still fails: {error}")));
    }
    Ok(())
}
