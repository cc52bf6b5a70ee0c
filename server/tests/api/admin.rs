//! The admin functions: only for the `admin` right.

use serde_json::{Value, json};
use shared::AppError;
use shared::model::{AdminUser, Page, RightInfo, RoleInfo};
use shared::rights::ROLE_ADMIN;

use crate::harness::{PASSWORD, TestServer};

crate::on_both_backends!(
    non_admins_are_forbidden_everywhere,
    admin_lists_users_roles_and_rights
);

const ADMIN_FUNCTIONS: &[&str] = &["admin_list_users", "admin_list_roles", "admin_list_rights"];

async fn non_admins_are_forbidden_everywhere(server: TestServer) {
    let user = server.signed_up("mallory").await;
    let anon = server.client();
    for f in ADMIN_FUNCTIONS {
        assert_eq!(
            user.call::<Value>(f, json!({})).await.unwrap_err(),
            (403, AppError::Forbidden),
            "{f} as a user"
        );
        assert_eq!(
            anon.call::<Value>(f, json!({})).await.unwrap_err(),
            (401, AppError::Unauthenticated),
            "{f} anonymously"
        );
    }
}

async fn admin_lists_users_roles_and_rights(server: TestServer) {
    server.create_user("root", ROLE_ADMIN).await;
    let admin = server.client();
    admin.log_in("root", PASSWORD).await.unwrap();
    for i in 0..25 {
        server.create_user(&format!("member{i:02}"), "user").await;
    }
    server.signed_up("zed_special").await;

    let all: Page<AdminUser> = admin
        .call("admin_list_users", json!({"page": 1, "per_page": 10}))
        .await
        .unwrap();
    assert_eq!(all.total, 28, "25 members, root, zed and the assistant");
    assert_eq!(all.items.len(), 10);
    let last: Page<AdminUser> = admin
        .call("admin_list_users", json!({"page": 3, "per_page": 10}))
        .await
        .unwrap();
    assert_eq!(last.items.len(), 8);

    let found: Page<AdminUser> = admin
        .call("admin_list_users", json!({"query": "ZED_"}))
        .await
        .unwrap();
    assert_eq!(found.total, 1, "case-insensitive, and _ is not a wildcard");
    assert_eq!(found.items[0].username, "zed_special");
    assert_eq!(found.items[0].roles, vec!["user"]);
    assert_eq!(found.items[0].session_count, 1);
    let none: Page<AdminUser> = admin
        .call("admin_list_users", json!({"query": "%"}))
        .await
        .unwrap();
    assert_eq!(none.total, 0, "% is matched literally");

    let roles: Vec<RoleInfo> = admin.call("admin_list_roles", json!({})).await.unwrap();
    let keys: Vec<&str> = roles.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, vec!["admin", "bot", "disabled", "mute", "user"]);
    let user_role = roles.iter().find(|r| r.key == "user").unwrap();
    assert_eq!(user_role.user_count, 26);
    assert_eq!(
        user_role.rights,
        vec![
            "add_friend",
            "create_bot",
            "create_group",
            "login",
            "speak",
            "upload"
        ]
    );
    let bot_role = roles.iter().find(|r| r.key == "bot").unwrap();
    assert_eq!(bot_role.rights, vec!["login", "speak", "upload"]);
    let admin_role = roles.iter().find(|r| r.key == "admin").unwrap();
    assert_eq!(admin_role.rights.len(), 7, "an admin holds every right");
    assert!(
        roles
            .iter()
            .find(|r| r.key == "disabled")
            .unwrap()
            .rights
            .is_empty()
    );

    let rights: Vec<RightInfo> = admin.call("admin_list_rights", json!({})).await.unwrap();
    let speak = rights.iter().find(|r| r.key == "speak").unwrap();
    assert_eq!(speak.roles, vec!["admin", "bot", "user"]);
    assert_eq!(rights.len(), 7);
}
