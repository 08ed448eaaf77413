//! Simulator benchmark: how fast the tenant serves the FAQ's procedures over
//! real HTTP. Run with `cargo bench --bench tenant`; prints medians and p95s.
//! Not a test: nothing here fails on a slow machine, it only measures.

#[path = "../tests/tenant/common.rs"]
mod common;

use common::*;
use docproof_simulator::Settings;
use std::time::{Duration, Instant};

const ROUNDS: usize = 60;

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{name:<50} n={:<4} median {:>8.2?}  p95 {:>8.2?}  min {:>8.2?}",
        samples.len(),
        pct(0.5),
        pct(0.95),
        samples[0]
    );
}

/// Reads the newest code texted to `to` from the embedded carrier's
/// Twilio-shaped listing, as a harness would from a real provider.
async fn code_from_carrier(base: &str, to: &str) -> String {
    let t = &Settings::default().telephony;
    let list: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{base}/carrier/2010-04-01/Accounts/{}/Messages.json",
            t.account_sid
        ))
        .query(&[("To", to)])
        .basic_auth(&t.account_sid, Some(t.auth_token.expose()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    docproof_contract::domain::code_in(list["messages"][0]["body"].as_str().unwrap())
        .expect("a six-digit code in the text")
}

async fn password_sign_in(base: &str) {
    let c = client();
    let resp = sign_in(&c, base, SMS_USER.0, SMS_USER.1, "/owa").await;
    assert!(resp.status().is_success());
}

/// FAQ 3.1.1–3.1.4: Graph enables the user, who signs in, registers by
/// text, copies the app password and lands in OWA.
async fn faq_3_1(base: &str) {
    let token = token_for(base, APP).await;
    set_per_user_mfa(base, &token, SMS_USER.0, "enabled").await;
    let c = client();
    let page = after_password(&c, base, SMS_USER).await;
    let page = proof_up_step1(&c, &page, "2065550101", "text").await;
    let code = code_from_carrier(base, "+12065550101").await;
    let page = submit(&c, &page, "#tfa_verify", &[("otc", &code)]).await;
    let owa = submit(&c, &page, "#tfa_done", &[]).await;
    assert!(owa.has("#owa_user"));
}

#[tokio::main]
async fn main() {
    println!("docproof tenant simulator benchmark ({ROUNDS} rounds each)");
    let mut spawn = Vec::new();
    for _ in 0..ROUNDS {
        let t0 = Instant::now();
        let t = spawn_tenant().await;
        spawn.push(t0.elapsed());
        t.stop().await;
    }
    summary("spawn a tenant on port 0", spawn);

    let t = spawn_tenant().await;
    let mut samples = Vec::new();
    for _ in 0..ROUNDS {
        let t0 = Instant::now();
        password_sign_in(&t.base_url).await;
        samples.push(t0.elapsed());
    }
    summary("sign-in, MFA disabled (4 requests)", samples);

    let mut samples = Vec::new();
    for _ in 0..ROUNDS {
        let t = spawn_with(Settings::default()).await;
        let t0 = Instant::now();
        faq_3_1(&t.base_url).await;
        samples.push(t0.elapsed());
        t.stop().await;
    }
    summary("FAQ 3.1.1-3.1.4 enable+proof-up by text (10 req)", samples);

    for workers in [1usize, 4, 16] {
        let window = Duration::from_secs(2);
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let base = t.base_url.clone();
            tasks.push(tokio::spawn(async move {
                let mut n = 0u32;
                while t0.elapsed() < window {
                    password_sign_in(&base).await;
                    n += 1;
                }
                n
            }));
        }
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap();
        }
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "concurrent sign-ins, {workers:>2} clients                  {:>7.0} sign-ins/s ({:.0} requests/s)",
            total as f64 / secs,
            total as f64 * 4.0 / secs
        );
    }
}
