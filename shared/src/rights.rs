//! The well-known rights and roles, as in the seed system's RBAC model.

/// Right to log in at all.
pub const LOGIN: &str = "login";
/// Right to send messages.
pub const SPEAK: &str = "speak";
/// Right to use the admin console and every `admin_*` function.
pub const ADMIN: &str = "admin";
/// Right to create groups.
pub const CREATE_GROUP: &str = "create_group";
/// Right to send friend requests.
pub const ADD_FRIEND: &str = "add_friend";
/// Right to upload files.
pub const UPLOAD: &str = "upload";
/// Right to create bots.
pub const CREATE_BOT: &str = "create_bot";

/// Every built-in right: `(key, English name, Chinese name)`.
pub const BUILTIN_RIGHTS: &[(&str, &str, &str)] = &[
    (LOGIN, "Log in", "登录"),
    (SPEAK, "Speak", "发言"),
    (ADMIN, "Administer", "管理"),
    (CREATE_GROUP, "Create groups", "创建群组"),
    (ADD_FRIEND, "Add friends", "添加好友"),
    (UPLOAD, "Upload files", "上传文件"),
    (CREATE_BOT, "Create bots", "创建机器人"),
];

/// Role given to administrators: every right.
pub const ROLE_ADMIN: &str = "admin";
/// Role given to every new user.
pub const ROLE_USER: &str = "user";
/// Role of a muted user: can log in, cannot speak.
pub const ROLE_MUTE: &str = "mute";
/// Role of a disabled user: no rights, cannot log in.
pub const ROLE_DISABLED: &str = "disabled";
/// Role of every bot: calls the API with its token and speaks; no friends, no groups of its
/// own, no console.
pub const ROLE_BOT: &str = "bot";

/// Every built-in role: `(key, English name, Chinese name, rights)`.
pub const BUILTIN_ROLES: &[(&str, &str, &str, &[&str])] = &[
    (
        ROLE_ADMIN,
        "Administrator",
        "管理员",
        &[
            LOGIN,
            SPEAK,
            ADMIN,
            CREATE_GROUP,
            ADD_FRIEND,
            UPLOAD,
            CREATE_BOT,
        ],
    ),
    (
        ROLE_USER,
        "User",
        "普通用户",
        &[LOGIN, SPEAK, CREATE_GROUP, ADD_FRIEND, UPLOAD, CREATE_BOT],
    ),
    (ROLE_MUTE, "Muted", "禁言用户", &[LOGIN, ADD_FRIEND]),
    (ROLE_DISABLED, "Disabled", "禁用用户", &[]),
    (ROLE_BOT, "Bot", "机器人", &[LOGIN, SPEAK, UPLOAD]),
];
