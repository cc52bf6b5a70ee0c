//! The public group directory: owners list their groups; anyone signed in finds them, the
//! largest first, and may ask to join.

use serde_json::json;
use shared::AppError;
use shared::error::Invalid;
use shared::model::{GroupCard, GroupInfo, GroupRequest};

use crate::harness::{Client, TestServer};

crate::on_both_backends!(owners_list_groups_that_anyone_finds);

async fn directory(c: &Client) -> Vec<GroupCard> {
    c.call("list_group_directory", json!({})).await.unwrap()
}

async fn owners_list_groups_that_anyone_finds(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    alice.befriend(&bob).await;
    let small: GroupInfo = alice
        .call("create_group", json!({"name": "small", "member_ids": []}))
        .await
        .unwrap();
    let big: GroupInfo = alice
        .call(
            "create_group",
            json!({"name": "big", "member_ids": [bob.me().await.unwrap().id]}),
        )
        .await
        .unwrap();
    assert!(!big.listed);
    assert!(
        directory(&carl).await.is_empty(),
        "nothing listed by default"
    );
    // Only the owner lists.
    assert_eq!(
        bob.call::<GroupInfo>(
            "set_group_listed",
            json!({"group_id": big.id, "listed": true})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    for g in [&small, &big] {
        let info: GroupInfo = alice
            .call(
                "set_group_listed",
                json!({"group_id": g.id, "listed": true}),
            )
            .await
            .unwrap();
        assert!(info.listed);
    }
    let found = directory(&carl).await;
    let names: Vec<&str> = found.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["big", "small"], "the largest first");
    assert_eq!(found[0].member_count, 2);
    assert!(!found[0].is_member);
    assert!(directory(&bob).await[0].is_member);
    // A stranger asks to join from there.
    let _: GroupRequest = carl
        .call(
            "request_join_group",
            json!({"group_id": big.id, "note": "found you in the directory"}),
        )
        .await
        .unwrap();
    // Unlisted or dissolved groups leave it.
    let _: GroupInfo = alice
        .call(
            "set_group_listed",
            json!({"group_id": small.id, "listed": false}),
        )
        .await
        .unwrap();
    let _: GroupInfo = alice
        .call("dissolve_group", json!({"group_id": big.id}))
        .await
        .unwrap();
    assert!(directory(&carl).await.is_empty());
    assert_eq!(
        carl.call::<Vec<GroupCard>>("list_group_directory", json!({"offset": 10_001}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("offset", Invalid::OutOfRange))
    );
}
