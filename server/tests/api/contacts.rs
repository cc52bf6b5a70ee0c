//! Finding people, friend requests, friendships, remarks and blocks.

use serde_json::{Value, json};
use shared::AppError;
use shared::model::{Friend, FriendRequest, Me, Relation, RequestStatus, UserCard};

use crate::harness::{Client, TestServer};

crate::on_both_backends!(
    search_finds_users_with_their_relation,
    request_accept_makes_friends_with_a_conversation,
    decline_duplicate_and_self_requests,
    crossed_requests_become_a_friendship,
    remark_remove_and_block,
    adding_friends_needs_the_right,
    accepting_writes_the_friends_now_notice,
    profiles_show_only_related_users,
    friends_sort_by_pinyin,
    blocked_users_are_listed_newest_first,
);

async fn blocked_users_are_listed_newest_first(server: TestServer) {
    let me = server.signed_up("myself").await;
    let bob = server.signed_up("bob").await;
    let carol = server.signed_up("carol").await;
    let (bob_id, carol_id) = (id_of(&bob).await, id_of(&carol).await);
    me.befriend(&bob).await;
    for id in [bob_id, carol_id] {
        let _: () = me.call("block_user", json!({"user_id": id})).await.unwrap();
        // Distinct block times.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let list: Vec<UserCard> = me.call("list_blocked", json!({})).await.unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.username.as_str()).collect();
    assert_eq!(names, ["carol", "bob"], "most recently blocked first");
    assert!(list.iter().all(|c| c.relation == Relation::Blocked));
    let theirs: Vec<UserCard> = bob.call("list_blocked", json!({})).await.unwrap();
    assert!(theirs.is_empty(), "only the caller's own blocks");
    let _: () = me
        .call("unblock_user", json!({"user_id": carol_id}))
        .await
        .unwrap();
    let list: Vec<UserCard> = me.call("list_blocked", json!({})).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].username, "bob");
    assert!(
        me.people().await.is_empty(),
        "blocking ended the friendship"
    );
    assert_eq!(
        server
            .client()
            .call::<Value>("list_blocked", json!({}))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
}

async fn accepting_writes_the_friends_now_notice(server: TestServer) {
    use shared::event::ServerEvent;
    use shared::model::{Message, MessageBody, SystemNotice};
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let (alice_id, bob_id) = (id_of(&alice).await, id_of(&bob).await);
    let mut alice_ws = alice.ws().await;
    let sent = request(&alice, bob_id, "hi").await.unwrap();
    let _: FriendRequest = bob
        .call(
            "respond_friend_request",
            json!({"request_id": sent.id, "accept": true}),
        )
        .await
        .unwrap();
    let friends: Vec<Friend> = alice.call("list_friends", json!({})).await.unwrap();
    let conversation = friends[0].conversation_id;
    let expected = MessageBody::System {
        notice: SystemNotice::FriendAdded {
            user: shared::ids::UserId(alice_id),
            by: shared::ids::UserId(bob_id),
        },
    };
    for reader in [&alice, &bob] {
        let history: Vec<Message> = reader
            .call("list_messages", json!({"conversation_id": conversation}))
            .await
            .unwrap();
        assert_eq!(history.len(), 1, "the notice opens the chat");
        assert_eq!(history[0].seq, 1);
        assert_eq!(history[0].sender_id, None);
        assert_eq!(history[0].body, expected);
    }
    // The requester's open app receives it as it is committed.
    loop {
        match alice_ws.next_event().await {
            Some(ServerEvent::Message { message }) => {
                assert_eq!(message.body, expected);
                assert_eq!(message.conversation_id, conversation);
                break;
            }
            Some(_) => {}
            None => panic!("the socket closed"),
        }
    }
    // A declined request writes nothing anywhere.
    let carol = server.signed_up("carol").await;
    let declined = request(&carol, alice_id, "").await.unwrap();
    let _: FriendRequest = alice
        .call(
            "respond_friend_request",
            json!({"request_id": declined.id, "accept": false}),
        )
        .await
        .unwrap();
    assert!(
        carol.chats().await.is_empty(),
        "no conversation for a declined request"
    );
}

async fn profiles_show_only_related_users(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carol = server.signed_up("carol").await;
    let dave = server.signed_up("dave").await;
    let (bob_id, carol_id, dave_id) = (id_of(&bob).await, id_of(&carol).await, id_of(&dave).await);
    let get = |c: &Client, id: i64| {
        let c = c.clone();
        async move { c.call::<UserCard>("get_user", json!({"user_id": id})).await }
    };
    // Strangers are not found, whether or not the id exists.
    assert_eq!(
        get(&bob, carol_id).await.unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        get(&bob, 999_999).await.unwrap_err(),
        (404, AppError::NotFound)
    );
    // Members of one group chat see each other's cards.
    alice.befriend(&bob).await;
    alice.befriend(&carol).await;
    let _: Value = alice
        .call(
            "create_group",
            json!({"name": "g", "member_ids": [bob_id, carol_id]}),
        )
        .await
        .unwrap();
    let card = get(&bob, carol_id).await.unwrap();
    assert_eq!(card.username, "carol");
    assert_eq!(card.relation, Relation::Stranger);
    assert_eq!(
        get(&bob, dave_id).await.unwrap_err(),
        (404, AppError::NotFound)
    );
    // A pending request shows the requester to its target.
    request(&dave, bob_id, "").await.unwrap();
    assert_eq!(
        get(&bob, dave_id).await.unwrap().relation,
        Relation::RequestReceived
    );
    assert_eq!(get(&bob, bob_id).await.unwrap().relation, Relation::Myself);
    let anon = server.client();
    assert_eq!(
        get(&anon, bob_id).await.unwrap_err(),
        (401, AppError::Unauthenticated)
    );
}

