//! Server-rendered pages, probes and the split between the two app bundles.

use crate::harness::{Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_answer() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready: serde_json::Value = http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["database"], "sqlite");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_and_admin_pages_load_their_own_bundles() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let c = server.client();
    let login = c
        .http
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let html = login.text().await.unwrap();
    assert!(html.contains("/pkg/parley.js"), "{html}");
    assert!(
        !html.contains("/admin/pkg/"),
        "the phone never loads the admin bundle"
    );
    assert!(html.contains("登录"), "Chinese by default");

    let admin = c
        .http
        .get(format!("{}/admin/login", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 200);
    let html = admin.text().await.unwrap();
    assert!(html.contains("/admin/pkg/parley.js"), "{html}");

    let english = c
        .http
        .get(format!("{}/login", server.base))
        .header("cookie", "parley_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("Log in"));

    let missing = c
        .http
        .get(format!("{}/no/such/page", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("/pkg/parley.js"));
    let missing = c
        .http
        .get(format!("{}/admin/no/such/page", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("/admin/pkg/parley.js")
    );
    let missing = c
        .http
        .post(format!("{}/api/no_such_function", server.base))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.text().await.unwrap(), r#"{"code":"not_found"}"#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logged_out_visitors_are_sent_to_log_in() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    // Back to the page asked for after signing in (an invite link, say); Chats needs no `next`.
    for (path, expected) in [
        ("/me", "/login?next=/me"),
        ("/join/AbC123dEf456", "/login?next=/join/AbC123dEf456"),
        ("/", "/login"),
    ] {
        let res = server
            .client()
            .http
            .get(format!("{}{path}", server.base))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        assert_eq!(
            (status, location.as_deref()),
            (302, Some(expected)),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_nonce_policy_and_every_answer_its_security_headers() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let http = reqwest::Client::new();
    for path in ["/login", "/admin/login"] {
        let res = http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        let headers = res.headers().clone();
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("no nonce in {policy}"))
            .to_owned();
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!policy.contains("'unsafe-eval'"), "{policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "same-origin");
        let html = res.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{html}");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "every inline script carries this page's nonce: {html}"
        );
        // Another request gets another nonce.
        let again = http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        let other = again.headers()["content-security-policy"].to_str().unwrap();
        assert!(!other.contains(&nonce));
    }
    let api = http
        .post(format!("{}/api/current_user", server.base))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert!(
        api.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_bundles_are_cached_for_good_and_pages_never() {
    // A site root as `cargo leptos build --release --precompress` leaves it: bundles named by
    // their content hash, each with a brotli copy, and the hashes in `hash.txt`.
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(site.path().join("hash.txt"), "js: J1\nwasm: W1\ncss: C1\n").unwrap();
    std::fs::write(pkg.join("parley.J1.js"), "export default 1;").unwrap();
    std::fs::write(pkg.join("parley.J1.js.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("parley.W1.wasm"), b"\0asm").unwrap();
    std::fs::write(pkg.join("parley.C1.css"), "body{}").unwrap();
    std::fs::write(
        site.path().join("manifest.webmanifest"),
        "{\"name\": \"Parley\"}".repeat(20),
    )
    .unwrap();
    let root = site.path().to_path_buf();
    let server = TestServer::start_configured(Backend::Sqlite, |c| c.site_root = root)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let get = |path: &str, encoding: &str| {
        http.get(format!("{}{path}", server.base))
            .header("accept-encoding", encoding)
            .send()
    };
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };

    // The page asks for the hashed names, is compressed, and is never stored.
    let page = get("/login", "br").await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(header(&page, "content-encoding").as_deref(), Some("br"));
    let page = get("/login", "identity").await.unwrap();
    assert_eq!(header(&page, "content-encoding"), None);
    let html = page.text().await.unwrap();
    for name in [
        "/pkg/parley.J1.js",
        "/pkg/parley.W1.wasm",
        "/pkg/parley.C1.css",
    ] {
        assert!(html.contains(name), "{name} in {html}");
    }
    assert!(!html.contains("/pkg/parley.js"));

    // A bundle: its stored brotli copy when the browser takes brotli, kept for a year.
    let js = get("/pkg/parley.J1.js", "gzip, br").await.unwrap();
    assert_eq!(js.status(), 200);
    assert_eq!(
        header(&js, "cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(header(&js, "content-encoding").as_deref(), Some("br"));
    assert_eq!(js.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let js = get("/pkg/parley.J1.js", "identity").await.unwrap();
    assert_eq!(header(&js, "content-encoding"), None);
    assert_eq!(js.text().await.unwrap(), "export default 1;");
    // Without a stored copy a bundle goes as it is (compressing a module per request costs).
    let wasm = get("/pkg/parley.W1.wasm", "br").await.unwrap();
    assert_eq!(header(&wasm, "content-encoding"), None);
    // A name from an older build is not found, and that is not kept either.
    let gone = get("/pkg/parley.OLD.js", "br").await.unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(header(&gone, "cache-control").as_deref(), Some("no-store"));
    // Other public files are compressed on the way and kept for an hour.
    let manifest = get("/manifest.webmanifest", "gzip").await.unwrap();
    assert_eq!(
        header(&manifest, "content-encoding").as_deref(),
        Some("gzip")
    );
    assert_eq!(
        header(&manifest, "cache-control").as_deref(),
        Some("public, max-age=3600")
    );
    // API answers are compressed and never stored.
    let info = http
        .post(format!("{}/api/site_info", server.base))
        .header("accept-encoding", "gzip")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), 200);
    assert_eq!(header(&info, "content-encoding").as_deref(), Some("gzip"));
    assert_eq!(header(&info, "cache-control").as_deref(), Some("no-store"));
    // An error keeps the status its code stands for when it is compressed.
    let refused = http
        .post(format!("{}/api/list_conversations", server.base))
        .header("accept-encoding", "gzip, br")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        header(&refused, "cache-control").as_deref(),
        Some("no-store")
    );

    // The service worker belongs to this build: it caches its bundles and the public files
    // there are, is checked at every visit (never cached), may fetch from Parley only, and is
    // compressed on the way.
    let page = get("/login", "identity")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"<meta name="parley-build" content="J1.W1.C1">"#),
        "{page}"
    );
    let worker = get("/sw.js", "gzip").await.unwrap();
    assert_eq!(worker.status(), 200);
    assert_eq!(
        header(&worker, "cache-control").as_deref(),
        Some("no-cache")
    );
    assert_eq!(
        header(&worker, "content-security-policy").as_deref(),
        Some("default-src 'self'")
    );
    assert!(header(&worker, "content-type").is_some_and(|t| t.contains("javascript")));
    assert_eq!(header(&worker, "content-encoding").as_deref(), Some("gzip"));
    let script = get("/sw.js", "identity")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(script.contains(r#"const BUILD = "J1.W1.C1";"#), "{script}");
    assert!(
        script.contains(
            r#"const ASSETS = ["/pkg/parley.J1.js","/pkg/parley.W1.wasm","/pkg/parley.C1.css","/manifest.webmanifest"];"#
        ),
        "{script}"
    );
    // A new build deployed beside the running server is a new worker.
    std::fs::write(site.path().join("hash.txt"), "js: J2\nwasm: W1\ncss: C1\n").unwrap();
    let script = get("/sw.js", "identity")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(script.contains(r#"const BUILD = "J2.W1.C1";"#), "{script}");
}
