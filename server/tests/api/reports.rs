//! Reports: filed from the client about what the reporter can see, once per target while open,
//! rate-limited; resolved from the console with dismiss / delete message / mute / ban, the
//! reporter told in their "Parley" system chat, each resolution audited.

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::model::{
    AuditEntry, ConversationKind, ConversationSummary, GroupInfo, GroupStatus, MessageBody, Report,
    ReportAction, ReportStatus, ReportTarget, SystemNotice,
};
use shared::rights::ROLE_ADMIN;

use crate::harness::{Backend, Client, PASSWORD, TestServer, test_limits};

crate::on_both_backends!(
    reports_are_filed_about_what_one_can_see,
    resolving_acts_and_tells_the_reporter,
);

async fn admin(server: &TestServer) -> Client {
    server.create_user("root", ROLE_ADMIN).await;
    let c = server.client();
    c.log_in("root", PASSWORD).await.unwrap();
    c
}

async fn file(c: &Client, kind: &str, id: i64, reason: &str) -> Result<Report, (u16, AppError)> {
    c.call(
        "report",
        json!({"target_kind": kind, "target_id": id, "reason": reason, "note": "see this"}),
    )
    .await
}

async fn reports_are_filed_about_what_one_can_see(server: TestServer) {
    let root = admin(&server).await;
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let eve = server.signed_up("eve").await;
    let conversation = amy.befriend(&bob).await;
    let spam = bob
        .send_text(conversation, "b1", "buy cheap watches")
        .await
        .unwrap();
    let mine = amy.send_text(conversation, "a1", "hi").await.unwrap();

    let report = file(&amy, "message", spam.id.0, "spam").await.unwrap();
    assert_eq!(report.target_kind, ReportTarget::Message);
    assert_eq!(report.status, ReportStatus::Open);
    assert_eq!(report.summary, "buy cheap watches");
    assert_eq!(report.target_user_name, "bob");
    assert_eq!(report.reporter_name, "amy");
    assert_eq!(report.note, "see this");
    // Once while open.
    assert_eq!(
        file(&amy, "message", spam.id.0, "fraud").await.unwrap_err(),
        (409, AppError::RequestPending)
    );
    // Only what the reporter can see; not oneself; known kinds and reasons.
    assert_eq!(
        file(&eve, "message", spam.id.0, "spam").await.unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        file(&amy, "message", mine.id.0, "spam").await.unwrap_err(),
        (422, AppError::invalid("target_id", Invalid::OutOfRange))
    );
    let amy_id = amy.me().await.unwrap().id;
    assert_eq!(
        file(&amy, "user", amy_id.0, "spam").await.unwrap_err(),
        (422, AppError::invalid("target_id", Invalid::OutOfRange))
    );
    assert_eq!(
        file(&amy, "user", 999_999, "spam").await.unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        file(&amy, "planet", 1, "spam").await.unwrap_err(),
        (422, AppError::invalid("target_kind", Invalid::OutOfRange))
    );
    assert_eq!(
        file(&amy, "user", 1, "boring").await.unwrap_err(),
        (422, AppError::invalid("reason", Invalid::OutOfRange))
    );
    assert_eq!(
        amy.call::<Report>(
            "report",
            json!({"target_kind": "user", "target_id": 1, "reason": "other",
                   "note": "x".repeat(501)})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("note", Invalid::TooLong))
    );
    let user = file(&eve, "user", amy_id.0, "harassment").await.unwrap();
    assert!(user.summary.contains("@amy"));
    let g: GroupInfo = bob
        .call(
            "create_group",
            json!({"name": "Watch deals", "member_ids": []}),
        )
        .await
        .unwrap();
    let group = file(&eve, "group", g.id.0, "fraud").await.unwrap();
    assert_eq!(group.summary, "Watch deals");
    assert_eq!(group.target_user_name, "bob");

    // The queue: administrators only, newest first, by status.
    let queue: Vec<Report> = root.call("admin_list_reports", json!({})).await.unwrap();
    assert_eq!(
        queue.iter().map(|r| r.id).collect::<Vec<_>>(),
        [group.id, user.id, report.id]
    );
    let open: Vec<Report> = root
        .call("admin_list_reports", json!({"status": "open", "limit": 1}))
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    let older: Vec<Report> = root
        .call("admin_list_reports", json!({"before_id": user.id}))
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(
        root.call::<Value>("admin_list_reports", json!({"status": "late"}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("status", Invalid::OutOfRange))
    );
    assert_eq!(
        amy.call::<Value>("admin_list_reports", json!({}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
}

/// The notice in `c`'s system chat, which the list shows as "Parley".
async fn system_chat_notice(c: &Client) -> SystemNotice {
    let list: Vec<ConversationSummary> = c.call("list_conversations", json!({})).await.unwrap();
    let chat = list
        .iter()
        .find(|s| s.kind == ConversationKind::System)
        .expect("a system chat");
    assert_eq!(chat.title, "Parley");
    match chat.last_message.as_ref().map(|m| &m.body) {
        Some(MessageBody::System { notice }) => notice.clone(),
        other => panic!("no notice: {other:?}"),
    }
}

async fn resolving_acts_and_tells_the_reporter(server: TestServer) {
    let root = admin(&server).await;
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let conversation = amy.befriend(&bob).await;
    let spam = bob
        .send_text(conversation, "b1", "buy cheap watches")
        .await
        .unwrap();
    let report = file(&amy, "message", spam.id.0, "spam").await.unwrap();

    // An action that does not fit is refused and changes nothing.
    let g: GroupInfo = carl
        .call("create_group", json!({"name": "Deals", "member_ids": []}))
        .await
        .unwrap();
    let group_report = file(&amy, "group", g.id.0, "fraud").await.unwrap();
    assert_eq!(
        root.call::<Report>(
            "admin_resolve_report",
            json!({"report_id": group_report.id, "action": "delete_message"})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("action", Invalid::OutOfRange))
    );
    assert_eq!(
        amy.call::<Report>(
            "admin_resolve_report",
            json!({"report_id": report.id, "action": "dismiss"})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // Deleting the message: members see it removed, the reporter is told at once.
    let mut amy_socket = amy.ws().await;
    let resolved: Report = root
        .call(
            "admin_resolve_report",
            json!({"report_id": report.id, "action": "delete_message", "note": "ad"}),
        )
        .await
        .unwrap();
    assert_eq!(resolved.status, ReportStatus::Resolved);
    assert_eq!(resolved.action, Some(ReportAction::DeleteMessage));
    assert_eq!(resolved.resolved_by_name, "root");
    let told = SystemNotice::ReportHandled {
        target_kind: ReportTarget::Message,
        action: ReportAction::DeleteMessage,
    };
    let (mut changed, mut heard) = (false, false);
    while !(changed && heard) {
        match amy_socket.next_event().await {
            Some(ServerEvent::MessageChanged { message }) if message.id == spam.id => {
                assert!(matches!(
                    message.body,
                    MessageBody::Recalled { by_admin: true, .. }
                ));
                changed = true;
            }
            Some(ServerEvent::Message { message }) if message.sender_id.is_none() => {
                assert_eq!(
                    message.body,
                    MessageBody::System {
                        notice: told.clone()
                    }
                );
                heard = true;
            }
            Some(_) => {}
            None => panic!("socket closed"),
        }
    }
    assert_eq!(system_chat_notice(&amy).await, told);
    // The system chat is read-only.
    let chats: Vec<ConversationSummary> = amy.call("list_conversations", json!({})).await.unwrap();
    let system = chats
        .iter()
        .find(|s| s.kind == ConversationKind::System)
        .unwrap();
    assert_eq!(
        amy.send_text(system.id.0, "x1", "hello?")
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    // Twice: refused.
    assert_eq!(
        root.call::<Report>(
            "admin_resolve_report",
            json!({"report_id": report.id, "action": "dismiss"})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("report_id", Invalid::OutOfRange))
    );

    // Muting and banning the user responsible; an administrator cannot be.
    let mute_report = file(&amy, "user", bob.me().await.unwrap().id.0, "harassment")
        .await
        .unwrap();
    let _: Report = root
        .call(
            "admin_resolve_report",
            json!({"report_id": mute_report.id, "action": "mute"}),
        )
        .await
        .unwrap();
    assert_eq!(
        bob.send_text(conversation, "b2", "again")
            .await
            .unwrap_err()
            .0,
        403
    );
    let ban_report = file(&carl, "user", bob.me().await.unwrap().id.0, "spam")
        .await
        .unwrap();
    let mut bob_socket = bob.ws().await;
    let _: Report = root
        .call(
            "admin_resolve_report",
            json!({"report_id": ban_report.id, "action": "ban", "note": "spammer"}),
        )
        .await
        .unwrap();
    assert_eq!(bob_socket.close_code().await, Some(4001));
    assert_eq!(
        bob.log_in("bob", PASSWORD).await.unwrap_err(),
        (403, AppError::AccountDisabled)
    );
    assert_eq!(
        system_chat_notice(&carl).await,
        SystemNotice::ReportHandled {
            target_kind: ReportTarget::User,
            action: ReportAction::Ban,
        }
    );
    let root_id = root.me().await.unwrap().id;
    let admin_report = file(&amy, "user", root_id.0, "other").await.unwrap();
    assert_eq!(
        root.call::<Report>(
            "admin_resolve_report",
            json!({"report_id": admin_report.id, "action": "ban"})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("action", Invalid::OutOfRange))
    );

    // A group: banning disables it.
    let _: Report = root
        .call(
            "admin_resolve_report",
            json!({"report_id": group_report.id, "action": "ban"}),
        )
        .await
        .unwrap();
    let info: GroupInfo = carl
        .call("get_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert_eq!(info.status, GroupStatus::Disabled);

    // Dismissing.
    let dismissed = file(&carl, "user", amy.me().await.unwrap().id.0, "other")
        .await
        .unwrap();
    let done: Report = root
        .call(
            "admin_resolve_report",
            json!({"report_id": dismissed.id, "action": "dismiss"}),
        )
        .await
        .unwrap();
    assert_eq!(done.status, ReportStatus::Dismissed);
    let entries: Vec<AuditEntry> = root
        .call("admin_audit_log", json!({"action": "resolve_report"}))
        .await
        .unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[4].detail["action"], "delete_message");
    assert_eq!(entries[4].detail["note"], "ad");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_rate_limited() {
    let server = TestServer::start_with(Backend::Sqlite, test_limits())
        .await
        .unwrap();
    let amy = server.signed_up("amy").await;
    let mut last = None;
    for i in 0..12 {
        let other = server.signed_up(&format!("user{i}")).await;
        let id = other.me().await.unwrap().id.0;
        last = Some(file(&amy, "user", id, "spam").await);
    }
    match last {
        Some(Err((429, AppError::RateLimited { .. }))) => {}
        other => panic!("the twelfth report in a minute was not refused: {other:?}"),
    }
}
