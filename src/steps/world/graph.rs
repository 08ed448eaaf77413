//! Set-up through Microsoft Graph, as an admin's script would do it: the
//! app registration of the tenant file that may change per-user MFA.

use super::DocWorld;
use anyhow::Context as _;
use docproof_contract::domain::MfaStatus;
use docproof_contract::{graph, routes};

impl DocWorld {
    /// PATCH `/beta/users/{upn}/authentication/requirements`, as an admin's
    /// script would, with the app registration of the tenant file that may.
    pub async fn set_status_by_graph(
        &mut self,
        name: &str,
        status: MfaStatus,
    ) -> anyhow::Result<()> {
        let w = self;
        let account = w.account(name)?;
        let target = w.config().target.clone();
        let app = target
            .app_with(graph::POLICY_READ_WRITE_AUTHENTICATION_METHOD)
            .map_err(|e| w.fail(e))?;
        let base = w.tenant().await?.base_url.clone();
        let http = super::api();
        let token: graph::TokenResponse = http
            .post(format!("{base}{}", routes::token_path(&target.tenant_id)))
            .form(&[
                ("grant_type", graph::CLIENT_CREDENTIALS),
                ("client_id", app.client_id.as_str()),
                ("client_secret", app.client_secret.expose()),
                ("scope", graph::DEFAULT_SCOPE),
            ])
            .send()
            .await
            .context("asking Graph for a token")?
            .error_for_status()
            .map_err(|e| w.fail(format!("Graph refused the app's token request: {e}")))?
            .json()
            .await
            .map_err(|e| w.fail(format!("Graph's token answer is not a token: {e}")))?;
        let token = token.access_token;
        // Noted before the request: the change starts no earlier than this.
        w.office.changed_at = Some(std::time::Instant::now());
        let resp = http
            .patch(format!("{base}{}", graph::requirements_path(&account.upn)))
            .bearer_auth(token)
            .json(&graph::Requirements {
                per_user_mfa_state: status,
            })
            .send()
            .await
            .context("PATCH authentication/requirements")?;
        if !resp.status().is_success() {
            let code = resp.status();
            let body = resp.text().await.unwrap_or_default();
            return Err(w.fail(format!(
                "Graph did not set {} to {status}: HTTP {code} {body}",
                account.upn
            )));
        }
        w.saw("graph", &format!("{} set to {status}", account.upn));
        Ok(())
    }
}