async fn friends_sort_by_pinyin(server: TestServer) {
    let me = server.signed_up("myself").await;
    for (username, nickname) in [
        ("zhang", "张三"),
        ("bob", "bob"),
        ("anna", "安娜"),
        ("lisi", "李四"),
    ] {
        let friend = server.signed_up(username).await;
        let _: Me = friend
            .call(
                "update_profile",
                json!({"nickname": nickname, "signature": ""}),
            )
            .await
            .unwrap();
        me.befriend(&friend).await;
    }
    let friends: Vec<Friend> = me.call("list_friends", json!({})).await.unwrap();
    let names: Vec<&str> = friends.iter().map(|f| f.nickname.as_str()).collect();
    // The assistant every account has sorts among them by its name.
    assert_eq!(names, ["安娜", "bob", "李四", "Parley Assistant", "张三"]);
    let friends = me.people().await;
    assert_eq!(friends[3].sort_key, "zhang san ");
    // A remark is what the list is sorted by.
    let zhang = friends[3].user_id;
    let _: Friend = me
        .call("set_remark", json!({"user_id": zhang, "remark": "阿张"}))
        .await
        .unwrap();
    let friends: Vec<Friend> = me.call("list_friends", json!({})).await.unwrap();
    assert_eq!(friends[0].remark, "阿张");
    assert_eq!(friends[0].sort_key, "a zhang ");
}

async fn id_of(c: &Client) -> i64 {
    c.me().await.unwrap().id.0
}

async fn request(c: &Client, to: i64, note: &str) -> Result<FriendRequest, (u16, AppError)> {
    c.call("send_friend_request", json!({"user_id": to, "note": note}))
        .await
}

async fn befriend(a: &Client, b: &Client) -> i64 {
    let req = request(a, id_of(b).await, "hi").await.unwrap();
    let _: FriendRequest = b
        .call(
            "respond_friend_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
    let friends: Vec<Friend> = a.call("list_friends", json!({})).await.unwrap();
    friends[0].conversation_id.0
}

async fn search_finds_users_with_their_relation(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let _: Me = alice
        .call(
            "update_profile",
            json!({"nickname": "爱丽丝", "signature": ""}),
        )
        .await
        .unwrap();
    let bob = server.signed_up("bob").await;
    let found: Vec<UserCard> = bob
        .call("search_users", json!({"query": "爱丽"}))
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "nicknames match, Chinese too");
    assert_eq!(found[0].username, "alice");
    assert_eq!(found[0].relation, Relation::Stranger);
    let found: Vec<UserCard> = bob
        .call("search_users", json!({"query": "B"}))
        .await
        .unwrap();
    assert_eq!(found[0].relation, Relation::Myself);
    let err = bob
        .call::<Value>("search_users", json!({"query": "  "}))
        .await
        .unwrap_err();
    assert_eq!(err.0, 422);
    let anon = server
        .client()
        .call::<Value>("search_users", json!({"query": "a"}))
        .await
        .unwrap_err();
    assert_eq!(anon, (401, AppError::Unauthenticated));
}

