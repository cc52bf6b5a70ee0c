//! The console's group and message functions and the users table's filters: a disabled group
//! is read-only and hidden, a muted one silent for everyone; dissolving and handing over a
//! group; browsing and searching any conversation; removing a message for everyone; each
//! change audited.

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::UserId;
use shared::model::{
    AdminGroupDetail, AdminMessage, Announced, AuditEntry, ConversationKind, ConversationSummary,
    DashboardStats, GroupCard, GroupInfo, GroupRole, GroupStatus, Message, MessageBody,
    SystemNotice,
};
use shared::rights::ROLE_ADMIN;

use crate::harness::{Client, Failure, PASSWORD, TestServer};

crate::on_both_backends!(
    a_disabled_group_is_read_only_and_hidden,
    a_muted_group_is_silent_for_everyone,
    groups_are_listed_dissolved_and_handed_over,
    messages_of_any_conversation_are_browsed_searched_and_removed,
    the_users_table_filters_and_sorts,
    the_dashboard_counts_and_announcements_reach_everyone,
);

async fn admin(server: &TestServer) -> Client {
    server.create_user("root", ROLE_ADMIN).await;
    let c = server.client();
    c.log_in("root", PASSWORD).await.unwrap();
    c
}

async fn id_of(c: &Client) -> UserId {
    c.me().await.unwrap().id
}

/// A group of `owner` with `members` (befriended first unless `friends` already), listed
/// in the directory.
async fn group_of(owner: &Client, name: &str, members: &[&Client]) -> GroupInfo {
    let mut ids = Vec::new();
    let friends: Value = owner.call("list_friends", json!({})).await.unwrap();
    for m in members {
        let id = id_of(m).await;
        if !friends
            .to_string()
            .contains(&format!("\"user_id\":{}", id.0))
        {
            owner.befriend(m).await;
        }
        ids.push(id);
    }
    let g: GroupInfo = owner
        .call("create_group", json!({"name": name, "member_ids": ids}))
        .await
        .unwrap();
    let _: GroupInfo = owner
        .call(
            "set_group_listed",
            json!({"group_id": g.id, "listed": true}),
        )
        .await
        .unwrap();
    g
}

async fn send(c: &Client, g: &GroupInfo, id: &str, text: &str) -> Result<Message, Failure> {
    c.send_text(g.conversation_id.0, id, text).await
}

async fn audit_actions(root: &Client, action: &str) -> Vec<AuditEntry> {
    root.call("admin_audit_log", json!({"action": action}))
        .await
        .unwrap()
}

