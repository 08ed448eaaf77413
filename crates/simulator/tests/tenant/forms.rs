//! Property tests of the sign-in, second-factor (SAS) and proof-up form
//! handlers: whatever urlencoded body a browser (or anyone) posts, from
//! whichever stage a flow is at, the tenant answers without a 5xx.

use super::common::*;
use docproof_contract::domain::MfaStatus;
use docproof_contract::routes;
use docproof_simulator::{RunningTenant, Settings};
use proptest::prelude::*;
use std::sync::LazyLock;

/// One runtime and one tenant for every case (a tenant per case would
/// spend the time budget on start-ups).
static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Runtime::new().expect("a tokio runtime"));
static TENANT: LazyLock<RunningTenant> = LazyLock::new(|| {
    RUNTIME.block_on(async {
        let t = spawn_with(Settings {
            // Setting a flow up texts codes; the telecom limit is not under test.
            telecom_limit: u32::MAX,
            ..Settings::default()
        })
        .await;
        t.tenant()
            .set_mfa_status(&upn(BACKUP_USER.0), MfaStatus::Enabled)
            .expect("the backup user exists");
        t
    })
});

/// Where a case's flow stands before its post.
#[derive(Debug, Clone, Copy)]
enum Stage {
    Username,
    Password,
    EnterCode,
    ProofUp,
}

/// A browser with a flow at `stage`, and that flow's token.
async fn flow_at(t: &RunningTenant, stage: Stage) -> (reqwest::Client, String) {
    let c = client();
    let base = &t.base_url;
    let page = match stage {
        Stage::Username => get(&c, &format!("{base}{}", routes::OWA)).await,
        Stage::Password => to_password_page(&c, base, SMS_USER.0).await,
        Stage::EnterCode => after_password(&c, base, ENFORCED_USER).await,
        Stage::ProofUp => {
            let interrupt = after_password(&c, base, BACKUP_USER).await;
            submit(&c, &interrupt, "#idSubmit_ProofUp_Redirect", &[]).await
        }
    };
    let token = page
        .attr("input[name=flowToken]", "value")
        .unwrap_or_default();
    (c, token)
}

const ENDPOINTS: [&str; 10] = [
    routes::LOGIN,
    routes::KMSI,
    routes::SAS_BEGIN_AUTH,
    routes::SAS_PROCESS_AUTH,
    routes::PROOF_UP,
    routes::PROOF_UP_CONTACT,
    routes::PROOF_UP_VERIFY,
    routes::PROOF_UP_RESEND,
    routes::PROOF_UP_BACK,
    routes::PROOF_UP_DONE,
];

/// The names the pages post, and a few others.
const NAMES: [&str; 16] = [
    "flowToken",
    "canary",
    "loginfmt",
    "passwd",
    "choice",
    "DontShowAgain",
    "otc",
    "rememberMFA",
    "authMethod",
    "country",
    "phone",
    "method",
    "mode",
    "",
    "flowToken[]",
    "%ZZ",
];

/// A value: the flow's own token (so a post gets past the token check),
/// a plausible one, or anything.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{token}".to_string()),
        Just(SMS_USER.0.to_string()),
        Just("123456".to_string()),
        Just("text".to_string()),
        Just("call".to_string()),
        Just("2065550199".to_string()),
        "\\PC{0,40}",
        ".{0,2000}",
    ]
}

#[derive(Debug, Clone)]
enum Body {
    Fields(Vec<(String, String)>),
    Raw(Vec<u8>),
}

/// Up to eight fields, names from [`NAMES`].
fn fields() -> impl Strategy<Value = Vec<(String, String)>> {
    let field =
        (prop::sample::select(NAMES.to_vec()), value()).prop_map(|(n, v)| (n.to_string(), v));
    prop::collection::vec(field, 0..8)
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        // The flow's own token and canary first: the post reaches the stage's logic.
        2 => fields().prop_map(|mut f| {
            for name in ["canary", "flowToken"] {
                f.insert(0, (name.to_string(), "{token}".to_string()));
            }
            Body::Fields(f)
        }),
        2 => fields().prop_map(Body::Fields),
        1 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Body::Raw),
    ]
}

fn stage() -> impl Strategy<Value = Stage> {
    prop_oneof![
        Just(Stage::Username),
        Just(Stage::Password),
        Just(Stage::EnterCode),
        Just(Stage::ProofUp),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn no_form_body_gives_a_server_error(
        stage in stage(),
        endpoint in prop::sample::select(ENDPOINTS.to_vec()),
        body in body(),
    ) {
        let t = &*TENANT;
        let status = RUNTIME.block_on(async {
            let (c, token) = flow_at(t, stage).await;
            let bytes = match &body {
                Body::Fields(fields) => {
                    let mut form = url::form_urlencoded::Serializer::new(String::new());
                    for (k, v) in fields {
                        form.append_pair(k, &v.replace("{token}", &token));
                    }
                    form.finish().into_bytes()
                }
                Body::Raw(raw) => raw.clone(),
            };
            c.post(format!("{}{endpoint}", t.base_url))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(bytes)
                .send()
                .await
                .expect("the tenant answers")
                .status()
        });
        prop_assert!(!status.is_server_error(), "{:?} {} {:?}: {}", stage, endpoint, body, status);
    }
}
