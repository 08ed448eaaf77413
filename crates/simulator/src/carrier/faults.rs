//! docproof's own controls of the virtual carrier: not Twilio's API, and
//! no Twilio account has them. They let a test show what the tenant does
//! when its provider misbehaves, and skip the minutes a call rings. Both
//! take the account's basic auth and answer errors in Twilio's JSON shape.
//!
//! - `GET|POST|DELETE /carrier/docproof/faults`: the fault switches
//!   (`docproof_contract::twilio::faults` describes them). `POST` takes a
//!   form or JSON: `resource` (`Messages`, `Calls`), `fault` (`none`,
//!   `refuse` with `status`, `delay` with `delay_ms`).
//! - `POST /carrier/docproof/Calls/{CallSid}/ring-out`: a ringing call
//!   rings out now (`no-answer`, posted to its `StatusCallback`), as if its
//!   `Timeout` had passed; answers the call.
//!
//! A refused connection cannot be a switch here: the carrier shares the
//! tenant's port. A test points the tenant's `telephony.base_url` at a
//! closed port instead.

use super::api::{authenticate, call_json, twilio_error};
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use docproof_contract::twilio::faults::{self, Fault};
use docproof_contract::twilio::VIRTUAL_CARRIER;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            &format!("{VIRTUAL_CARRIER}{}", faults::PATH),
            get(show).post(switch).delete(clear),
        )
        .route(
            &format!("{VIRTUAL_CARRIER}/docproof/Calls/{{sid}}/ring-out"),
            post(ring_out),
        )
}

/// The account's credentials, whichever account they name.
fn authenticated(sim: &AppState, headers: &HeaderMap) -> Result<(), Box<Response>> {
    authenticate(sim, headers, &sim.tenant.settings.telephony.account_sid)
}

fn switches(sim: &AppState) -> Response {
    Json(faults::switches_json(|r| sim.carrier.fault(r))).into_response()
}

async fn show(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(resp) = authenticated(&sim, &headers) {
        return *resp;
    }
    switches(&sim)
}

async fn clear(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(resp) = authenticated(&sim, &headers) {
        return *resp;
    }
    sim.carrier.clear_faults();
    tracing::info!("virtual carrier: every fault switched off");
    switches(&sim)
}

async fn switch(State(sim): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(resp) = authenticated(&sim, &headers) {
        return *resp;
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().starts_with("application/json"));
    let fields: Option<HashMap<String, String>> = if json {
        serde_json::from_slice(&body)
            .ok()
            .and_then(|v| faults::fields_of_json(&v))
    } else {
        Some(url::form_urlencoded::parse(&body).into_owned().collect())
    };
    let parsed = fields
        .ok_or_else(|| "the body is not a JSON object".to_string())
        .and_then(|f| Fault::parse(&f));
    match parsed {
        Ok((resource, fault)) => {
            sim.carrier.set_fault(resource, fault);
            tracing::info!(
                resource = resource.as_str(),
                ?fault,
                "virtual carrier fault switched"
            );
            switches(&sim)
        }
        Err(why) => twilio_error(StatusCode::UNPROCESSABLE_ENTITY, 20422, &why),
    }
}

async fn ring_out(
    State(sim): State<AppState>,
    Path(sid): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = authenticated(&sim, &headers) {
        return *resp;
    }
    let rang_out = sim
        .carrier
        .end_unanswered(&sid, "no-answer", "Nobody answered.")
        .await;
    match (rang_out, sim.carrier.call(&sid)) {
        (Ok(()), Some(call)) => Json(call_json(&call)).into_response(),
        (Err(refused), Some(_)) => {
            twilio_error(StatusCode::BAD_REQUEST, refused.code, &refused.message)
        }
        (_, None) => twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            &format!("The requested resource Calls/{sid}.json was not found"),
        ),
    }
}
