//! Today's My Sign-Ins > Security info (`Profile::Today`).

use crate::server::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
