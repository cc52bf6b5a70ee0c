//! The axum router: both Leptos apps, every server function, static files and probes.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{
    LeptosRoutes, generate_route_list, render_app_to_stream_with_context, render_route_with_context,
};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use super::{body_limit, caching, errors, health, middleware, security_headers, service_worker};
use crate::state::AppState;

/// What is compressed on the way: pages, API answers and small public files. Not the bundles
/// (`.wasm`, `.js`, `.css`): a release build stores them compressed at the best settings
/// beside the originals, and compressing a debug build's 20 MB module on every request would
/// take seconds.
fn compressible() -> impl Predicate {
    DefaultPredicate::new()
        .and(NotForContentType::const_new("application/wasm"))
        .and(NotForContentType::const_new("text/javascript"))
        .and(NotForContentType::const_new("text/css"))
}

/// Builds the whole application.
///
/// The client app is registered with `leptos_routes_with_context`, which also registers every
/// server function of the binary under `/api/…`; the admin app's pages are mounted with their
/// own handler so its HTML loads the admin bundle from `/admin/pkg`. Both site roots are served
/// as static files; anything else renders the client's not-found page with status 404.
pub fn router(state: AppState) -> Router {
    let ports = crate::api::ports(&state);
    let context = move || {
        provide_context(ports.clone());
        security_headers::provide_page_nonce();
    };

    let client_options = state.client_options.clone();
    let admin_options = state.admin_options.clone();
    let client_shell = move || client_app::shell(LeptosOptions::clone(&client_options));
    let admin_shell = move || admin_app::shell(LeptosOptions::clone(&admin_options));

    let client_routes = generate_route_list(client_app::App);
    let admin_routes = generate_route_list(admin_app::App);
    let admin_handler = render_route_with_context::<AppState, _>(
        admin_routes.clone(),
        context.clone(),
        admin_shell.clone(),
    );

    let client_not_found = render_app_to_stream_with_context(context.clone(), client_shell.clone());
    let admin_not_found = render_app_to_stream_with_context(context.clone(), admin_shell.clone());
    // Unknown pages: the admin's not-found page under /admin, the client's elsewhere, with
    // status 404 (unknown /api/ paths get a JSON `not_found` from their own route).
    let not_found = move |req: Request<Body>| {
        let (client, admin) = (client_not_found.clone(), admin_not_found.clone());
        async move {
            let path = req.uri().path();
            let mut res: Response = if path == "/admin" || path.starts_with("/admin/") {
                admin(req).await
            } else {
                client(req).await
            };
            *res.status_mut() = StatusCode::NOT_FOUND;
            res.into_response()
        }
    };
    // The release build stores each bundle brotli- and gzip-compressed beside it
    // (`cargo leptos build --release --precompress`): those are sent as they are.
    let static_files = ServeDir::new(&state.config.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeDir::new(&state.config.admin_site_root)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(tower::service_fn(move |req: Request<Body>| {
                    let not_found = not_found.clone();
                    async move { Ok::<_, std::convert::Infallible>(not_found(req).await) }
                })),
        );

    let hashed = caching::hash_file(&state.config.site_root).is_some();
    // Media (already compressed, served in ranges) and the WebSocket are sent as they are;
    // pages, API answers and files without a compressed copy are compressed on the way.
    let uncompressed = Router::new()
        .route("/ws", get(crate::realtime::socket::handler))
        .route("/media/{id}", get(crate::media::download::original))
        .route("/media/{id}/thumb", get(crate::media::download::thumb));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/sw.js", get(service_worker::handler))
        .route(
            "/hooks/{token}",
            axum::routing::post(super::hooks::post).layer(axum::extract::DefaultBodyLimit::max(
                shared::model::WEBHOOK_BODY_MAX_BYTES,
            )),
        )
        .route(
            "/auth/{provider}/start",
            get(super::sign_in::start).post(super::sign_in::start),
        )
        .route("/auth/{provider}/callback", get(super::sign_in::callback))
        .route(
            "/api/{*unknown}",
            any(|| async { errors::error_response(&shared::AppError::NotFound) }),
        )
        .leptos_routes_with_context(&state, client_routes, context, client_shell)
        .leptos_routes_with_handler(admin_routes, get(admin_handler))
        .fallback_service(static_files)
        // Inside the compression: it reads the error code from the plain body.
        .layer(from_fn(errors::error_status))
        .layer(CompressionLayer::new().compress_when(compressible()))
        .merge(uncompressed)
        .layer(from_fn(move |req, next| {
            caching::cache_control(hashed, req, next)
        }))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::resolve_caller,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            body_limit::limit_api_body,
        ))
        .layer(from_fn_with_state(state.clone(), middleware::csrf_guard))
        .layer(from_fn(security_headers::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
