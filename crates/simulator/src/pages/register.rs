//! Today's combined registration (`Profile::Today`), "Keep your account
//! secure".

use crate::server::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
