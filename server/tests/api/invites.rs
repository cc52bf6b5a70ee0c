//! Registration by invitation: administrators create, list and revoke invite codes; while
//! registration is `invite`, sign-up needs a usable code and uses it up by one, in the same unit
//! of work as the account (a failed sign-up uses nothing; racing sign-ups never overrun a limit).

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::model::{AdminSettings, AuditEntry, InviteCode, InviteStatus, SiteInfo};
use shared::rights::ROLE_ADMIN;

use crate::harness::{Client, PASSWORD, TestServer};

crate::on_both_backends!(
    sign_up_by_invitation_needs_a_usable_code,
    invite_codes_are_made_listed_and_revoked_by_administrators,
    racing_sign_ups_never_overrun_a_code,
);

async fn admin(server: &TestServer) -> Client {
    server.create_user("root", ROLE_ADMIN).await;
    let c = server.client();
    c.log_in("root", PASSWORD).await.unwrap();
    c
}

async fn set_registration(root: &Client, mode: &str) {
    let s: AdminSettings = root
        .call("admin_update_settings", json!({"registration": mode}))
        .await
        .unwrap();
    assert_eq!(s.registration, mode);
}

async fn create(root: &Client, body: Value) -> InviteCode {
    root.call("admin_create_invite_code", body).await.unwrap()
}

/// Signs `username` up on a fresh device with `code`.
async fn sign_up(
    server: &TestServer,
    username: &str,
    code: Option<&str>,
) -> Result<Value, (u16, AppError)> {
    server
        .client()
        .call(
            "sign_up",
            json!({"username": username, "password": PASSWORD, "invite_code": code}),
        )
        .await
}

async fn listed(root: &Client, body: Value) -> Vec<InviteCode> {
    root.call("admin_list_invite_codes", body).await.unwrap()
}

