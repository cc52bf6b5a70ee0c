//! Media on every store (local folder and S3) and both databases: upload → send → receive →
//! fetch for each kind, who may fetch what, avatars, and the removal of unreferenced uploads.

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::model::{MediaKind, Message, MessageBody};

use crate::harness::{Client, TestServer};
use crate::media_files::{jpeg_with_exif, mp4, pdf, png, webm};

crate::on_every_store!(
    each_kind_goes_from_upload_to_the_other_side,
    only_members_and_the_uploader_may_fetch,
    avatars_are_visible_to_every_signed_in_user,
    unreferenced_media_is_removed_after_a_day,
);

/// Waits for the next `message` event on `ws`.
async fn next_message(ws: &mut crate::harness::Ws) -> Message {
    loop {
        match ws.next_event().await {
            Some(ServerEvent::Message { message }) => return message,
            Some(_) => {}
            None => panic!("socket closed before a message arrived"),
        }
    }
}

async fn pair(server: &TestServer) -> (Client, Client, i64) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conversation = alice.befriend(&bob).await;
    (alice, bob, conversation)
}

async fn each_kind_goes_from_upload_to_the_other_side(server: TestServer) {
    let (alice, bob, conversation) = pair(&server).await;
    let mut bob_ws = bob.ws().await;

    // A photo: decoded, re-encoded without its EXIF (and GPS) segment, with a thumbnail.
    let photo = alice
        .upload("holiday.jpg", "image/jpeg", jpeg_with_exif(640, 480))
        .await
        .unwrap();
    assert_eq!(photo.kind, MediaKind::Image);
    assert_eq!((photo.width, photo.height), (Some(640), Some(480)));
    assert_eq!(photo.mime, "image/jpeg");
    assert_eq!(photo.name, "holiday.jpg");
    let thumb_url = photo.thumb_url.clone().expect("a thumbnail");
    let sent = alice
        .send_body(
            conversation,
            "p1",
            json!({"type": "image", "media_id": photo.id}),
        )
        .await
        .unwrap();
    let got = next_message(&mut bob_ws).await;
    assert_eq!(got.id, sent.id);
    let MessageBody::Image {
        media: Some(media), ..
    } = &got.body
    else {
        panic!("not a photo: {:?}", got.body);
    };
    assert_eq!(media, &photo, "the message carries the upload's metadata");
    let (status, headers, bytes) = bob.get_path(&photo.url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("private")
    );
    assert_eq!(bytes.len() as u64, photo.size);
    assert!(!bytes.windows(10).any(|w| w == b"SECRET-GPS"), "EXIF kept");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF kept");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (640, 480));
    let (status, headers, thumb) = bob.get_path(&thumb_url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (400, 300));

    // A PNG stays a PNG.
    let drawing = alice
        .upload("d.png", "image/png", png(30, 20))
        .await
        .unwrap();
    assert_eq!(
        (drawing.kind, drawing.mime.as_str()),
        (MediaKind::Image, "image/png")
    );

    // A video, fetched in ranges as a player seeks.
    let clip = alice
        .upload("clip.mp4", "video/mp4", mp4(300_000))
        .await
        .unwrap();
    assert_eq!((clip.kind, clip.size), (MediaKind::Video, 300_000));
    assert_eq!(clip.thumb_url, None);
    alice
        .send_body(
            conversation,
            "v1",
            json!({"type": "video", "media_id": clip.id}),
        )
        .await
        .unwrap();
    assert!(matches!(
        next_message(&mut bob_ws).await.body,
        MessageBody::Video { .. }
    ));
    let (status, headers, bytes) = bob
        .get_path(&clip.url, &[("range", "bytes=1000-1099")])
        .await;
    assert_eq!(status, 206);
    assert_eq!(headers["content-range"], "bytes 1000-1099/300000");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(bytes, mp4(300_000)[1000..1100].to_vec());
    let (status, _, bytes) = bob.get_path(&clip.url, &[("range", "bytes=-10")]).await;
    assert_eq!((status, bytes.len()), (206, 10));
    let (status, headers, _) = bob.get_path(&clip.url, &[("range", "bytes=400000-")]).await;
    assert_eq!(status, 416);
    assert_eq!(headers["content-range"], "bytes */300000");

    // A voice note: the declared audio type decides within the WebM container.
    let voice = alice
        .upload("voice.webm", "audio/webm", webm(20_000))
        .await
        .unwrap();
    assert_eq!(
        (voice.kind, voice.mime.as_str()),
        (MediaKind::Audio, "audio/webm")
    );
    alice
        .send_body(
            conversation,
            "a1",
            json!({"type": "voice", "media_id": voice.id, "duration_ms": 4200}),
        )
        .await
        .unwrap();
    let got = next_message(&mut bob_ws).await;
    let MessageBody::Voice {
        duration_ms,
        media: Some(media),
        ..
    } = &got.body
    else {
        panic!("not a voice note: {:?}", got.body);
    };
    assert_eq!((*duration_ms, media.duration_ms), (4200, Some(4200)));
    assert_eq!(got.body.preview(shared::i18n::Lang::En), "[Voice] 5\"");

    // A file, downloaded as an attachment.
    let doc = alice
        .upload("报告.pdf", "application/pdf", pdf())
        .await
        .unwrap();
    assert_eq!(
        (doc.kind, doc.mime.as_str()),
        (MediaKind::File, "application/pdf")
    );
    alice
        .send_body(
            conversation,
            "f1",
            json!({"type": "file", "media_id": doc.id}),
        )
        .await
        .unwrap();
    let got = next_message(&mut bob_ws).await;
    assert_eq!(got.body.preview(shared::i18n::Lang::En), "[File] 报告.pdf");
    assert_eq!(got.body.preview(shared::i18n::Lang::Zh), "[文件] 报告.pdf");
    let (status, headers, bytes) = bob.get_path(&doc.url, &[]).await;
    assert_eq!((status, bytes), (200, pdf()));
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"),
        "{disposition}"
    );

    // A place.
    alice
        .send_body(
            conversation,
            "l1",
            json!({"type": "location", "title": "Tiananmen", "lat": 39.9087, "lng": 116.3975}),
        )
        .await
        .unwrap();
    let got = next_message(&mut bob_ws).await;
    assert_eq!(
        got.body,
        MessageBody::Location {
            title: "Tiananmen".into(),
            lat: 39.9087,
            lng: 116.3975
        }
    );
    assert_eq!(got.body.preview(shared::i18n::Lang::Zh), "[位置] Tiananmen");

    // History returns the same bodies.
    let history: Vec<Message> = bob
        .call(
            "list_messages",
            json!({"conversation_id": conversation, "before_seq": null, "limit": 10}),
        )
        .await
        .unwrap();
    let kinds: Vec<&str> = history
        .iter()
        .map(|m| match &m.body {
            MessageBody::Image { .. } => "image",
            MessageBody::Video { .. } => "video",
            MessageBody::Voice { .. } => "voice",
            MessageBody::File { .. } => "file",
            MessageBody::Location { .. } => "location",
            _ => "other",
        })
        .collect();
    // After the friends-now notice.
    assert_eq!(
        kinds,
        ["other", "image", "video", "voice", "file", "location"]
    );
}

