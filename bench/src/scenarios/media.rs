//! M1 and M2: uploads. M1 sends 20 uploads of 10 MiB at once to the server's local store and
//! watches the server's memory while they stream; M2 uploads a 2-megapixel photo (decoded,
//! re-encoded and given a thumbnail by the server) and sends it as a message, over and over.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;

use super::Ctx;

/// One MiB.
const MIB: usize = 1024 * 1024;
/// Uploads M1 runs at once.
pub const M1_UPLOADS: usize = 20;
/// Size of each M1 upload.
pub const M1_SIZE: usize = 10 * MIB;

/// What M1 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct M1 {
    /// Uploads.
    pub uploads: usize,
    /// MiB uploaded in all.
    pub mib: f64,
    /// Seconds from the first byte to the last answer.
    pub seconds: f64,
    /// Throughput.
    pub mib_per_s: f64,
    /// The server's RSS before, in MiB.
    pub idle_rss_mib: Option<f64>,
    /// The server's highest RSS during the uploads, above idle, in MiB.
    pub rss_peak_above_idle_mib: Option<f64>,
}

/// What M2 measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct M2 {
    /// The photo's size in bytes (JPEG) and pixels.
    pub photo_bytes: usize,
    /// Width × height.
    pub photo_pixels: (u32, u32),
    /// Photos uploaded and sent.
    pub sent: usize,
    /// Seconds.
    pub seconds: f64,
    /// Photo messages per second.
    pub msgs_per_s: f64,
    /// Median time of one upload and send (ms).
    pub p50_ms: Option<f64>,
}

/// Uploads `bytes` (a chunk generator of `total` bytes) as `name`.
async fn upload(
    ctx: &Ctx,
    token: &str,
    name: &str,
    mime: &str,
    body: reqwest::Body,
    total: u64,
) -> anyhow::Result<serde_json::Value> {
    let part = reqwest::multipart::Part::stream_with_length(body, total)
        .file_name(name.to_owned())
        .mime_str(mime)?;
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = ctx
        .api
        .http()
        .post(format!("{}/api/upload_media", ctx.api.base()))
        .header("origin", ctx.api.base())
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .context("upload_media")?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        bail!("upload_media: {status}: {text}");
    }
    Ok(serde_json::from_str(&text)?)
}

/// A body of `len` bytes produced 256 KiB at a time (the generator holds no more).
fn generated(len: usize, seed: u8) -> reqwest::Body {
    const CHUNK: usize = 256 * 1024;
    let chunks = len.div_ceil(CHUNK);
    let stream = futures_util::stream::iter((0..chunks).map(move |i| {
        let size = CHUNK.min(len - i * CHUNK);
        let bytes: Vec<u8> = (0..size)
            .map(|j| (((i * CHUNK + j) as u64 * 2_654_435_761) >> 13) as u8 ^ seed)
            .collect();
        Ok::<_, std::io::Error>(bytes)
    }));
    reqwest::Body::wrap_stream(stream)
}

