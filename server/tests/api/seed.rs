//! The demo data: accounts, friendships, the two groups and messages, created idempotently.

use serde_json::json;
use shared::model::{ConversationKind, ConversationSummary, Me};

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
    assert_eq!(user.people().await.len(), 6);
    // Every demo account has its chat with the assistant, greeted once.
    let list: Vec<ConversationSummary> = user.call("list_conversations", json!({})).await.unwrap();
    let assistant = list
        .iter()
        .find(|c| c.title == server::repo::assistant::NAME)
        .expect("the assistant's chat");
    assert_eq!((assistant.last_seq, assistant.unread), (1, 0));
    let list: Vec<ConversationSummary> = user.call("list_conversations", json!({})).await.unwrap();
    let groups: Vec<&str> = list
        .iter()
        .filter(|c| c.kind == ConversationKind::Group)
        .map(|c| c.title.as_str())
        .collect();
    assert_eq!(groups.len(), 2);
    assert!(groups.contains(&"谈笑有鸿儒") && groups.contains(&"往来无白丁"));
    let with_admin = list.iter().find(|c| c.title == "管理员").unwrap();
    assert_eq!(
        with_admin.last_seq, 3,
        "the friends-now notice and two messages, seeded once, not twice"
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_admin_never_takes_over_an_account_silently() {
    use server::seed::{AdminCreated, DEMO_PASSWORD, create_admin};
    let server = TestServer::start(crate::harness::Backend::Sqlite)
        .await
        .unwrap();
    let new_password = "a much better secret";
    assert_eq!(
        create_admin(&server.db, "root", new_password, false)
            .await
            .unwrap(),
        AdminCreated::Created
    );
    let err = create_admin(&server.db, "root2", DEMO_PASSWORD, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("demo password"), "{err}");

    // An existing account is refused without --promote-existing, and keeps its rights.
    let eve = server.signed_up("eve").await;
    let err = create_admin(&server.db, "eve", new_password, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--promote-existing"), "{err}");
    let me = eve.me().await.unwrap();
    assert!(!me.rights.iter().any(|r| r == "admin"));
    // With it, the account becomes an administrator and keeps its own password.
    assert_eq!(
        create_admin(&server.db, "eve", new_password, true)
            .await
            .unwrap(),
        AdminCreated::Promoted
    );
    server
        .client()
        .log_in("eve", crate::harness::PASSWORD)
        .await
        .unwrap();

    // An account with the public demo password, in a database that is not a demo: promoted
    // with the given password instead.
    let hash = server::auth::password::hash(DEMO_PASSWORD.into())
        .await
        .unwrap();
    server::repo::users::create(&server.db, "demoish", &hash, "demoish", "user", 0)
        .await
        .unwrap();
    assert_eq!(
        create_admin(&server.db, "demoish", new_password, true)
            .await
            .unwrap(),
        AdminCreated::PromotedWithNewPassword
    );
    assert!(
        server
            .client()
            .log_in("demoish", DEMO_PASSWORD)
            .await
            .is_err()
    );
    let me: Me = serde_json::from_value(
        server
            .client()
            .log_in("demoish", new_password)
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(me.rights.iter().any(|r| r == "admin"));
}
