//! Group chats: creation from friends, membership checks, join requests, moderation and the
//! system notices every change writes.

use serde_json::{Value, json};
use shared::AppError;
use shared::event::ServerEvent;
use shared::model::{
    ConversationSummary, FriendRequest, GroupCard, GroupInfo, GroupRequest, GroupRole, Message,
    MessageBody, RequestStatus, SystemNotice,
};

use crate::harness::{Client, TestServer};

crate::on_both_backends!(
    a_group_of_friends_chats_and_sees_notices,
    only_members_read_and_write,
    join_requests_are_approved_or_declined_by_managers,
    owner_and_admins_moderate,
    transfer_dissolve_and_leave,
    racing_transfers_leave_one_owner_and_one_notice,
);

pub(crate) async fn id(c: &Client) -> i64 {
    c.me().await.unwrap().id.0
}

pub(crate) async fn befriend(a: &Client, b: &Client) {
    let req: FriendRequest = a
        .call(
            "send_friend_request",
            json!({"user_id": id(b).await, "note": ""}),
        )
        .await
        .unwrap();
    let _: FriendRequest = b
        .call(
            "respond_friend_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
}

/// Owner `o` with friends `a` and `b`, and a group of the three.
async fn group_of_three(server: &TestServer) -> (Client, Client, Client, GroupInfo) {
    let o = server.signed_up("owner").await;
    let a = server.signed_up("anna").await;
    let b = server.signed_up("ben").await;
    befriend(&o, &a).await;
    befriend(&o, &b).await;
    let g: GroupInfo = o
        .call(
            "create_group",
            json!({"name": "谈笑有鸿儒", "introduction": "鸿儒谈笑之地", "member_ids": [id(&a).await, id(&b).await]}),
        )
        .await
        .unwrap();
    (o, a, b, g)
}

pub(crate) async fn say(
    c: &Client,
    conv: i64,
    cid: &str,
    text: &str,
) -> Result<Message, (u16, AppError)> {
    c.call(
        "send_message",
        json!({"conversation_id": conv, "client_msg_id": cid, "body": {"type": "text", "text": text}}),
    )
    .await
}

async fn history(c: &Client, conv: i64) -> Vec<Message> {
    c.call(
        "list_messages",
        json!({"conversation_id": conv, "before_seq": null}),
    )
    .await
    .unwrap()
}

fn notice(m: &Message) -> &SystemNotice {
    match &m.body {
        MessageBody::System { notice } => notice,
        other => panic!("expected a notice, got {other:?}"),
    }
}

async fn a_group_of_friends_chats_and_sees_notices(server: TestServer) {
    let (o, a, b, g) = group_of_three(&server).await;
    assert_eq!(g.name, "谈笑有鸿儒");
    assert_eq!(g.introduction, "鸿儒谈笑之地");
    assert_eq!(g.members.len(), 3);
    assert_eq!(g.members[0].role, GroupRole::Owner);
    let conv = g.conversation_id.0;

    let mut b_ws = b.ws().await;
    say(&a, conv, "a1", "大家好").await.unwrap();
    match b_ws.next_event().await {
        Some(ServerEvent::Message { message }) => assert_eq!(message.seq, 2),
        other => panic!("{other:?}"),
    }
    let h = history(&o, conv).await;
    assert!(
        matches!(notice(&h[0]), SystemNotice::GroupCreated { name, .. } if name == "谈笑有鸿儒")
    );
    assert_eq!(h[0].sender_id, None);
    let list: Vec<ConversationSummary> = b.call("list_conversations", json!({})).await.unwrap();
    let row = list.iter().find(|c| c.id.0 == conv).unwrap();
    assert_eq!(row.title, "谈笑有鸿儒");
    assert_eq!(row.unread, 2, "the creation notice and anna's message");

    // Only friends can be added, and creating needs the right.
    let stranger = server.signed_up("stranger").await;
    let err = o
        .call::<GroupInfo>(
            "create_group",
            json!({"name": "x", "member_ids": [id(&stranger).await]}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (404, AppError::NotFound));
    let err = o
        .call::<GroupInfo>("create_group", json!({"name": "  ", "member_ids": []}))
        .await
        .unwrap_err();
    assert_eq!(err.0, 422);
    server::api::admin::set_only_role(&server.state, shared::ids::UserId(id(&a).await), "mute")
        .await
        .unwrap();
    let err = a
        .call::<GroupInfo>("create_group", json!({"name": "mine", "member_ids": []}))
        .await
        .unwrap_err();
    assert_eq!(err, (403, AppError::Forbidden));
    // Clients cannot forge notices.
    let err = o
        .call::<Message>(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "n1", "body": {"type": "system", "notice": {"kind": "dissolved", "by": 1}}}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.0, 422);
}

async fn only_members_read_and_write(server: TestServer) {
    let (_o, _a, _b, g) = group_of_three(&server).await;
    let eve = server.signed_up("eve").await;
    let conv = g.conversation_id.0;
    assert_eq!(
        eve.call::<GroupInfo>("get_group", json!({"group_id": g.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        say(&eve, conv, "e1", "hi").await.unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        eve.call::<Vec<Message>>(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": null})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        eve.call::<Value>("list_group_requests", json!({"group_id": g.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let found: Vec<GroupCard> = eve
        .call("search_groups", json!({"query": "鸿儒"}))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(!found[0].is_member);
    assert_eq!(found[0].member_count, 3);
}

async fn join_requests_are_approved_or_declined_by_managers(server: TestServer) {
    let (o, a, _b, g) = group_of_three(&server).await;
    let carl = server.signed_up("carl").await;
    let dora = server.signed_up("dora").await;
    let mut o_ws = o.ws().await;
    let req: GroupRequest = carl
        .call(
            "request_join_group",
            json!({"group_id": g.id, "note": "我想加入"}),
        )
        .await
        .unwrap();
    assert_eq!(req.status, RequestStatus::Pending);
    assert_eq!(
        o_ws.next_event().await,
        Some(ServerEvent::GroupChanged { group_id: g.id })
    );
    assert_eq!(
        carl.call::<GroupRequest>("request_join_group", json!({"group_id": g.id, "note": ""}))
            .await
            .unwrap_err(),
        (409, AppError::RequestPending)
    );
    assert_eq!(
        a.call::<GroupRequest>("request_join_group", json!({"group_id": g.id, "note": ""}))
            .await
            .unwrap_err(),
        (409, AppError::AlreadyMember)
    );
    // A plain member cannot answer.
    assert_eq!(
        a.call::<GroupRequest>(
            "respond_group_request",
            json!({"request_id": req.id, "accept": true})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let listed: Vec<GroupRequest> = o
        .call("list_group_requests", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert_eq!(listed[0].nickname, "carl");
    assert_eq!(listed[0].note, "我想加入");
    // The owner's inbox of pending requests across groups; a plain member's is empty.
    let inbox: Vec<GroupRequest> = o
        .call("list_pending_group_requests", json!({}))
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].id, req.id);
    assert_eq!(inbox[0].group_name, g.name);
    let none: Vec<GroupRequest> = a
        .call("list_pending_group_requests", json!({}))
        .await
        .unwrap();
    assert!(none.is_empty());
    let done: GroupRequest = o
        .call(
            "respond_group_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
    assert_eq!(done.status, RequestStatus::Accepted);
    say(&carl, g.conversation_id.0, "c1", "谢谢").await.unwrap();
    let inbox: Vec<GroupRequest> = o
        .call("list_pending_group_requests", json!({}))
        .await
        .unwrap();
    assert!(inbox.is_empty(), "answered requests leave the inbox");

    let req: GroupRequest = dora
        .call("request_join_group", json!({"group_id": g.id, "note": ""}))
        .await
        .unwrap();
    let done: GroupRequest = o
        .call(
            "respond_group_request",
            json!({"request_id": req.id, "accept": false}),
        )
        .await
        .unwrap();
    assert_eq!(done.status, RequestStatus::Declined);
    assert_eq!(
        say(&dora, g.conversation_id.0, "d1", "?")
            .await
            .unwrap_err()
            .0,
        403
    );
    let info: GroupInfo = o
        .call("get_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert_eq!(info.members.len(), 4);
    let h = history(&o, g.conversation_id.0).await;
    assert!(h.iter().any(|m| matches!(&m.body, MessageBody::System { notice: SystemNotice::MembersJoined { users, .. } } if users.len() == 1)));
}

async fn owner_and_admins_moderate(server: TestServer) {
    let (o, a, b, g) = group_of_three(&server).await;
    let conv = g.conversation_id.0;
    let (a_id, b_id) = (id(&a).await, id(&b).await);
    // Members cannot moderate.
    assert_eq!(
        b.call::<GroupInfo>(
            "mute_group_member",
            json!({"group_id": g.id, "user_id": a_id, "minutes": 10})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let info: GroupInfo = o
        .call(
            "set_group_admin",
            json!({"group_id": g.id, "user_id": a_id, "admin": true}),
        )
        .await
        .unwrap();
    assert_eq!(
        info.members
            .iter()
            .find(|m| m.user_id.0 == a_id)
            .unwrap()
            .role,
        GroupRole::Admin
    );

    // The admin mutes ben for ten minutes: ben cannot speak, with the end time in the error.
    let info: GroupInfo = a
        .call(
            "mute_group_member",
            json!({"group_id": g.id, "user_id": b_id, "minutes": 10}),
        )
        .await
        .unwrap();
    let until = info
        .members
        .iter()
        .find(|m| m.user_id.0 == b_id)
        .unwrap()
        .muted_until
        .unwrap();
    assert_eq!(
        say(&b, conv, "b1", "hey").await.unwrap_err(),
        (403, AppError::Muted { until: Some(until) })
    );
    let _: GroupInfo = a
        .call(
            "mute_group_member",
            json!({"group_id": g.id, "user_id": b_id, "minutes": 0}),
        )
        .await
        .unwrap();
    say(&b, conv, "b2", "free again").await.unwrap();
    // An admin cannot touch the owner.
    assert_eq!(
        a.call::<GroupInfo>(
            "remove_group_member",
            json!({"group_id": g.id, "user_id": id(&o).await})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        a.call::<GroupInfo>(
            "mute_group_member",
            json!({"group_id": g.id, "user_id": b_id, "minutes": 43201})
        )
        .await
        .unwrap_err()
        .0,
        422
    );

    // The whole group muted: members are silent, managers are not.
    let _: GroupInfo = o
        .call("set_group_muted", json!({"group_id": g.id, "muted": true}))
        .await
        .unwrap();
    assert_eq!(
        say(&b, conv, "b3", "...").await.unwrap_err(),
        (403, AppError::Muted { until: None })
    );
    say(&a, conv, "a1", "admins may speak").await.unwrap();
    let _: GroupInfo = o
        .call("set_group_muted", json!({"group_id": g.id, "muted": false}))
        .await
        .unwrap();

    let info: GroupInfo = a
        .call(
            "update_group",
            json!({"group_id": g.id, "name": "往来无白丁", "introduction": "读书会", "notice": "周五见"}),
        )
        .await
        .unwrap();
    assert_eq!(
        (info.name.as_str(), info.notice.as_str()),
        ("往来无白丁", "周五见")
    );

    let mut b_ws = b.ws().await;
    let info: GroupInfo = a
        .call(
            "remove_group_member",
            json!({"group_id": g.id, "user_id": b_id}),
        )
        .await
        .unwrap();
    assert_eq!(info.members.len(), 2);
    // The removed member is told the group changed (the notice is for those who remain).
    assert_eq!(
        b_ws.next_event().await,
        Some(ServerEvent::GroupChanged { group_id: g.id })
    );
    assert_eq!(
        say(&b, conv, "b4", "still here?").await.unwrap_err(),
        (403, AppError::Forbidden)
    );

    let kinds: Vec<String> = history(&o, conv)
        .await
        .iter()
        .filter_map(|m| match &m.body {
            MessageBody::System { notice } => Some(
                serde_json::to_value(notice).unwrap()["kind"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            ),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "group_created",
            "admin_changed",
            "member_muted",
            "member_muted",
            "group_muted",
            "group_muted",
            "info_changed",
            "member_removed"
        ]
    );
}

async fn transfer_dissolve_and_leave(server: TestServer) {
    let (o, a, b, g) = group_of_three(&server).await;
    let conv = g.conversation_id.0;
    assert_eq!(
        o.call::<()>("leave_group", json!({"group_id": g.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden),
        "the owner must hand over or dissolve first"
    );
    b.call::<()>("leave_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert_eq!(say(&b, conv, "b1", "bye").await.unwrap_err().0, 403);
    let info: GroupInfo = o
        .call(
            "transfer_group",
            json!({"group_id": g.id, "user_id": id(&a).await}),
        )
        .await
        .unwrap();
    assert_eq!(info.owner_id.0, id(&a).await);
    assert_eq!(
        info.members
            .iter()
            .find(|m| m.user_id == info.owner_id)
            .unwrap()
            .role,
        GroupRole::Owner
    );
    assert_eq!(
        o.call::<GroupInfo>("dissolve_group", json!({"group_id": g.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden),
        "no longer the owner"
    );
    let info: GroupInfo = a
        .call("dissolve_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert!(info.dissolved);
    assert_eq!(
        say(&a, conv, "a1", "anyone?").await.unwrap_err(),
        (403, AppError::Muted { until: None })
    );
    assert!(
        !history(&o, conv).await.is_empty(),
        "history stays readable"
    );
    let found: Vec<GroupCard> = o
        .call("search_groups", json!({"query": "鸿儒"}))
        .await
        .unwrap();
    assert!(found.is_empty(), "dissolved groups are not found");
    a.call::<()>("leave_group", json!({"group_id": g.id}))
        .await
        .unwrap();
}

async fn racing_transfers_leave_one_owner_and_one_notice(server: TestServer) {
    for round in 0..5 {
        let o = server.signed_up(&format!("racer{round}")).await;
        let a = server.signed_up(&format!("anna{round}")).await;
        let b = server.signed_up(&format!("ben{round}")).await;
        befriend(&o, &a).await;
        befriend(&o, &b).await;
        let (a_id, b_id) = (id(&a).await, id(&b).await);
        let g: GroupInfo = o
            .call(
                "create_group",
                json!({"name": "race", "member_ids": [a_id, b_id]}),
            )
            .await
            .unwrap();
        // The same owner hands the group to two people at once (two devices).
        let o2 = o.clone();
        let (first, second) = tokio::join!(
            o.call::<GroupInfo>("transfer_group", json!({"group_id": g.id, "user_id": a_id})),
            o2.call::<GroupInfo>("transfer_group", json!({"group_id": g.id, "user_id": b_id})),
        );
        let won = [&first, &second].iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {first:?} / {second:?}");
        let lost = [first, second].into_iter().find_map(Result::err).unwrap();
        assert_eq!(lost, (403, AppError::Forbidden));
        let now: GroupInfo = a
            .call("get_group", json!({"group_id": g.id}))
            .await
            .unwrap();
        let owners: Vec<_> = now
            .members
            .iter()
            .filter(|m| m.role == GroupRole::Owner)
            .map(|m| m.user_id.0)
            .collect();
        assert_eq!(owners, vec![now.owner_id.0], "round {round}");
        assert!(owners[0] == a_id || owners[0] == b_id);
        let notices = history(&a, g.conversation_id.0)
            .await
            .into_iter()
            .filter(|m| {
                matches!(
                    m.body,
                    MessageBody::System {
                        notice: SystemNotice::OwnerChanged { .. }
                    }
                )
            })
            .count();
        assert_eq!(notices, 1, "round {round}: one transfer, one notice");
    }
}