async fn a_disabled_group_is_read_only_and_hidden(server: TestServer) {
    let root = admin(&server).await;
    let owner = server.signed_up("owner").await;
    let member = server.signed_up("member").await;
    let stranger = server.signed_up("stranger").await;
    let g = group_of(&owner, "Book club", &[&member]).await;
    let invite: Value = owner
        .call("create_group_invite", json!({"group_id": g.id}))
        .await
        .unwrap();
    let code = invite["code"].as_str().unwrap().to_owned();
    send(&member, &g, "m1", "before").await.unwrap();
    let mut socket = member.ws().await;

    let detail: AdminGroupDetail = root
        .call(
            "admin_set_group_status",
            json!({"group_id": g.id, "status": "disabled"}),
        )
        .await
        .unwrap();
    assert_eq!(detail.group.status, GroupStatus::Disabled);
    assert_eq!(detail.members.len(), 2);
    // Members hear of it at once: the notice, then the group's change.
    loop {
        match socket.next_event().await {
            Some(ServerEvent::Message { message }) => {
                assert_eq!(
                    message.body,
                    MessageBody::System {
                        notice: SystemNotice::StatusChanged {
                            status: GroupStatus::Disabled
                        }
                    }
                );
                break;
            }
            Some(_) => {}
            None => panic!("socket closed"),
        }
    }
    socket
        .wait_for(&ServerEvent::GroupChanged { group_id: g.id })
        .await;
    let info: GroupInfo = member
        .call("get_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert_eq!(info.status, GroupStatus::Disabled);

    // Read-only: nobody posts, not even the owner; no change to the group.
    for (c, id) in [(&member, "m2"), (&owner, "o1")] {
        assert_eq!(
            send(c, &g, id, "after").await.unwrap_err(),
            (403, AppError::GroupDisabled)
        );
    }
    assert_eq!(
        owner
            .call::<GroupInfo>(
                "update_group",
                json!({"group_id": g.id, "name": "New", "introduction": "", "notice": ""})
            )
            .await
            .unwrap_err(),
        (403, AppError::GroupDisabled)
    );
    // History stays readable.
    let history: Value = member
        .call(
            "list_messages",
            json!({"conversation_id": g.conversation_id}),
        )
        .await
        .unwrap();
    assert!(history.to_string().contains("before"));
    // Hidden: not found by search or in the directory; its links and join requests refused.
    let found: Vec<GroupCard> = stranger
        .call("search_groups", json!({"query": "book"}))
        .await
        .unwrap();
    assert!(found.is_empty());
    let directory: Vec<GroupCard> = stranger
        .call("list_group_directory", json!({}))
        .await
        .unwrap();
    assert!(directory.iter().all(|c| c.id != g.id));
    assert_eq!(
        stranger
            .call::<Value>("join_group_by_invite", json!({"code": code}))
            .await
            .unwrap_err(),
        (410, AppError::LinkExpired)
    );
    assert_eq!(
        stranger
            .call::<Value>("request_join_group", json!({"group_id": g.id, "note": ""}))
            .await
            .unwrap_err(),
        (403, AppError::GroupDisabled)
    );

    // Restored: everything works again.
    let detail: AdminGroupDetail = root
        .call(
            "admin_set_group_status",
            json!({"group_id": g.id, "status": "active"}),
        )
        .await
        .unwrap();
    assert_eq!(detail.group.status, GroupStatus::Active);
    send(&member, &g, "m3", "again").await.unwrap();
    let found: Vec<GroupCard> = stranger
        .call("search_groups", json!({"query": "book"}))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    // Audited, before and after; refusals change nothing.
    let entries = audit_actions(&root, "set_group_status").await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].detail["before"], "disabled");
    assert_eq!(entries[0].detail["after"], "active");
    assert_eq!(entries[1].target_name, "Book club");
    assert_eq!(
        root.call::<AdminGroupDetail>(
            "admin_set_group_status",
            json!({"group_id": g.id, "status": "banned"})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("status", Invalid::OutOfRange))
    );
    assert_eq!(
        owner
            .call::<AdminGroupDetail>(
                "admin_set_group_status",
                json!({"group_id": g.id, "status": "disabled"})
            )
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        root.call::<AdminGroupDetail>(
            "admin_set_group_status",
            json!({"group_id": 999_999, "status": "muted"})
        )
        .await
        .unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(audit_actions(&root, "set_group_status").await.len(), 2);
}

async fn a_muted_group_is_silent_for_everyone(server: TestServer) {
    let root = admin(&server).await;
    let owner = server.signed_up("owner").await;
    let member = server.signed_up("member").await;
    let g = group_of(&owner, "Loud", &[&member]).await;
    let _: AdminGroupDetail = root
        .call(
            "admin_set_group_status",
            json!({"group_id": g.id, "status": "muted"}),
        )
        .await
        .unwrap();
    for (c, id) in [(&member, "m1"), (&owner, "o1")] {
        assert_eq!(
            send(c, &g, id, "hi").await.unwrap_err(),
            (403, AppError::Muted { until: None })
        );
    }
    // Everything else works: the owner may still edit the group.
    let _: GroupInfo = owner
        .call(
            "update_group",
            json!({"group_id": g.id, "name": "Quiet", "introduction": "", "notice": ""}),
        )
        .await
        .unwrap();
    let _: AdminGroupDetail = root
        .call(
            "admin_set_group_status",
            json!({"group_id": g.id, "status": "active"}),
        )
        .await
        .unwrap();
    send(&member, &g, "m2", "hi").await.unwrap();
}