async fn only_members_and_the_uploader_may_fetch(server: TestServer) {
    let (alice, bob, conversation) = pair(&server).await;
    let carol = server.signed_up("carol").await;
    let photo = alice
        .upload("p.png", "image/png", png(50, 50))
        .await
        .unwrap();
    let thumb = photo.thumb_url.clone().unwrap();

    // Before it is sent, only its uploader sees it.
    assert_eq!(alice.get_path(&photo.url, &[]).await.0, 200);
    assert_eq!(bob.get_path(&photo.url, &[]).await.0, 404);
    // Sent: the conversation's members see it; others, logged out or not, never.
    alice
        .send_body(
            conversation,
            "m1",
            json!({"type": "image", "media_id": photo.id}),
        )
        .await
        .unwrap();
    assert_eq!(bob.get_path(&photo.url, &[]).await.0, 200);
    assert_eq!(bob.get_path(&thumb, &[]).await.0, 200);
    let anonymous = server.client();
    for who in [&carol, &anonymous] {
        assert_eq!(who.get_path(&photo.url, &[]).await.0, 404);
        assert_eq!(who.get_path(&thumb, &[]).await.0, 404);
    }
    // Guessed ids, malformed ids and paths all look the same.
    for path in [
        "/media/AAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        "/media/short".to_owned(),
        "/media/..%2F..%2Fparley.db".to_owned(),
        format!("{}x", photo.url),
        format!("/media/{}/thumb", "B".repeat(22)),
    ] {
        assert_eq!(bob.get_path(&path, &[]).await.0, 404, "{path}");
    }
    // A file has no thumbnail.
    let doc = alice
        .upload("a.pdf", "application/pdf", pdf())
        .await
        .unwrap();
    assert_eq!(
        alice.get_path(&format!("{}/thumb", doc.url), &[]).await.0,
        404
    );

    // Another user's upload cannot be sent, whatever its kind.
    let bobs = bob.upload("b.png", "image/png", png(10, 10)).await.unwrap();
    assert_eq!(
        alice
            .send_body(
                conversation,
                "m2",
                json!({"type": "image", "media_id": bobs.id})
            )
            .await
            .unwrap_err(),
        (422, AppError::invalid("media_id", Invalid::Unknown))
    );
    // Nor can an upload be sent as what it is not.
    let clip = alice.upload("c.mp4", "video/mp4", mp4(5000)).await.unwrap();
    assert_eq!(
        alice
            .send_body(
                conversation,
                "m3",
                json!({"type": "image", "media_id": clip.id})
            )
            .await
            .unwrap_err(),
        (422, AppError::invalid("media_id", Invalid::WrongKind))
    );
    assert_eq!(
        alice
            .send_body(
                conversation,
                "m4",
                json!({"type": "voice", "media_id": clip.id, "duration_ms": 1000})
            )
            .await
            .unwrap_err(),
        (422, AppError::invalid("media_id", Invalid::WrongKind))
    );
    let voice = alice
        .upload("v.webm", "audio/webm", webm(3000))
        .await
        .unwrap();
    for duration in [0, 60_001] {
        assert_eq!(
            alice
                .send_body(
                    conversation,
                    "m5",
                    json!({"type": "voice", "media_id": voice.id, "duration_ms": duration})
                )
                .await
                .unwrap_err(),
            (422, AppError::invalid("duration_ms", Invalid::OutOfRange))
        );
    }
    for (lat, lng, field) in [(91.0, 0.0, "lat"), (0.0, -180.5, "lng")] {
        assert_eq!(
            alice
                .send_body(
                    conversation,
                    "m6",
                    json!({"type": "location", "title": "x", "lat": lat, "lng": lng})
                )
                .await
                .unwrap_err(),
            (422, AppError::invalid(field, Invalid::OutOfRange))
        );
    }
    // Any upload may be sent as a file; the metadata a client sends is replaced.
    let sent = alice
        .send_body(
            conversation,
            "m7",
            json!({"type": "file", "media_id": clip.id, "media": {
                "id": clip.id, "kind": "file", "mime": "text/html", "size": 1, "name": "evil.html",
                "width": null, "height": null, "duration_ms": null, "url": "/x", "thumb_url": null
            }}),
        )
        .await
        .unwrap();
    let MessageBody::File {
        media: Some(media), ..
    } = sent.body
    else {
        panic!("not a file");
    };
    assert_eq!(media, clip);
    // Carol, who is in no conversation with it, still cannot fetch it.
    assert_eq!(carol.get_path(&clip.url, &[]).await.0, 404);
}

