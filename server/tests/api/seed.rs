//! The demo data: accounts, friendships, the two groups and messages, created idempotently.

use serde_json::json;
use shared::model::{ConversationKind, ConversationSummary, Friend, Me};

use crate::harness::TestServer;

crate::on_both_backends!(demo_data_is_complete_and_idempotent);

async fn demo_data_is_complete_and_idempotent(server: TestServer) {
    for _ in 0..2 {
        server::seed::seed_demo(&server.db).await.unwrap();
        server::seed::seed_social(&server.db).await.unwrap();
    }
    let user = server.client();
    let me: Me = serde_json::from_value(
        user.log_in("user", server::seed::DEMO_PASSWORD)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(me.roles, vec!["user"]);
    let friends: Vec<Friend> = user.call("list_friends", json!({})).await.unwrap();
    assert_eq!(friends.len(), 6);
    let list: Vec<ConversationSummary> = user.call("list_conversations", json!({})).await.unwrap();
    let groups: Vec<&str> = list
        .iter()
        .filter(|c| c.kind == ConversationKind::Group)
        .map(|c| c.title.as_str())
        .collect();
    assert_eq!(groups.len(), 2);
    assert!(groups.contains(&"谈笑有鸿儒") && groups.contains(&"往来无白丁"));
    let with_admin = list.iter().find(|c| c.title == "管理员").unwrap();
    assert_eq!(with_admin.last_seq, 2, "seeded once, not twice");
    let muted = server.client();
    muted
        .log_in("muteuser", server::seed::DEMO_PASSWORD)
        .await
        .unwrap();
    let disabled = server.client();
    assert!(
        disabled
            .log_in("disabled", server::seed::DEMO_PASSWORD)
            .await
            .is_err()
    );
}
