//! Hostile and oversized uploads: limits, bombs, rights, malformed bodies, HTML that must not
//! run, and the memory a large upload costs.

use serde_json::json;
use shared::AppError;
use shared::error::Invalid;
use shared::model::MediaKind;

use crate::harness::{Backend, TestServer};
use crate::media_files::{html, png, png_bomb};

crate::on_both_backends!(
    bombs_and_missing_rights_are_clear_errors,
    html_is_served_as_a_sandboxed_attachment,
    malformed_uploads_get_clear_errors,
);

/// Files in the server's upload folders (temporary files and kept media).
fn stored_files(server: &TestServer) -> Vec<String> {
    let root = server.state.config.data_dir.join("media");
    let mut found = Vec::new();
    for dir in [root.clone(), root.join("tmp")] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_file()) {
                    found.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
        }
    }
    found
}

async fn media_rows(server: &TestServer) -> i64 {
    let counted: Result<i64, server::db::DbError> = async {
        use diesel::QueryDsl;
        use diesel_async::RunQueryDsl;
        use server::db::schema::media;
        server::db_run!(&server.db, |conn| {
            Ok(media::table.count().get_result(conn).await?)
        })
    }
    .await;
    counted.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_uploads_are_refused_and_nothing_is_kept() {
    let server = TestServer::start_configured(Backend::Sqlite, |config| {
        config.limits = crate::harness::test_limits();
        config.media.max_upload = 1024 * 1024;
        config.media.max_image = 256 * 1024;
    })
    .await
    .unwrap();
    let alice = server.signed_up("alice").await;
    // Over the upload limit, declared or not.
    let big = vec![b'x'; 1024 * 1024 + 1];
    assert_eq!(
        alice
            .upload("big.bin", "application/octet-stream", big)
            .await
            .unwrap_err(),
        (413, AppError::TooLarge)
    );
    // An image over the image limit (sniffed, whatever it is called).
    let mut photo = png(8, 8);
    photo.resize(300 * 1024, 0);
    assert_eq!(
        alice
            .upload("notes.txt", "text/plain", photo)
            .await
            .unwrap_err(),
        (413, AppError::TooLarge)
    );
    assert!(
        stored_files(&server).is_empty(),
        "{:?}",
        stored_files(&server)
    );
    assert_eq!(media_rows(&server).await, 0);
    // Just under the limit is fine.
    let fits = alice
        .upload("fits.bin", "application/octet-stream", vec![1; 1024 * 1024])
        .await
        .unwrap();
    assert_eq!((fits.kind, fits.size), (MediaKind::File, 1024 * 1024));
    assert_eq!(stored_files(&server), vec![fits.id.clone()]);
}

async fn bombs_and_missing_rights_are_clear_errors(server: TestServer) {
    let alice = server.signed_up("alice").await;
    assert_eq!(
        alice
            .upload("bomb.png", "image/png", png_bomb())
            .await
            .unwrap_err(),
        (422, AppError::invalid("file", Invalid::TooManyPixels))
    );
    // Bytes that claim to be a PNG but do not decode are kept as a plain file.
    let mut broken = png(10, 10);
    broken.truncate(40);
    let kept = alice
        .upload("broken.png", "image/png", broken)
        .await
        .unwrap();
    assert_eq!((kept.kind, kept.thumb_url), (MediaKind::File, None));
    assert_eq!(kept.mime, "application/octet-stream");
    // Without the `upload` right (a muted user's role has none).
    server.create_user("quiet", shared::rights::ROLE_MUTE).await;
    let quiet = server.client();
    quiet
        .log_in("quiet", crate::harness::PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        quiet
            .upload("a.png", "image/png", png(4, 4))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        server
            .client()
            .upload("a.png", "image/png", png(4, 4))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
    assert_eq!(media_rows(&server).await, 1);
}

async fn html_is_served_as_a_sandboxed_attachment(server: TestServer) {
    let alice = server.signed_up("alice").await;
    for (name, declared) in [("page.html", "text/html"), ("pic.svg", "image/svg+xml")] {
        let page = alice.upload(name, declared, html()).await.unwrap();
        assert_eq!(page.kind, MediaKind::File);
        assert_eq!(page.mime, "application/octet-stream");
        let (status, headers, body) = alice.get_path(&page.url, &[]).await;
        assert_eq!((status, body), (200, html()));
        assert_eq!(headers["content-type"], "application/octet-stream");
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;"),
            "{headers:?}"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
}

async fn malformed_uploads_get_clear_errors(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let post = |content_type: &'static str, body: &'static [u8]| {
        alice
            .http
            .post(format!("{}/api/upload_media", alice.base))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    // No boundary: refused before anything parses it.
    let res = post("multipart/form-data", b"--x\r\n").await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let err: AppError = res.json().await.unwrap();
    assert!(matches!(err, AppError::BadRequest { .. }), "{err:?}");
    // JSON instead of a form.
    let res = post("application/json", b"{}").await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    // A form without a `file` part, and an empty file.
    let form = reqwest::multipart::Form::new().text("note", "hi");
    let res = alice
        .http
        .post(format!("{}/api/upload_media", alice.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(
        alice
            .upload("empty.txt", "text/plain", Vec::new())
            .await
            .unwrap_err(),
        (422, AppError::invalid("file", Invalid::Required))
    );
    // Still healthy.
    assert_eq!(alice.get_path("/healthz", &[]).await.0, 200);
    let ok = alice.upload("a.png", "image/png", png(3, 3)).await.unwrap();
    assert_eq!(ok.kind, MediaKind::Image);
    let _ = json!({});
}

/// The server's resident memory, in KiB (this test process serves it).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_streams_in_bounded_memory() {
    use futures_util::StreamExt;
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let alice = server.signed_up("alice").await;
    const MIB: usize = 1024 * 1024;
    // 100 MiB, produced a chunk at a time by the client too.
    let chunks = futures_util::stream::iter(0..100)
        .map(|i: usize| Ok::<_, std::io::Error>(bytes_of(i, MIB)));
    let body = reqwest::Body::wrap_stream(chunks);
    let part = reqwest::multipart::Part::stream_with_length(body, (100 * MIB) as u64)
        .file_name("big.bin")
        .mime_str("application/octet-stream")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let before = rss_kib();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let watching = peak.clone();
    let watcher = tokio::spawn(async move {
        loop {
            watching.fetch_max(rss_kib(), std::sync::atomic::Ordering::Relaxed);
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    });
    let res = alice
        .http
        .post(format!("{}/api/upload_media", alice.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    watcher.abort();
    assert_eq!(res.status().as_u16(), 200, "{:?}", res.text().await);
    let media: shared::model::Media = res.json().await.unwrap();
    assert_eq!(media.size, (100 * MIB) as u64);
    let grew_mib = (peak.load(std::sync::atomic::Ordering::Relaxed) - before) / 1024;
    eprintln!("RSS grew by {grew_mib} MiB during a 100 MiB upload");
    assert!(grew_mib < 32, "a 100 MiB upload grew RSS by {grew_mib} MiB");
    // The bytes arrived intact (checked in ranges, never loaded whole).
    for i in [0usize, 57, 99] {
        let range = format!("bytes={}-{}", i * MIB, i * MIB + 4095);
        let (status, _, got) = alice.get_path(&media.url, &[("range", &range)]).await;
        assert_eq!(status, 206);
        assert_eq!(got, bytes_of(i, MIB)[..4096].to_vec());
    }
}

fn bytes_of(i: usize, len: usize) -> Vec<u8> {
    (0..len).map(|j| ((i * 31 + j) % 253) as u8).collect()
}
