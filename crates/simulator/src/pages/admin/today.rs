//! Today's per-user MFA (`Profile::Today`): Active users with its
//! "Multi-factor authentication" toolbar button, and the Entra admin
//! center's "Per-user multifactor authentication" page with its service
//! settings.

use crate::server::AppState;
use axum::Router;

pub(super) fn router() -> Router<AppState> {
    Router::new()
}
