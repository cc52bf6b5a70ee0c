//! Links that bring people in: add-friend links (reset kills the old one), group invite links
//! (expiry, use counts that hold under a race, revocation, the oldest dropped past twenty) and
//! the name a member goes by in one group.

use serde_json::json;
use shared::AppError;
use shared::error::Invalid;
use shared::model::{
    FriendLink, FriendRequest, GroupInfo, GroupInvite, INVITE_MAX_ACTIVE, InvitePreview, Message,
    MessageBody, Relation, SystemNotice, UserCard,
};

use crate::harness::{Client, TestServer};

crate::on_both_backends!(
    an_add_friend_link_finds_its_owner_until_reset,
    invite_links_let_people_in_within_their_limits,
    the_last_use_of_an_invite_goes_to_one_joiner,
    members_choose_their_name_in_a_group,
);

async fn group(owner: &Client, name: &str) -> GroupInfo {
    owner
        .call("create_group", json!({"name": name, "member_ids": []}))
        .await
        .unwrap()
}

async fn invite(owner: &Client, group: &GroupInfo, body: serde_json::Value) -> GroupInvite {
    let mut body = body;
    body["group_id"] = json!(group.id);
    owner.call("create_group_invite", body).await.unwrap()
}

async fn an_add_friend_link_finds_its_owner_until_reset(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let link: FriendLink = alice.call("get_friend_link", json!({})).await.unwrap();
    assert_eq!(link.code.len(), 12);
    assert!(
        link.url.ends_with(&format!("/add/{}", link.code)),
        "{}",
        link.url
    );
    assert!(
        link.url.starts_with("http://127.0.0.1:"),
        "built on the address the caller reached: {}",
        link.url
    );
    assert!(link.qr_svg.starts_with("<svg") && link.qr_svg.contains("<path"));
    let again: FriendLink = alice.call("get_friend_link", json!({})).await.unwrap();
    assert_eq!(again.code, link.code, "the link is stable until reset");

    // Bob opens it, sees Alice, and asks her.
    let card: UserCard = bob
        .call("open_friend_link", json!({"code": link.code}))
        .await
        .unwrap();
    assert_eq!(card.username, "alice");
    assert_eq!(card.relation, Relation::Stranger);
    let _: FriendRequest = bob
        .call(
            "send_friend_request",
            json!({"user_id": card.id, "note": "scanned your code"}),
        )
        .await
        .unwrap();
    let mine: UserCard = alice
        .call("open_friend_link", json!({"code": link.code}))
        .await
        .unwrap();
    assert_eq!(mine.relation, Relation::Myself);

    // A reset makes the old link lead nowhere.
    let fresh: FriendLink = alice
        .call("get_friend_link", json!({"reset": true}))
        .await
        .unwrap();
    assert_ne!(fresh.code, link.code);
    assert_eq!(
        bob.call::<UserCard>("open_friend_link", json!({"code": link.code}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    for bad in ["", "a/b", "../../etc/passwd", &"x".repeat(65)] {
        assert_eq!(
            bob.call::<UserCard>("open_friend_link", json!({"code": bad}))
                .await
                .unwrap_err(),
            (404, AppError::NotFound),
            "{bad:?}"
        );
    }
    assert_eq!(
        server
            .client()
            .call::<FriendLink>("get_friend_link", json!({}))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
}

async fn invite_links_let_people_in_within_their_limits(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let g = group(&alice, "hikers").await;

    // Only managers make links; the bounds are checked first.
    assert_eq!(
        bob.call::<GroupInvite>("create_group_invite", json!({"group_id": g.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    for (field, body) in [
        (
            "expires_in_hours",
            json!({"group_id": g.id, "expires_in_hours": 0}),
        ),
        (
            "expires_in_hours",
            json!({"group_id": g.id, "expires_in_hours": 721}),
        ),
        ("max_uses", json!({"group_id": g.id, "max_uses": 0})),
        ("max_uses", json!({"group_id": g.id, "max_uses": 10_001})),
    ] {
        assert_eq!(
            alice
                .call::<GroupInvite>("create_group_invite", body)
                .await
                .unwrap_err(),
            (422, AppError::invalid(field, Invalid::OutOfRange))
        );
    }

    let once = invite(&alice, &g, json!({"expires_in_hours": 24, "max_uses": 1})).await;
    assert_eq!(once.max_uses, Some(1));
    assert_eq!(once.uses, 0);
    assert!(once.url.ends_with(&format!("/join/{}", once.code)));
    assert!(once.qr_svg.starts_with("<svg"));
    let day_ms = 24 * 3_600_000;
    assert!((once.expires_at - once.created_at - day_ms).abs() < 1_000);

    // Bob, a stranger to everyone, previews and joins without approval.
    let preview: InvitePreview = bob
        .call("open_group_invite", json!({"code": once.code}))
        .await
        .unwrap();
    assert_eq!(preview.group.name, "hikers");
    assert_eq!(preview.group.member_count, 1);
    assert!(!preview.group.is_member);
    assert_eq!(preview.inviter_name, "alice");
    let joined: GroupInfo = bob
        .call("join_group_by_invite", json!({"code": once.code}))
        .await
        .unwrap();
    let bob_id = bob.me().await.unwrap().id;
    assert!(joined.members.iter().any(|m| m.user_id == bob_id));
    let history: Vec<Message> = bob
        .call(
            "list_messages",
            json!({"conversation_id": g.conversation_id}),
        )
        .await
        .unwrap();
    let alice_id = alice.me().await.unwrap().id;
    assert!(history.iter().any(|m| m.body
        == MessageBody::System {
            notice: SystemNotice::JoinedByLink {
                user: bob_id,
                by: alice_id
            }
        }));
    // A member asking again gets the group without using anything up.
    let _: GroupInfo = bob
        .call("join_group_by_invite", json!({"code": once.code}))
        .await
        .unwrap();
    // The single use is spent: Carl is refused, and the link leaves the list.
    assert_eq!(
        carl.call::<InvitePreview>("open_group_invite", json!({"code": once.code}))
            .await
            .unwrap_err(),
        (410, AppError::LinkExpired)
    );
    assert_eq!(
        carl.call::<GroupInfo>("join_group_by_invite", json!({"code": once.code}))
            .await
            .unwrap_err(),
        (410, AppError::LinkExpired)
    );
    let listed: Vec<GroupInvite> = alice
        .call("list_group_invites", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    // Bob is a plain member: he cannot see or revoke links.
    assert_eq!(
        bob.call::<Vec<GroupInvite>>("list_group_invites", json!({"group_id": g.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // A revoked link lets nobody in; its id is unknown to non-managers.
    let open = invite(&alice, &g, json!({})).await;
    assert_eq!(open.max_uses, None);
    assert_eq!(
        bob.call::<()>("revoke_group_invite", json!({"invite_id": open.id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    let () = alice
        .call("revoke_group_invite", json!({"invite_id": open.id}))
        .await
        .unwrap();
    assert_eq!(
        carl.call::<GroupInfo>("join_group_by_invite", json!({"code": open.code}))
            .await
            .unwrap_err(),
        (410, AppError::LinkExpired)
    );

    // Past twenty live links, the oldest goes.
    let mut made = Vec::new();
    for _ in 0..=INVITE_MAX_ACTIVE {
        made.push(invite(&alice, &g, json!({"expires_in_hours": 1})).await);
    }
    let listed: Vec<GroupInvite> = alice
        .call("list_group_invites", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert_eq!(listed.len(), INVITE_MAX_ACTIVE);
    assert_eq!(listed[0].id, made[INVITE_MAX_ACTIVE].id, "newest first");
    assert!(!listed.iter().any(|i| i.id == made[0].id));
    assert_eq!(
        carl.call::<GroupInfo>("join_group_by_invite", json!({"code": made[0].code}))
            .await
            .unwrap_err(),
        (410, AppError::LinkExpired)
    );
    let last = &made[INVITE_MAX_ACTIVE];
    let _: GroupInfo = carl
        .call("join_group_by_invite", json!({"code": last.code}))
        .await
        .unwrap();

    // A dissolved group's links stop working.
    let _: GroupInfo = alice
        .call("dissolve_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    let dave = server.signed_up("dave").await;
    assert_eq!(
        dave.call::<InvitePreview>("open_group_invite", json!({"code": last.code}))
            .await
            .unwrap_err(),
        (410, AppError::LinkExpired)
    );
    assert_eq!(
        dave.call::<GroupInfo>("join_group_by_invite", json!({"code": last.code}))
            .await
            .unwrap_err(),
        (410, AppError::LinkExpired)
    );
}

async fn the_last_use_of_an_invite_goes_to_one_joiner(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let g = group(&alice, "tiny").await;
    let link = invite(&alice, &g, json!({"max_uses": 1})).await;
    let mut joiners = Vec::new();
    for i in 0..6 {
        joiners.push(server.signed_up(&format!("racer{i}")).await);
    }
    let attempts = joiners.iter().map(|c| {
        let code = link.code.clone();
        async move {
            c.call::<GroupInfo>("join_group_by_invite", json!({"code": code}))
                .await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(*r, (410, AppError::LinkExpired));
    }
    let info: GroupInfo = alice
        .call("get_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    assert_eq!(info.members.len(), 2);
}

async fn members_choose_their_name_in_a_group(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    alice.befriend(&bob).await;
    let bob_id = bob.me().await.unwrap().id;
    let g: GroupInfo = alice
        .call(
            "create_group",
            json!({"name": "team", "member_ids": [bob_id]}),
        )
        .await
        .unwrap();
    let info: GroupInfo = bob
        .call(
            "set_group_nickname",
            json!({"group_id": g.id, "nickname": "  老王 (ops) "}),
        )
        .await
        .unwrap();
    let me = info.members.iter().find(|m| m.user_id == bob_id).unwrap();
    assert_eq!(me.group_nickname, "老王 (ops)");
    assert_eq!(me.shown_name(), "老王 (ops)");
    // Everyone in the group sees it; it is not Bob's nickname anywhere else.
    let seen: GroupInfo = alice
        .call("get_group", json!({"group_id": g.id}))
        .await
        .unwrap();
    let bob_seen = seen.members.iter().find(|m| m.user_id == bob_id).unwrap();
    assert_eq!(bob_seen.shown_name(), "老王 (ops)");
    assert_eq!(bob_seen.nickname, "bob");
    for (nickname, reason) in [
        ("n".repeat(33), Invalid::TooLong),
        ("two\nlines".to_owned(), Invalid::BadCharacters),
    ] {
        assert_eq!(
            bob.call::<GroupInfo>(
                "set_group_nickname",
                json!({"group_id": g.id, "nickname": nickname})
            )
            .await
            .unwrap_err(),
            (422, AppError::invalid("nickname", reason))
        );
    }
    assert_eq!(
        carl.call::<GroupInfo>(
            "set_group_nickname",
            json!({"group_id": g.id, "nickname": "intruder"})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    // Empty clears it.
    let info: GroupInfo = bob
        .call(
            "set_group_nickname",
            json!({"group_id": g.id, "nickname": ""}),
        )
        .await
        .unwrap();
    let me = info.members.iter().find(|m| m.user_id == bob_id).unwrap();
    assert_eq!(me.shown_name(), "bob");
}
