//! Wires the simulator together: one `Router` per area, merged here, over a
//! shared `Arc<Simulator>`; and `spawn` to serve it on a port (0 in tests).

use super::carrier::client::TelephonyClient;
use super::carrier::hosts::AllowedHosts;
use super::carrier::virtual_carrier::VirtualCarrier;
use super::config::TenantFile;
use super::settings::Settings;
use super::state::Tenant;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Router;
use docproof_contract::profile::Profile;
use std::net::SocketAddr;
use std::sync::Arc;

/// Everything a handler may need: the tenant's state, the way out to the
/// telephony provider, and the embedded virtual carrier.
pub struct Simulator {
    /// Which service is played (`Settings::profile`).
    pub profile: Profile,
    pub tenant: Tenant,
    pub telephony: TelephonyClient,
    pub carrier: VirtualCarrier,
}

pub type AppState = Arc<Simulator>;

/// The largest request body any endpoint reads. Every form, Graph request
/// and EWS call of the contract is a few kilobytes (the largest, a call's
/// inline `Twiml`, is at most 4,000 characters); more is refused with 413
/// before it is buffered.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

pub fn router(sim: AppState) -> Router {
    Router::new()
        .merge(super::pages::router(sim.profile))
        .merge(super::graph::router())
        .merge(super::legacy::router(sim.profile))
        .merge(super::carrier::router())
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(axum::middleware::map_response(no_sniffing))
        .with_state(sim)
}

/// Every answer is read as the type it declares, never sniffed (a plain
/// text 401 that quotes a user name cannot turn into HTML).
async fn no_sniffing(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// A simulator serving on a real TCP port.
pub struct RunningTenant {
    /// e.g. `http://127.0.0.1:41234`, no trailing slash.
    pub base_url: String,
    pub addr: SocketAddr,
    sim: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningTenant {
    /// The tenant's state, for the simulator's own tests to *assert* on
    /// (never to drive). The harness sees the tenant only over HTTP.
    pub fn tenant(&self) -> &Tenant {
        &self.sim.tenant
    }
    /// The embedded carrier's log, for the simulator's own tests likewise.
    pub fn carrier(&self) -> &VirtualCarrier {
        &self.sim.carrier
    }
    /// Stops serving and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningTenant {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `addr` (port 0 picks a free port) and serves the tenant in the
/// background of the current tokio runtime.
pub async fn spawn(
    file: TenantFile,
    settings: Settings,
    addr: SocketAddr,
) -> std::io::Result<RunningTenant> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let allowed = AllowedHosts::new(&base_url, &settings.carrier_fetch_hosts);
    let sim = Arc::new(Simulator {
        profile: settings.profile,
        telephony: TelephonyClient::new(settings.telephony.clone()),
        tenant: Tenant::new(file, settings),
        carrier: VirtualCarrier::new(allowed),
    });
    sim.tenant.set_base_url(base_url.clone());
    let app = router(sim.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "tenant simulator stopped serving");
        }
    });
    Ok(RunningTenant {
        base_url,
        addr,
        sim,
        shutdown: Some(tx),
        task,
    })
}

/// `docproof serve`: serves the tenant at `addr` for people exploring by
/// hand, prints where each page lives and who can sign in, and runs until
/// Ctrl-C. `seed` names the tenant file in the banner.
pub async fn serve(
    file: TenantFile,
    settings: Settings,
    addr: SocketAddr,
    seed: &std::path::Path,
) -> std::io::Result<()> {
    use docproof_contract::routes;
    let telephony = settings.telephony.base_url.clone();
    let running = spawn(file, settings, addr).await.map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot listen on {addr} ({e}); pass --addr with a free address"),
        )
    })?;
    let base = &running.base_url;
    let info = &running.tenant().info;
    println!(
        "Microsoft 365 tenant simulator ({}), profile {}: {}",
        info.domain,
        running.sim.profile,
        running.sim.profile.describe()
    );
    println!("  OWA (sign-in):     {base}{}", routes::OWA);
    println!("  Admin center:      {base}{}", routes::ADMIN);
    let pages: &[(&str, &str)] = match running.sim.profile {
        Profile::Faq2020 => &[
            ("Per-user MFA page", routes::MFA_PAGE),
            ("Proof-up", routes::PROOF_UP),
            ("Basic auth (EWS)", routes::EWS),
        ],
        Profile::Today => &[
            ("Per-user MFA page", routes::PER_USER_MFA),
            ("Registration", routes::REGISTER),
            ("Security info", routes::SECURITY_INFO),
            ("EWS (OAuth only)", routes::EWS),
        ],
    };
    for (name, path) in pages {
        println!("  {:<19}{base}{path}", format!("{name}:"));
    }
    println!("  Virtual phone:     {base}/phone");
    println!(
        "  Graph token:       {base}{}",
        routes::token_path(&info.id)
    );
    match &telephony {
        Some(url) => println!("  Telephony:         {url} (Twilio-compatible)"),
        None => println!("  Telephony:         embedded virtual carrier at {base}/carrier"),
    }
    println!("Seeded accounts (passwords are in {}):", seed.display());
    for user in running.tenant().users() {
        let phone = user
            .phone
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "  {:<48} {:<9} phone {:<14}{}",
            user.upn.as_str(),
            user.admin_view.status.to_string(),
            phone,
            if user.admin { "  global admin" } else { "" }
        );
    }
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    running.stop().await;
    Ok(())
}