async fn avatars_are_visible_to_every_signed_in_user(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let stranger = server.signed_up("stranger").await;
    let face = alice
        .upload("me.png", "image/png", png(200, 100))
        .await
        .unwrap();
    let url: Option<String> = alice
        .call("set_avatar", json!({"media_id": face.id}))
        .await
        .unwrap();
    assert_eq!(url.as_deref(), face.thumb_url.as_deref());
    let me = alice.me().await.unwrap();
    assert_eq!(me.avatar_url, face.thumb_url);
    assert_eq!(stranger.get_path(&face.url, &[]).await.0, 200);
    assert_eq!(server.client().get_path(&face.url, &[]).await.0, 404);
    // Only images, and only one's own.
    let doc = alice
        .upload("a.pdf", "application/pdf", pdf())
        .await
        .unwrap();
    assert_eq!(
        alice
            .call::<Value>("set_avatar", json!({"media_id": doc.id}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("media_id", Invalid::WrongKind))
    );
    let theirs = stranger
        .upload("s.png", "image/png", png(5, 5))
        .await
        .unwrap();
    assert_eq!(
        alice
            .call::<Value>("set_avatar", json!({"media_id": theirs.id}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("media_id", Invalid::Unknown))
    );
    // A group's avatar: the owner may set it, a plain member may not.
    let bob = server.signed_up("bob").await;
    alice.befriend(&bob).await;
    let bob_id = bob.me().await.unwrap().id;
    let group: shared::model::GroupInfo = alice
        .call(
            "create_group",
            json!({"name": "Team", "member_ids": [bob_id]}),
        )
        .await
        .unwrap();
    let logo = alice
        .upload("logo.png", "image/png", png(64, 64))
        .await
        .unwrap();
    let url: Option<String> = alice
        .call(
            "set_group_avatar",
            json!({"group_id": group.id, "media_id": logo.id}),
        )
        .await
        .unwrap();
    assert_eq!(url, logo.thumb_url);
    let info: shared::model::GroupInfo = bob
        .call("get_group", json!({"group_id": group.id}))
        .await
        .unwrap();
    assert_eq!(info.avatar_url, logo.thumb_url);
    let bobs = bob.upload("b.png", "image/png", png(8, 8)).await.unwrap();
    assert_eq!(
        bob.call::<Value>(
            "set_group_avatar",
            json!({"group_id": group.id, "media_id": bobs.id})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    // Removing the avatar.
    let none: Option<String> = alice
        .call("set_avatar", json!({"media_id": null}))
        .await
        .unwrap();
    assert_eq!(none, None);
    assert_eq!(alice.me().await.unwrap().avatar_url, None);
}

async fn unreferenced_media_is_removed_after_a_day(server: TestServer) {
    use diesel::{ExpressionMethods, QueryDsl};
    let (alice, _bob, conversation) = pair(&server).await;
    let sent = alice
        .upload("s.png", "image/png", png(20, 20))
        .await
        .unwrap();
    let kept = alice
        .upload("k.png", "image/png", png(20, 20))
        .await
        .unwrap();
    let forgotten = alice
        .upload("f.png", "image/png", png(20, 20))
        .await
        .unwrap();
    let fresh = alice
        .upload("n.pdf", "application/pdf", pdf())
        .await
        .unwrap();
    alice
        .send_body(
            conversation,
            "g1",
            json!({"type": "image", "media_id": sent.id}),
        )
        .await
        .unwrap();
    let _: Option<String> = alice
        .call("set_avatar", json!({"media_id": kept.id}))
        .await
        .unwrap();
    // Three of them uploaded two days ago; `fresh` just now.
    let two_days_ago = shared_now() - 2 * 24 * 3600 * 1000;
    let ids = vec![sent.id.clone(), kept.id.clone(), forgotten.id.clone()];
    let backdated: Result<usize, server::db::DbError> = async {
        use diesel_async::RunQueryDsl;
        use server::db::schema::media;
        server::db_run!(&server.db, |conn| {
            Ok(diesel::update(media::table.filter(media::id.eq_any(&ids)))
                .set(media::created_at.eq(two_days_ago))
                .execute(conn)
                .await?)
        })
    }
    .await;
    assert_eq!(backdated.unwrap(), 3);
    let store = server.state.media.store();
    assert!(store.exists(&forgotten.id).await.unwrap());
    assert!(
        store
            .exists(&format!("{}.thumb", forgotten.id))
            .await
            .unwrap()
    );
    let removed = server::media::collect_garbage(&server.db, &server.state.media)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(!store.exists(&forgotten.id).await.unwrap());
    assert!(
        !store
            .exists(&format!("{}.thumb", forgotten.id))
            .await
            .unwrap()
    );
    assert_eq!(alice.get_path(&forgotten.url, &[]).await.0, 404);
    for still in [&sent, &kept, &fresh] {
        assert!(store.exists(&still.id).await.unwrap(), "{}", still.name);
        assert_eq!(alice.get_path(&still.url, &[]).await.0, 200);
    }
    // A forgotten upload can no longer be sent.
    assert_eq!(
        alice
            .send_body(
                conversation,
                "g2",
                json!({"type": "image", "media_id": forgotten.id})
            )
            .await
            .unwrap_err(),
        (422, AppError::invalid("media_id", Invalid::Unknown))
    );
}

fn shared_now() -> i64 {
    server::time::now_ms()
}