async fn groups_are_listed_dissolved_and_handed_over(server: TestServer) {
    let root = admin(&server).await;
    let owner = server.signed_up("owner").await;
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let outsider = server.signed_up("outsider").await;
    let first = group_of(&owner, "Alpha team", &[&amy, &bob]).await;
    let second = group_of(&owner, "Beta 测试", &[&amy]).await;
    send(&amy, &first, "a1", "hello").await.unwrap();

    let page: Value = root.call("admin_list_groups", json!({})).await.unwrap();
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][0]["name"], "Beta 测试", "newest first");
    assert_eq!(page["items"][1]["member_count"], 3);
    assert_eq!(page["items"][1]["owner_name"], "owner");
    assert!(page["items"][1]["last_message_at"].is_i64());
    let page: Value = root
        .call("admin_list_groups", json!({"query": "测试"}))
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    let page: Value = root
        .call("admin_list_groups", json!({"offset": 1, "limit": 1}))
        .await
        .unwrap();
    assert_eq!(page["items"][0]["name"], "Alpha team");
    assert_eq!(
        root.call::<Value>("admin_list_groups", json!({"limit": 101}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("limit", Invalid::OutOfRange))
    );
    assert_eq!(
        amy.call::<Value>("admin_list_groups", json!({}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    let detail: AdminGroupDetail = root
        .call("admin_get_group", json!({"group_id": first.id}))
        .await
        .unwrap();
    assert_eq!(detail.members[0].role, GroupRole::Owner);
    assert!(detail.message_count >= 2, "the notice and amy's message");

    // Handing over: only to a member, never to the owner; the old owner stays an admin.
    let amy_id = id_of(&amy).await;
    assert_eq!(
        root.call::<AdminGroupDetail>(
            "admin_transfer_group",
            json!({"group_id": first.id, "user_id": id_of(&outsider).await})
        )
        .await
        .unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        root.call::<AdminGroupDetail>(
            "admin_transfer_group",
            json!({"group_id": first.id, "user_id": id_of(&owner).await})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("user_id", Invalid::OutOfRange))
    );
    let detail: AdminGroupDetail = root
        .call(
            "admin_transfer_group",
            json!({"group_id": first.id, "user_id": amy_id}),
        )
        .await
        .unwrap();
    assert_eq!(detail.group.owner_id, amy_id);
    let info: GroupInfo = amy
        .call("get_group", json!({"group_id": first.id}))
        .await
        .unwrap();
    let role_of = |u: UserId| info.members.iter().find(|m| m.user_id == u).unwrap().role;
    assert_eq!(role_of(amy_id), GroupRole::Owner);
    assert_eq!(role_of(id_of(&owner).await), GroupRole::Admin);

    // Dissolving: history stays, nobody posts, it shows as dissolved, and twice is refused.
    let detail: AdminGroupDetail = root
        .call("admin_dissolve_group", json!({"group_id": second.id}))
        .await
        .unwrap();
    assert!(detail.group.dissolved);
    assert_eq!(
        send(&amy, &second, "a2", "hi").await.unwrap_err(),
        (403, AppError::Muted { until: None })
    );
    assert_eq!(
        root.call::<AdminGroupDetail>("admin_dissolve_group", json!({"group_id": second.id}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("group_id", Invalid::OutOfRange))
    );
    let page: Value = root
        .call("admin_list_groups", json!({"status": "dissolved"}))
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    let page: Value = root
        .call("admin_list_groups", json!({"status": "active"}))
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(audit_actions(&root, "transfer_group").await.len(), 1);
    assert_eq!(audit_actions(&root, "dissolve_group").await.len(), 1);
}

async fn messages_of_any_conversation_are_browsed_searched_and_removed(server: TestServer) {
    let root = admin(&server).await;
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let direct = amy.befriend(&bob).await;
    let g = group_of(&carl, "Night shift", &[&amy]).await;
    let first = amy.send_text(direct, "a1", "明天下午开会").await.unwrap();
    bob.send_text(direct, "b1", "好的 see you").await.unwrap();
    send(&carl, &g, "c1", "meeting moved").await.unwrap();

    // Any conversation, newest first, with names.
    let all: Vec<AdminMessage> = root.call("admin_list_messages", json!({})).await.unwrap();
    assert!(all.len() >= 3);
    assert!(all.windows(2).all(|w| w[0].message.id > w[1].message.id));
    let carl_says = &all[0];
    assert_eq!(carl_says.sender_name, "carl");
    assert_eq!(carl_says.conversation_kind, "group");
    assert_eq!(carl_says.conversation_title, "Night shift");
    // One conversation; one sender; paging.
    let in_direct: Vec<AdminMessage> = root
        .call("admin_list_messages", json!({"conversation_id": direct}))
        .await
        .unwrap();
    assert_eq!(in_direct[0].conversation_title, "amy · bob");
    assert!(
        in_direct
            .iter()
            .all(|m| m.message.conversation_id.0 == direct)
    );
    let by_bob: Vec<AdminMessage> = root
        .call("admin_list_messages", json!({"user_id": id_of(&bob).await}))
        .await
        .unwrap();
    assert_eq!(by_bob.len(), 1);
    let older: Vec<AdminMessage> = root
        .call(
            "admin_list_messages",
            json!({"before_id": all[0].message.id, "limit": 1}),
        )
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    assert!(older[0].message.id < all[0].message.id);
    // Words, Chinese included, in conversations the administrator is not in.
    let found: Vec<AdminMessage> = root
        .call("admin_list_messages", json!({"query": "开会"}))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message.id, first.id);
    let found: Vec<AdminMessage> = root
        .call(
            "admin_list_messages",
            json!({"query": "meet", "user_id": id_of(&carl).await}),
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        root.call::<Value>("admin_list_messages", json!({"limit": 201}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("limit", Invalid::OutOfRange))
    );
    assert_eq!(
        amy.call::<Value>("admin_list_messages", json!({}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // Removal: members see it removed by an administrator, at once; search forgets it.
    let mut socket = bob.ws().await;
    let removed: AdminMessage = root
        .call(
            "admin_delete_message",
            json!({"message_id": first.id, "reason": "spam"}),
        )
        .await
        .unwrap();
    let root_id = id_of(&root).await;
    let gone = MessageBody::Recalled {
        by: root_id,
        by_admin: true,
    };
    assert_eq!(removed.message.body, gone);
    loop {
        match socket.next_event().await {
            Some(ServerEvent::MessageChanged { message }) if message.id == first.id => {
                assert_eq!(message.body, gone);
                break;
            }
            Some(_) => {}
            None => panic!("socket closed"),
        }
    }
    let found: Vec<AdminMessage> = root
        .call("admin_list_messages", json!({"query": "开会"}))
        .await
        .unwrap();
    assert!(found.is_empty());
    let entries = audit_actions(&root, "delete_message").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].detail["reason"], "spam");
    assert_eq!(entries[0].detail["before"]["text"], "明天下午开会");
    // Twice, a notice, or a missing id: refused.
    assert_eq!(
        root.call::<AdminMessage>("admin_delete_message", json!({"message_id": first.id}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("message_id", Invalid::WrongKind))
    );
    assert_eq!(
        root.call::<AdminMessage>("admin_delete_message", json!({"message_id": 99_999_999}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        bob.call::<AdminMessage>("admin_delete_message", json!({"message_id": first.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
}

async fn the_users_table_filters_and_sorts(server: TestServer) {
    let root = admin(&server).await;
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let _carl = server.signed_up("carl").await;
    let bob_id = id_of(&bob).await;
    let _: Value = root
        .call("admin_mute_user", json!({"user_id": bob_id}))
        .await
        .unwrap();
    let _socket = amy.ws().await;

    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let page: Value = root
        .call("admin_list_users", json!({"sort": "username"}))
        .await
        .unwrap();
    // The assistant is listed as the bot it is.
    assert_eq!(names(&page), ["amy", "assistant", "bob", "carl", "root"]);
    assert_eq!(page["items"][0]["provider"], "local");
    assert_eq!(page["items"][1]["provider"], "bot");
    assert!(page["items"][0]["last_seen_at"].is_i64());
    assert_eq!(page["items"][0]["online"], true);
    assert_eq!(page["items"][3]["online"], false);
    let page: Value = root
        .call(
            "admin_list_users",
            json!({"sort": "oldest", "limit": 2, "offset": 1}),
        )
        .await
        .unwrap();
    // Root came first, and the assistant with root's account.
    assert_eq!(names(&page), ["assistant", "amy"]);
    assert_eq!(page["total"], 5);
    let page: Value = root
        .call("admin_list_users", json!({"role": "admin"}))
        .await
        .unwrap();
    assert_eq!(names(&page), ["root"]);
    let page: Value = root
        .call("admin_list_users", json!({"status": "muted"}))
        .await
        .unwrap();
    assert_eq!(names(&page), ["bob"]);
    let page: Value = root
        .call(
            "admin_list_users",
            json!({"status": "online", "sort": "username"}),
        )
        .await
        .unwrap();
    assert_eq!(names(&page), ["amy"]);
    let page: Value = root
        .call(
            "admin_list_users",
            json!({"status": "active", "sort": "username"}),
        )
        .await
        .unwrap();
    assert_eq!(names(&page), ["amy", "assistant", "carl", "root"]);
    // The older paging arguments still work.
    let page: Value = root
        .call(
            "admin_list_users",
            json!({"page": 2, "per_page": 3, "sort": "username"}),
        )
        .await
        .unwrap();
    assert_eq!(names(&page), ["carl", "root"]);
    for (body, field) in [
        (json!({"status": "asleep"}), "status"),
        (json!({"sort": "shoe_size"}), "sort"),
        (json!({"limit": 0}), "limit"),
        (json!({"offset": 2_000_000}), "offset"),
        (json!({"query": "x".repeat(65)}), "query"),
    ] {
        let expected = if field == "query" {
            AppError::invalid(field, Invalid::TooLong)
        } else {
            AppError::invalid(field, Invalid::OutOfRange)
        };
        assert_eq!(
            root.call::<Value>("admin_list_users", body)
                .await
                .unwrap_err(),
            (422, expected)
        );
    }
}

async fn the_dashboard_counts_and_announcements_reach_everyone(server: TestServer) {
    let root = admin(&server).await;
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let conversation = amy.befriend(&bob).await;
    amy.send_text(conversation, "a1", "one").await.unwrap();
    amy.send_text(conversation, "a2", "two").await.unwrap();
    let mut socket = amy.ws().await;

    let stats: DashboardStats = root.call("admin_stats", json!({})).await.unwrap();
    assert_eq!(stats.hours, 48);
    assert_eq!(stats.users, 3);
    assert!(stats.messages >= 2);
    assert_eq!(stats.online_users, 1, "amy is connected");
    assert_eq!(stats.connections, 1);
    assert!(stats.database_bytes.is_some_and(|b| b > 0));
    // Every hour of the window is there, and they add up to what was sent in it.
    assert!((48..=50).contains(&stats.messages_per_hour.len()));
    assert!(
        stats
            .messages_per_hour
            .windows(2)
            .all(|w| w[1].at - w[0].at == 3_600_000)
    );
    let sent: u64 = stats.messages_per_hour.iter().map(|p| p.count).sum();
    assert_eq!(
        sent + 1,
        stats.messages,
        "all but the assistant's greeting to root, dated with root's account at 0"
    );
    // The administrator was made by the test harness with a creation time of 0.
    let signed_up: u64 = stats.new_users_per_day.iter().map(|p| p.count).sum();
    assert_eq!(signed_up, 2);
    let most_active = stats.active_users_per_day.iter().map(|p| p.count).max();
    assert_eq!(most_active, Some(1), "only amy sent anything");
    let month: DashboardStats = root
        .call("admin_stats", json!({"hours": 720}))
        .await
        .unwrap();
    assert!((30..=32).contains(&month.new_users_per_day.len()));
    assert_eq!(
        root.call::<Value>("admin_stats", json!({"hours": 721}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("hours", Invalid::OutOfRange))
    );
    assert_eq!(
        amy.call::<Value>("admin_stats", json!({}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // An announcement reaches every user's system chat, live for the connected.
    let text = "Maintenance tonight 今晚维护";
    let done: Announced = root
        .call("admin_announce", json!({"text": text}))
        .await
        .unwrap();
    assert_eq!(done.recipients, 3);
    let announced = MessageBody::System {
        notice: SystemNotice::Announcement {
            text: text.to_owned(),
        },
    };
    loop {
        match socket.next_event().await {
            Some(ServerEvent::Message { message }) if message.sender_id.is_none() => {
                assert_eq!(message.body, announced);
                break;
            }
            Some(_) => {}
            None => panic!("socket closed"),
        }
    }
    let chats: Vec<ConversationSummary> = bob.call("list_conversations", json!({})).await.unwrap();
    let system = chats
        .iter()
        .find(|c| c.kind == ConversationKind::System)
        .expect("bob's system chat");
    assert_eq!(
        system.last_message.as_ref().map(|m| &m.body),
        Some(&announced)
    );
    assert_eq!(system.unread, 1);
    assert_eq!(audit_actions(&root, "announce").await.len(), 1);
    assert_eq!(
        root.call::<Announced>("admin_announce", json!({"text": "  "}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("text", Invalid::Required))
    );
    assert_eq!(
        amy.call::<Announced>("admin_announce", json!({"text": "hi"}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
}