async fn sign_up_by_invitation_needs_a_usable_code(server: TestServer) {
    let root = admin(&server).await;
    set_registration(&root, "invite").await;
    let info: SiteInfo = server.client().call("site_info", json!({})).await.unwrap();
    assert_eq!(info.registration, "invite");

    // No code, a malformed one, an unknown one.
    assert_eq!(
        sign_up(&server, "amy", None).await.unwrap_err(),
        (403, AppError::InviteRequired)
    );
    assert_eq!(
        sign_up(&server, "amy", Some("  ")).await.unwrap_err(),
        (403, AppError::InviteRequired)
    );
    for bad in ["abc", "ZZZZZZZZZZZZ", "ZZZZZZZZZZZ!", &"Z".repeat(10_000)] {
        assert_eq!(
            sign_up(&server, "amy", Some(bad)).await.unwrap_err(),
            (403, AppError::InviteInvalid),
            "{bad:.20}"
        );
    }

    // A code for two accounts: two sign-ups, then it is used up.
    let two = create(&root, json!({"note": "for the design team", "max_uses": 2})).await;
    assert_eq!(two.code.len(), 12);
    assert!(two.code.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(
        two.url.ends_with(&format!("/signup?invite={}", two.code)),
        "{}",
        two.url
    );
    assert_eq!(
        (two.uses, two.max_uses, two.status),
        (0, Some(2), InviteStatus::Active)
    );
    let amy: Value = sign_up(&server, "amy", Some(&two.code)).await.unwrap();
    assert_eq!(amy["username"], "amy");
    // A sign-up that fails for another reason uses nothing.
    assert_eq!(
        sign_up(&server, "amy", Some(&two.code)).await.unwrap_err(),
        (409, AppError::UsernameTaken)
    );
    sign_up(&server, "bob", Some(&format!(" {} ", two.code)))
        .await
        .unwrap();
    assert_eq!(
        sign_up(&server, "carl", Some(&two.code)).await.unwrap_err(),
        (403, AppError::InviteInvalid)
    );
    let now = listed(&root, json!({})).await;
    assert_eq!(now.len(), 1);
    assert_eq!((now[0].uses, now[0].status), (2, InviteStatus::UsedUp));
    let names: Vec<&str> = now[0].used_by.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(
        names.contains(&"amy") && names.contains(&"bob"),
        "{names:?}"
    );

    // An expired code admits nobody.
    let short = create(&root, json!({"expires_in_hours": 1})).await;
    assert!(short.expires_at.is_some());
    expire(&server, short.id).await;
    assert_eq!(
        sign_up(&server, "carl", Some(&short.code))
            .await
            .unwrap_err(),
        (403, AppError::InviteInvalid)
    );
    let expired = listed(&root, json!({"status": "expired"})).await;
    assert_eq!(
        expired.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![short.id]
    );

    // Open registration needs no code (and ignores one); closed refuses even a good one.
    let open = create(&root, json!({})).await;
    set_registration(&root, "open").await;
    sign_up(&server, "carl", None).await.unwrap();
    sign_up(&server, "dora", Some("nonsense")).await.unwrap();
    set_registration(&root, "closed").await;
    assert_eq!(
        sign_up(&server, "eve", Some(&open.code)).await.unwrap_err(),
        (403, AppError::RegistrationClosed)
    );
    set_registration(&root, "invite").await;
    sign_up(&server, "eve", Some(&open.code)).await.unwrap();
    let open_now: Vec<InviteCode> = listed(&root, json!({"status": "active"})).await;
    assert_eq!(open_now.len(), 1);
    assert_eq!(
        (open_now[0].id, open_now[0].uses, open_now[0].max_uses),
        (open.id, 1, None)
    );

    // The new account can log in like any other.
    let eve = server.client();
    eve.log_in("eve", PASSWORD).await.unwrap();
}

/// Moves code `id`'s expiry into the past.
async fn expire(server: &TestServer, id: i64) {
    let changed: Result<usize, server::db::DbError> = async {
        use diesel_async::RunQueryDsl;
        server::db_run!(&server.db, |conn| {
            Ok(diesel::sql_query(format!(
                "UPDATE invite_codes SET expires_at = 1 WHERE id = {id}"
            ))
            .execute(conn)
            .await?)
        })
    }
    .await;
    assert_eq!(changed.unwrap(), 1);
}

async fn invite_codes_are_made_listed_and_revoked_by_administrators(server: TestServer) {
    let root = admin(&server).await;
    let bob = server.signed_up("bob").await;
    let anyone = server.client();
    for (who, status, code) in [
        (&bob, 403, AppError::Forbidden),
        (&anyone, 401, AppError::Unauthenticated),
    ] {
        assert_eq!(
            who.call::<InviteCode>("admin_create_invite_code", json!({}))
                .await
                .unwrap_err(),
            (status, code.clone())
        );
        assert_eq!(
            who.call::<Vec<InviteCode>>("admin_list_invite_codes", json!({}))
                .await
                .unwrap_err(),
            (status, code.clone())
        );
        assert_eq!(
            who.call::<InviteCode>("admin_revoke_invite_code", json!({"invite_id": 1}))
                .await
                .unwrap_err(),
            (status, code)
        );
    }

    // Bad terms are refused and create nothing.
    for (body, field, why) in [
        (json!({"max_uses": 0}), "max_uses", Invalid::OutOfRange),
        (json!({"max_uses": 10_001}), "max_uses", Invalid::OutOfRange),
        (
            json!({"expires_in_hours": 0}),
            "expires_in_hours",
            Invalid::OutOfRange,
        ),
        (
            json!({"expires_in_hours": 8_785}),
            "expires_in_hours",
            Invalid::OutOfRange,
        ),
        (json!({"note": "x".repeat(201)}), "note", Invalid::TooLong),
    ] {
        assert_eq!(
            root.call::<InviteCode>("admin_create_invite_code", body)
                .await
                .unwrap_err(),
            (422, AppError::invalid(field, why))
        );
    }
    assert!(listed(&root, json!({})).await.is_empty());

    let before = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let a = create(
        &root,
        json!({"note": "sales 销售部", "max_uses": 5, "expires_in_hours": 48}),
    )
    .await;
    let b = create(&root, json!({"note": "support"})).await;
    assert_ne!(a.code, b.code);
    assert_eq!(a.note, "sales 销售部");
    assert_eq!(a.created_by_name, "root");
    let expires = a.expires_at.unwrap();
    assert!(
        (expires - before - 48 * 3_600_000).abs() < 60_000,
        "{expires} vs {before}"
    );
    assert_eq!(b.expires_at, None);

    // Newest first, paged by id.
    let all = listed(&root, json!({})).await;
    assert_eq!(
        all.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![b.id, a.id]
    );
    let page = listed(&root, json!({"limit": 1, "before_id": b.id})).await;
    assert_eq!(page.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a.id]);
    for body in [
        json!({"status": "pending"}),
        json!({"limit": 0}),
        json!({"limit": 101}),
    ] {
        assert_eq!(
            root.call::<Vec<InviteCode>>("admin_list_invite_codes", body)
                .await
                .unwrap_err()
                .0,
            422
        );
    }

    // Revoking: at once, once, and only what exists.
    let revoked: InviteCode = root
        .call("admin_revoke_invite_code", json!({"invite_id": a.id}))
        .await
        .unwrap();
    assert_eq!(revoked.status, InviteStatus::Revoked);
    assert!(revoked.revoked_at.is_some());
    let again: InviteCode = root
        .call("admin_revoke_invite_code", json!({"invite_id": a.id}))
        .await
        .unwrap();
    assert_eq!(again.revoked_at, revoked.revoked_at);
    assert_eq!(
        root.call::<InviteCode>("admin_revoke_invite_code", json!({"invite_id": 999_999}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    set_registration(&root, "invite").await;
    assert_eq!(
        sign_up(&server, "amy", Some(&a.code)).await.unwrap_err(),
        (403, AppError::InviteInvalid)
    );
    let left: Vec<InviteCode> = listed(&root, json!({"status": "revoked"})).await;
    assert_eq!(left.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a.id]);
    let active: Vec<InviteCode> = listed(&root, json!({"status": "active"})).await;
    assert_eq!(active.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b.id]);

    // Every change audited: two creations, one revocation.
    let created: Vec<AuditEntry> = root
        .call("admin_audit_log", json!({"action": "create_invite_code"}))
        .await
        .unwrap();
    assert_eq!(created.len(), 2);
    let revocations: Vec<AuditEntry> = root
        .call("admin_audit_log", json!({"action": "revoke_invite_code"}))
        .await
        .unwrap();
    assert_eq!(revocations.len(), 1);
    assert_eq!(revocations[0].detail["before"]["status"], "active");
}

async fn racing_sign_ups_never_overrun_a_code(server: TestServer) {
    let root = admin(&server).await;
    set_registration(&root, "invite").await;
    let code = create(&root, json!({"max_uses": 3})).await;
    let attempts = (0..8).map(|i| {
        let server = &server;
        let code = code.code.clone();
        async move { sign_up(server, &format!("racer{i}"), Some(&code)).await }
    });
    let results = futures_util::future::join_all(attempts).await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 3, "{results:?}");
    for lost in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(lost, &(403, AppError::InviteInvalid));
    }
    let now = listed(&root, json!({})).await;
    assert_eq!(
        (now[0].uses, now[0].status, now[0].used_by.len()),
        (3, InviteStatus::UsedUp, 3)
    );
}