/// M1: 20 concurrent 10 MiB uploads.
pub async fn m1(ctx: &Ctx) -> anyhow::Result<M1> {
    anyhow::ensure!(
        ctx.fixture.users.len() >= M1_UPLOADS,
        "the fixture has too few users"
    );
    let rss = |pid: Option<u32>| pid.and_then(|p| crate::rss::kib(p).ok());
    // Let the previous scenario's memory settle before reading the idle figure.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = rss(ctx.server_pid);
    let peak = Arc::new(AtomicU64::new(idle.unwrap_or(0)));
    let watch = {
        let peak = peak.clone();
        let pid = ctx.server_pid;
        tokio::spawn(async move {
            loop {
                if let Some(now) = rss(pid) {
                    peak.fetch_max(now, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let uploads = (0..M1_UPLOADS).map(|i| {
        let token = ctx.token(i).to_owned();
        async move {
            let body = generated(M1_SIZE, i as u8);
            upload(
                ctx,
                &token,
                &format!("m1-{i}.bin"),
                "application/octet-stream",
                body,
                M1_SIZE as u64,
            )
            .await
        }
    });
    let results = futures_util::future::join_all(uploads).await;
    let seconds = started.elapsed().as_secs_f64();
    watch.abort();
    for r in results {
        let media = r?;
        anyhow::ensure!(
            media["size"].as_u64() == Some(M1_SIZE as u64),
            "an upload came back with the wrong size: {media}"
        );
    }
    let mib = (M1_UPLOADS * M1_SIZE) as f64 / MIB as f64;
    Ok(M1 {
        uploads: M1_UPLOADS,
        mib,
        seconds,
        mib_per_s: mib / seconds,
        idle_rss_mib: idle.map(|k| k as f64 / 1024.0),
        rss_peak_above_idle_mib: idle
            .map(|i| peak.load(Ordering::Relaxed).saturating_sub(i) as f64 / 1024.0),
    })
}

/// A 2-megapixel JPEG with the detail of a photo (so that it neither compresses to nothing
/// nor decodes unusually fast).
fn photo() -> anyhow::Result<(Vec<u8>, (u32, u32))> {
    let (w, h) = (1632u32, 1224u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n =
            (x.wrapping_mul(374_761_393) ^ y.wrapping_mul(668_265_263)).wrapping_mul(1_274_126_177);
        let noise = (n >> 27) as u8;
        image::Rgb([
            ((x * 255 / w) as u8).wrapping_add(noise),
            ((y * 255 / h) as u8).wrapping_add(noise / 2),
            (((x + y) * 127 / (w + h)) as u8).wrapping_add(noise / 3),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img)?;
    Ok((out.into_inner(), (w, h)))
}

/// M2: upload + thumbnail + send of a 2 MP photo, two at a time (one per core), for `length`.
pub async fn m2(ctx: &Ctx, length: Duration) -> anyhow::Result<M2> {
    let pairs = &ctx.fixture.pairs;
    anyhow::ensure!(!pairs.is_empty(), "the fixture has no pair");
    let (jpeg, pixels) = photo()?;
    let jpeg = bytes::Bytes::from(jpeg);
    let started = Instant::now();
    let next = AtomicU64::new(0);
    let samples = std::sync::Mutex::new(Vec::new());
    let worker = || async {
        while started.elapsed() < length {
            let n = next.fetch_add(1, Ordering::Relaxed) as usize;
            let pair = &pairs[n % pairs.len()];
            let token = ctx.token(pair.a).to_owned();
            let began = Instant::now();
            let media = upload(
                ctx,
                &token,
                "photo.jpg",
                "image/jpeg",
                reqwest::Body::from(jpeg.clone()),
                jpeg.len() as u64,
            )
            .await?;
            anyhow::ensure!(
                media["kind"] == "image" && media["thumb_url"].is_string(),
                "{media}"
            );
            let body = json!({
                "conversation_id": pair.conversation_id,
                "client_msg_id": format!("m2-{n}-{}", crate::clock::now_ns()),
                "body": {"type": "image", "media_id": media["id"]},
            });
            let _: serde_json::Value = ctx.api.call("send_message", Some(&token), &body).await?;
            if let Ok(mut s) = samples.lock() {
                s.push(u64::try_from(began.elapsed().as_nanos()).unwrap_or(u64::MAX));
            }
        }
        Ok::<_, anyhow::Error>(())
    };
    let (a, b) = tokio::join!(worker(), worker());
    a?;
    b?;
    let seconds = started.elapsed().as_secs_f64();
    let mut samples = samples.into_inner().unwrap_or_default();
    let sent = samples.len();
    Ok(M2 {
        photo_bytes: jpeg.len(),
        photo_pixels: pixels,
        sent,
        seconds,
        msgs_per_s: sent as f64 / seconds,
        p50_ms: crate::stats::percentile_ms(&mut samples, 50.0),
    })
}