async fn request_accept_makes_friends_with_a_conversation(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let bob_id = id_of(&bob).await;
    let sent = request(&alice, bob_id, "我是爱丽丝").await.unwrap();
    assert_eq!(sent.status, RequestStatus::Pending);
    assert_eq!(sent.note, "我是爱丽丝");
    assert_eq!(sent.from.username, "alice");

    let incoming: Vec<FriendRequest> = bob.call("list_friend_requests", json!({})).await.unwrap();
    assert_eq!(incoming.len(), 1);
    assert_eq!(incoming[0].from.relation, Relation::RequestReceived);

    // Only the target may answer.
    let err = alice
        .call::<FriendRequest>(
            "respond_friend_request",
            json!({"request_id": sent.id, "accept": true}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (404, AppError::NotFound));

    let accepted: FriendRequest = bob
        .call(
            "respond_friend_request",
            json!({"request_id": sent.id, "accept": true}),
        )
        .await
        .unwrap();
    assert_eq!(accepted.status, RequestStatus::Accepted);
    let a_friends = alice.people().await;
    let b_friends = bob.people().await;
    assert_eq!(a_friends.len(), 1);
    assert_eq!(a_friends[0].username, "bob");
    assert_eq!(b_friends[0].username, "alice");
    assert_eq!(a_friends[0].conversation_id, b_friends[0].conversation_id);
    // Answering twice is refused.
    let err = bob
        .call::<FriendRequest>(
            "respond_friend_request",
            json!({"request_id": sent.id, "accept": false}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (404, AppError::NotFound));
    assert_eq!(
        request(&alice, bob_id, "again").await.unwrap_err(),
        (409, AppError::AlreadyFriends)
    );
}

async fn decline_duplicate_and_self_requests(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let bob_id = id_of(&bob).await;
    assert_eq!(
        request(&alice, id_of(&alice).await, "me")
            .await
            .unwrap_err(),
        (422, AppError::CannotAddSelf)
    );
    assert_eq!(
        request(&alice, 999_999, "ghost").await.unwrap_err(),
        (404, AppError::NotFound)
    );
    let sent = request(&alice, bob_id, "").await.unwrap();
    assert_eq!(
        request(&alice, bob_id, "again").await.unwrap_err(),
        (409, AppError::RequestPending)
    );
    let declined: FriendRequest = bob
        .call(
            "respond_friend_request",
            json!({"request_id": sent.id, "accept": false}),
        )
        .await
        .unwrap();
    assert_eq!(declined.status, RequestStatus::Declined);
    assert!(alice.people().await.is_empty());
    // After a decline one may ask again.
    request(&alice, bob_id, "please").await.unwrap();
    let long_note = "字".repeat(101);
    assert_eq!(
        request(&bob, id_of(&alice).await, &long_note)
            .await
            .unwrap_err()
            .0,
        422
    );
}

async fn crossed_requests_become_a_friendship(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    request(&alice, id_of(&bob).await, "hi bob").await.unwrap();
    let answer = request(&bob, id_of(&alice).await, "hi alice")
        .await
        .unwrap();
    assert_eq!(
        answer.status,
        RequestStatus::Accepted,
        "bob's request accepts alice's"
    );
    assert_eq!(bob.people().await.len(), 1);
}

async fn remark_remove_and_block(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let bob_id = id_of(&bob).await;
    let conversation = befriend(&alice, &bob).await;

    let f: Friend = alice
        .call("set_remark", json!({"user_id": bob_id, "remark": "老鲍"}))
        .await
        .unwrap();
    assert_eq!(f.display_name(), "老鲍");
    assert_eq!(
        alice
            .call::<Friend>("set_remark", json!({"user_id": 999_999, "remark": "x"}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );

    alice
        .call::<()>("remove_friend", json!({"user_id": bob_id}))
        .await
        .unwrap();
    assert!(bob.people().await.is_empty(), "removed on both sides");
    // The old conversation is kept but closed.
    let err = bob
        .call::<Value>(
            "send_message",
            json!({"conversation_id": conversation, "client_msg_id": "c1", "body": {"type": "text", "text": "hello?"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (403, AppError::Forbidden));

    // Re-friending reuses the same conversation.
    assert_eq!(befriend(&alice, &bob).await, conversation);

    bob.call::<()>("block_user", json!({"user_id": id_of(&alice).await}))
        .await
        .unwrap();
    assert!(
        alice.people().await.is_empty(),
        "blocking ends the friendship"
    );
    assert_eq!(
        request(&alice, bob_id, "let me in").await.unwrap_err(),
        (403, AppError::Blocked)
    );
    assert_eq!(
        request(&bob, id_of(&alice).await, "hm").await.unwrap_err(),
        (403, AppError::Blocked)
    );
    let found: Vec<UserCard> = bob
        .call("search_users", json!({"query": "alice"}))
        .await
        .unwrap();
    assert_eq!(found[0].relation, Relation::Blocked);
    bob.call::<()>("unblock_user", json!({"user_id": id_of(&alice).await}))
        .await
        .unwrap();
    request(&alice, bob_id, "friends again?").await.unwrap();
}

async fn adding_friends_needs_the_right(server: TestServer) {
    let bob = server.signed_up("bob").await;
    let carol = server.signed_up("carol").await;
    let carol_id = shared::ids::UserId(id_of(&carol).await);
    // `mute` keeps add_friend: muted users may still manage their contacts.
    server::api::admin::set_only_role(&server.state, carol_id, "mute")
        .await
        .unwrap();
    request(&carol, id_of(&bob).await, "hi").await.unwrap();
    // A role with `login` alone cannot.
    server::repo::rbac::create_role(&server.db, "reader", "Reader", &["login"], 0)
        .await
        .unwrap();
    let dave = server.signed_up("dave").await;
    let dave_id = shared::ids::UserId(id_of(&dave).await);
    server::api::admin::set_only_role(&server.state, dave_id, "reader")
        .await
        .unwrap();
    assert_eq!(
        request(&dave, id_of(&bob).await, "hi").await.unwrap_err(),
        (403, AppError::Forbidden)
    );
}
