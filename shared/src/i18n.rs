//! The UI text catalogue, Chinese (default) and English, and the translation of error codes.
//!
//! Every user-visible string of both apps is a [`Key`]; both languages are written side by side
//! in one table so a text cannot exist in one language only.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Invalid};
use crate::ids::UserId;
use crate::model::SystemNotice;

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "parley_lang";

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag (`zh-CN`, `en`), for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The short code stored in the language cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The other language (for a toggle).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Reads the language from a `Cookie` header value (or `document.cookie`); Chinese when absent.
    pub fn from_cookies(cookies: &str) -> Lang {
        cookies
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .map(|(_, v)| if v == "en" { Lang::En } else { Lang::Zh })
            .unwrap_or_default()
    }

    /// Translates `key` into this language.
    pub fn t(self, key: Key) -> &'static str {
        key.text(self)
    }
}

macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// The name of one UI text; see the table in this module's source for its wording.
        #[allow(missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            /// The text in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Key::$key, Lang::Zh) => $zh, (Key::$key, Lang::En) => $en,)*
                }
            }

            /// Every key, for completeness tests.
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }
    };
}

catalogue! {
    AppName => "Parley", "Parley";
    AdminConsole => "Parley 管理后台", "Parley Admin";
    LanguageToggle => "English", "中文";
    // accounts
    Username => "用户名", "Username";
    Password => "密码", "Password";
    ConfirmPassword => "确认密码", "Confirm password";
    LogIn => "登录", "Log in";
    LoggingIn => "正在登录…", "Logging in…";
    SignUp => "注册", "Sign up";
    SigningUp => "正在注册…", "Signing up…";
    LogOut => "退出登录", "Log out";
    NoAccountYet => "还没有账号？", "No account yet?";
    HaveAccount => "已有账号？", "Already have an account?";
    PasswordsDiffer => "两次输入的密码不一致", "The passwords do not match";
    UsernameHint => "3–32 位小写字母、数字、_ . -", "3–32 lower-case letters, digits, _ . -";
    PasswordHint => "至少 8 位，不要使用常见密码", "At least 8 characters, not a common password";
    // tabs
    Tabs => "标签栏", "Tabs";
    MainNavigation => "主导航", "Main navigation";
    PageNotFound => "页面不存在", "Page not found";
    Pagination => "分页", "Pagination";
    TabChats => "微信", "Chats";
    TabContacts => "通讯录", "Contacts";
    TabDiscover => "发现", "Discover";
    TabMe => "我", "Me";
    Unread => "条未读", "unread";
    NoChatsYet => "还没有聊天", "No chats yet";
    NoChatsHint => "添加好友或加入群聊后，对话会显示在这里。", "Conversations appear here once you add friends or join groups.";
    NoContactsYet => "还没有联系人", "No contacts yet";
    NoContactsHint => "好友和群组功能即将开放。", "Friends and groups are on their way.";
    GroupDirectory => "群聊广场", "Group directory";
    GroupDirectoryEmpty => "还没有公开的群聊", "No group is listed yet";
    GroupDirectoryHint => "群主可以在群资料中将群聊公开到这里。", "A group's owner can list it here from the group's page.";
    ListInDirectory => "在群聊广场公开", "List in the group directory";
    MoreGroups => "更多群聊", "More groups";
    MyQrCode => "我的二维码", "My QR code";
    MyQrHint => "用手机相机扫一扫上面的二维码，加我为好友", "Scan this code with a phone camera to add me as a friend";
    CopyLink => "复制链接", "Copy link";
    LinkCopied => "链接已复制", "Link copied";
    ShareLink => "分享", "Share";
    ResetQrCode => "重置二维码", "Reset QR code";
    ConfirmResetQrCode => "重置后，之前的二维码和链接将失效。", "The current QR code and link will stop working.";
    QrCodeAlt => "二维码", "QR code";
    OpeningLink => "正在打开链接…", "Opening link…";
    InviteLinks => "群二维码与邀请链接", "QR code & invite links";
    InviteLinksHint => "扫码或打开链接的人无需审核即可入群。", "Whoever scans the code or opens the link joins without approval.";
    NewInviteLink => "生成邀请链接", "Create invite link";
    InviteValidFor => "有效期", "Valid for";
    ValidOneDay => "1 天", "1 day";
    ValidSevenDays => "7 天", "7 days";
    ValidThirtyDays => "30 天", "30 days";
    InviteMaxUses => "可用次数", "Uses allowed";
    UsesUnlimited => "不限", "No limit";
    InviteUsedCount => "已使用 {uses} 次", "Used {uses} times";
    InviteUsedOf => "已使用 {uses}/{max} 次", "Used {uses} of {max} times";
    InviteValidUntil => "{time} 前有效", "Valid until {time}";
    RevokeLink => "撤销链接", "Revoke link";
    ConfirmRevokeLink => "撤销后该链接和二维码将立即失效。", "The link and its QR code stop working at once.";
    NoInviteLinks => "还没有有效的邀请链接", "No live invite links";
    InvitedYouBy => "{name} 邀请你加入群聊", "{name} invited you to this group";
    JoinGroup => "加入群聊", "Join group";
    MyGroupNickname => "我在本群的昵称", "My alias in this group";
    GroupNicknameHint => "只在本群显示，留空则显示你的昵称。", "Shown only in this group; leave it empty to use your nickname.";
    NotSet => "未设置", "Not set";
    // me
    Profile => "个人信息", "Profile";
    Nickname => "昵称", "Nickname";
    Signature => "个性签名", "Signature";
    NoSignature => "未设置个性签名", "No signature yet";
    Save => "保存", "Save";
    Saving => "正在保存…", "Saving…";
    Saved => "已保存", "Saved";
    Cancel => "取消", "Cancel";
    Edit => "编辑", "Edit";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    PasswordChanged => "密码已修改，其他设备已退出登录", "Password changed; other devices were logged out";
    Devices => "登录设备", "Logged-in devices";
    ThisDevice => "本机", "This device";
    LastActive => "最近活跃", "Last active";
    LoggedInAt => "登录于", "Logged in";
    Revoke => "下线", "Sign out";
    Language => "语言", "Language";
    Settings => "设置", "Settings";
    Loading => "加载中…", "Loading…";
    Retry => "重试", "Retry";
    Yesterday => "昨天", "Yesterday";
    Draft => "[草稿]", "[Draft]";
    ConversationActions => "聊天操作", "Chat actions";
    NotificationsHeading => "新消息通知", "New message notifications";
    Online => "在线", "Online";
    LastSeen => "最近在线 {time}", "Last seen {time}";
    PresenceHeading => "谁可以看到我的在线状态", "Who can see when I'm online";
    PresenceEveryone => "所有人", "Everyone";
    PresenceFriends => "仅朋友", "Friends only";
    PresenceNobody => "不允许任何人", "Nobody";
    SearchContacts => "联系人", "Contacts";
    SearchGroups => "群聊", "Group chats";
    SearchMessages => "聊天记录", "Messages";
    SearchMore => "更多聊天记录", "More messages";
    NotifySystem => "系统通知", "System notifications";
    NotifySound => "声音", "Sound";
    NotifyBlocked => "浏览器已禁止本站的通知，请在网站设置中允许", "The browser blocks notifications for this site: allow them in its site settings";
    NotifyUnsupported => "此浏览器不支持系统通知", "This browser cannot show notifications";
    PinChat => "置顶该聊天", "Pin to top";
    UnpinChat => "取消置顶", "Unpin";
    MuteChat => "消息免打扰", "Mute notifications";
    UnmuteChat => "开启新消息提醒", "Unmute";
    MarkAsRead => "标为已读", "Mark as read";
    MutedChat => "消息免打扰", "Muted";
    NewMessagesJump => "{n}条新消息", "{n} new messages";
    Monday => "星期一", "Mon";
    Tuesday => "星期二", "Tue";
    Wednesday => "星期三", "Wed";
    Thursday => "星期四", "Thu";
    Friday => "星期五", "Fri";
    Saturday => "星期六", "Sat";
    Sunday => "星期日", "Sun";
    NicknameOptional => "昵称（选填，默认为用户名）", "Nickname (optional; your username if empty)";
    SpeakRevoked => "你已被管理员禁言，暂时不能发消息", "An administrator has muted you; you cannot send messages for now";
    MutedUntilTime => "你已被禁言，{until} 后可以发言", "You are muted until {until}";
    AddToContacts => "添加到通讯录", "Add to contacts";
    // admin
    AdminLogIn => "管理员登录", "Administrator log-in";
    NotAdmin => "该账号没有管理权限", "This account has no admin right";
    Users => "用户", "Users";
    Roles => "角色", "Roles";
    Rights => "权限", "Rights";
    Dashboard => "概览", "Overview";
    Search => "搜索", "Search";
    SearchUsersPlaceholder => "用户名或昵称", "Username or nickname";
    Id => "ID", "ID";
    CreatedAt => "注册时间", "Created";
    Sessions => "在线设备", "Sessions";
    Key => "标识", "Key";
    Name => "名称", "Name";
    UserCount => "用户数", "Users";
    GrantedBy => "所属角色", "Granted by roles";
    PrevPage => "上一页", "Previous";
    NextPage => "下一页", "Next";
    PageOf => "页", "page";
    TotalUsers => "共", "Total";
    NoResults => "没有匹配的结果", "No matching results";
    SignedInAs => "当前登录", "Signed in as";
    UsersTotalLabel => "用户总数", "Users in all";
    RolesTotalLabel => "角色数", "Roles";
    ManageUser => "管理", "Manage";
    FieldTaken => "已被使用", "is already taken";
    SystemSettings => "系统设置", "Settings";
    RegistrationLabel => "注册", "Registration";
    RegistrationOpenOption => "开放注册：任何人都可以注册", "Open: anyone may sign up";
    RegistrationClosedOption => "关闭注册：只有管理员可以创建账号", "Closed: only administrators create accounts";
    RegistrationInviteOption => "邀请注册：凭管理员发放的邀请码注册", "By invitation: sign-up needs an invite code from an administrator";
    NewRole => "新建角色", "New role";
    RoleKeyLabel => "角色标识", "Role key";
    DescriptionLabel => "描述", "Description";
    EditRole => "编辑", "Edit";
    DeleteRole => "删除", "Delete";
    ConfirmDeleteRole => "删除后持有该角色的用户将失去它，确定吗？", "Users holding this role lose it. Delete the role?";
    CreateRole => "创建角色", "Create role";
    BuiltinRole => "内置", "Built-in";
    UserDetail => "用户详情", "User details";
    StatusCol => "状态", "Status";
    StatusBanned => "已封禁", "Banned";
    StatusMutedUser => "已禁言", "Muted";
    StatusNormal => "正常", "Active";
    Until => "至", "until";
    PermanentlyLabel => "永久", "permanently";
    BanUser => "封禁", "Ban";
    UnbanUser => "解除封禁", "Lift ban";
    MuteUser => "禁言", "Mute";
    UnmuteUser => "解除禁言", "Lift mute";
    BanReason => "封禁原因", "Reason";
    DurationLabel => "时长", "Duration";
    DurationHour => "1 小时", "1 hour";
    DurationDay => "1 天", "1 day";
    DurationWeek => "7 天", "7 days";
    DurationMonth => "30 天", "30 days";
    DurationForever => "永久", "For good";
    ConfirmBanUser => "封禁后该用户会立即下线且无法登录，确定吗？", "The user is signed out at once and cannot log in. Ban them?";
    RevokeAllSessions => "下线所有设备", "Sign out everywhere";
    ConfirmRevokeAll => "确定让该用户的所有设备下线？", "Sign this user out on every device?";
    ResetPasswordAction => "重置密码", "Reset password";
    ConfirmResetPassword => "将生成新密码，该用户的所有设备会下线。确定吗？", "A new password is made and the user is signed out everywhere. Continue?";
    NewPasswordOnce => "新密码（只显示这一次）：", "New password (shown only this once): ";
    SaveRoles => "保存角色", "Save roles";
    UserGroups => "所在群聊", "Groups";
    MessageCount => "消息数", "Messages sent";
    ProviderLabel => "账号来源", "Account from";
    NoneYet => "无", "None";
    AuditLog => "审计日志", "Audit log";
    AuditActor => "操作人", "Administrator";
    AuditAction => "操作", "Action";
    AuditTarget => "对象", "Target";
    AuditDetail => "详情", "Details";
    AuditAddress => "IP 地址", "Address";
    AuditTime => "时间", "Time";
    AllActions => "全部操作", "All actions";
    OlderEntries => "更早的记录", "Older entries";
    NewestEntries => "回到最新", "Back to the newest";
    NoAuditEntries => "还没有审计记录", "No audit entries yet";
    RightsTotalLabel => "权限数", "Rights";
    // errors
    ErrUnauthenticated => "请先登录", "Please log in first";
    ErrInvalidCredentials => "用户名或密码错误", "Wrong username or password";
    ErrAccountDisabled => "该账号已被禁用，无法登录", "This account is disabled and cannot log in";
    ErrForbidden => "没有权限执行此操作", "You are not allowed to do this";
    ErrCrossSite => "请求来源不可信，已拒绝", "Request from another site refused";
    ErrUsernameTaken => "用户名已被占用", "That username is taken";
    ErrWrongPassword => "当前密码错误", "The current password is wrong";
    ErrNotFound => "内容不存在", "Not found";
    ErrCannotAddSelf => "不能添加自己为好友", "You cannot add yourself";
    ErrAlreadyFriends => "你们已经是好友了", "You are already friends";
    ErrRequestPending => "好友申请已发送，等待对方验证", "A request is already waiting for an answer";
    ErrMuted => "你已被禁言，暂时不能发言", "You are muted here and cannot speak for now";
    ErrAlreadyMember => "你已经是群成员了", "You are already a member";
    ErrBlocked => "无法与该用户互动", "You cannot interact with this user";
    ErrRateLimited => "操作太频繁，请稍后再试", "Too many requests, please wait and retry";
    ErrRetryIn => "秒后可重试", "s until you can retry";
    ErrUnavailable => "服务器繁忙，请稍后再试", "The server is busy, please retry shortly";
    ErrTooLarge => "内容太大，无法发送", "That is too large to send";
    PreviewPhoto => "[图片]", "[Photo]";
    SavePhoto => "保存", "Save";
    MoreActions => "更多功能", "More";
    Album => "相册", "Album";
    Camera => "拍摄", "Camera";
    FileAction => "文件", "File";
    LocationAction => "位置", "Location";
    LocationUnavailable => "无法获取位置", "Your location is not available";
    MyLocation => "我的位置", "My location";
    PlaceName => "地点名称", "Place name";
    SendLocation => "发送位置", "Send location";
    Uploading => "上传进度", "Upload progress";
    HoldToTalk => "按住 说话", "Hold to talk";
    ReleaseToSend => "松开 发送", "Release to send";
    ReleaseToCancel => "松开手指，取消发送", "Release to cancel";
    SlideUpToCancel => "手指上滑，取消发送", "Slide up to cancel";
    TooShort => "说话时间太短", "Too short";
    VoiceInput => "切换到语音", "Voice input";
    KeyboardInput => "切换到键盘", "Keyboard";
    MicrophoneUnavailable => "无法使用麦克风", "The microphone is not available";
    ChangeAvatar => "更换头像", "Change avatar";
    Avatar => "头像", "Avatar";
    Close => "关闭", "Close";
    Previous => "上一张", "Previous";
    Next => "下一张", "Next";
    PreviewVideo => "[视频]", "[Video]";
    PreviewVoice => "[语音]", "[Voice]";
    PreviewFile => "[文件]", "[File]";
    PreviewLocation => "[位置]", "[Location]";
    PreviewChatHistory => "[聊天记录]", "[Chat history]";
    FieldWrongKind => "类型不对", "is of the wrong kind";
    FieldUnknown => "不存在或不属于你", "does not exist or is not yours";
    FieldTooManyPixels => "图片尺寸过大", "is an image too large to open";
    FieldMediaId => "媒体文件", "The media";
    FieldFile => "文件", "The file";
    ErrTimeout => "请求超时，请重试", "The request timed out, please retry";
    ErrRegistrationClosed => "当前不开放注册", "Registration is closed";
    InviteCode => "邀请码", "Invite code";
    InviteCodeHint => "向管理员索取邀请码", "Ask an administrator for an invite code";
    ErrInviteRequired => "注册需要邀请码", "An invite code is required to sign up";
    ErrInviteInvalid => "邀请码无效、已过期或已用完", "This invite code is not valid, has expired or has been used up";
    ErrTooLate => "已超过可操作的时间", "It is too late to do that to this message";
    ErrGroupDisabled => "本群已被管理员停用，只能查看", "An administrator disabled this group: it is read-only";
    ErrLinkExpired => "该链接已失效（过期、被撤销或次数已用完）", "This link no longer works (expired, revoked or used up)";
    ErrBadRequest => "请求格式错误", "Malformed request";
    ErrNetwork => "网络错误，请检查连接", "Network error, check your connection";
    ErrInternal => "服务器出错了，请稍后再试", "Server error, please try again later";
    // validation
    FieldNote => "验证消息", "Note";
    FieldIntroduction => "群介绍", "Introduction";
    FieldNotice => "群公告", "Notice";
    FieldMembers => "成员", "Members";
    FieldMinutes => "时长", "Duration";
    FieldRemark => "备注", "Remark";
    FieldText => "消息内容", "Message";
    FieldLimit => "数量", "Limit";
    FieldClientMsgId => "消息编号", "Message id";
    FieldRequired => "不能为空", "is required";
    FieldTooShort => "太短", "is too short";
    FieldTooLong => "太长", "is too long";
    FieldBadCharacters => "包含不允许的字符", "has characters that are not allowed";
    FieldWeak => "太容易被猜到", "is too easy to guess";
    FieldOutOfRange => "超出范围", "is out of range";
    // chat screen
    MessageActions => "消息操作", "Message actions";
    ActionReply => "引用", "Reply";
    ActionCopy => "复制", "Copy";
    ActionRecall => "撤回", "Recall";
    ActionEdit => "编辑", "Edit";
    ActionDelete => "删除", "Delete";
    ActionForward => "转发", "Forward";
    ActionMultiSelect => "多选", "Select";
    Copied => "已复制", "Copied";
    Edited => "已编辑", "Edited";
    EditingMessage => "编辑消息", "Editing message";
    ReplyingTo => "回复 {user}", "Replying to {user}";
    CancelReply => "取消引用", "Cancel reply";
    RecalledByYou => "你撤回了一条消息", "You recalled a message";
    RecalledBySomeone => "“{user}”撤回了一条消息", "{user} recalled a message";
    ReEdit => "重新编辑", "Re-edit";
    QuoteRecalled => "引用内容已撤回", "The quoted message was recalled";
    ConfirmRecall => "确定撤回这条消息？", "Recall this message for everyone?";
    ConfirmDeleteForMe => "删除后将不会出现在你的消息记录中", "Delete this message from your devices? Others still see it.";
    ChatHistoryOf => "{title}的聊天记录", "Chat history: {title}";
    ChatHistoryAnd => "和", " and ";
    ChatHistoryCard => "聊天记录", "Chat history";
    ForwardTo => "转发给", "Forward to";
    ForwardOneByOne => "逐条转发", "Forward one by one";
    ForwardMerged => "合并转发", "Forward as chat history";
    ForwardDone => "已转发", "Forwarded";
    SelectedCount => "已选择 {n} 条", "{n} selected";
    ReactWith => "回应 {emoji}", "React with {emoji}";
    ReactedBy => "{users} 回应了 {emoji}", "{users} reacted {emoji}";
    MentionedMe => "[有人@我]", "[@me]";
    MentionPicker => "选择提醒的人", "Choose who to mention";
    MentionAll => "所有人", "Everyone";
    Typing => "对方正在输入…", "typing…";
    ReadLabel => "已读", "Read";
    UnreadLabel => "未读", "Unread";
    UnreadCount => "{n}人未读", "{n} unread";
    AllRead => "全部已读", "All read";
    ReadBy => "已读", "Read";
    NotReadBy => "未读", "Not read yet";
    Readers => "消息接收人列表", "Read by";
    Back => "返回", "Back";
    MessageInput => "消息", "Message";
    Send => "发送", "Send";
    SendingMessage => "发送中", "Sending";
    SendFailed => "发送失败", "Not sent";
    LoadOlder => "查看更早的消息", "Load older messages";
    NoOlderMessages => "没有更早的消息了", "No older messages";
    EmojiPicker => "表情", "Emoji";
    ChatHistory => "聊天记录", "Messages";
    // contacts
    NewFriends => "新的朋友", "New friends";
    AddFriend => "添加朋友", "Add friend";
    FriendRequests => "好友申请", "Friend requests";
    NoFriendRequests => "暂无好友申请", "No friend requests";
    Accept => "接受", "Accept";
    Decline => "拒绝", "Decline";
    StatusAccepted => "已添加", "Accepted";
    StatusDeclined => "已拒绝", "Declined";
    StatusWaiting => "等待验证", "Waiting";
    RequestToYou => "请求添加你为朋友", "wants to add you";
    RequestByYou => "你发出的申请", "your request";
    Add => "添加", "Add";
    RelationFriend => "已是好友", "Friend";
    RelationRequestSent => "已申请", "Request sent";
    RelationRequestReceived => "对方已申请添加你", "Wants to add you";
    RelationBlocked => "已屏蔽", "Blocked";
    RelationMyself => "你自己", "You";
    Friends => "好友", "Friends";
    NoFriendsHint => "点击“添加朋友”，按用户名或昵称查找。", "Tap “Add friend” to find people by username or nickname.";
    PendingRequestsLabel => "条新的申请", "new requests";
    SendMessage => "发消息", "Send message";
    SetRemark => "设置备注", "Set remark";
    RemoveFriend => "删除好友", "Remove friend";
    ConfirmRemoveFriend => "确定删除该好友？聊天记录会保留。", "Remove this friend? The chat history is kept.";
    BlockUser => "加入黑名单", "Block";
    BlockedUsers => "黑名单", "Blocked users";
    Unblock => "移出黑名单", "Unblock";
    NoBlockedUsers => "黑名单为空", "No one is blocked";
    NoBlockedUsersHint => "在好友资料页可以把人加入黑名单。", "You can block someone from their profile.";
    ConfirmBlockUser => "确定屏蔽该用户？屏蔽后将解除好友关系。", "Block this user? This also ends the friendship.";
    Confirm => "确定", "Confirm";
    UsernameLabel => "用户名：", "Username: ";
    SearchResults => "搜索结果", "Search results";
    FriendProfile => "详细资料", "Profile";
    NewGroupChat => "发起群聊", "New group chat";
    GroupName => "群聊名称", "Group name";
    ChooseMembers => "选择成员", "Choose members";
    CreateGroup => "创建", "Create";
    GroupInfo => "群聊信息", "Group info";
    GroupMembers => "群成员", "Members";
    RoleOwner => "群主", "Owner";
    RoleAdmin => "管理员", "Admin";
    LeaveGroup => "退出群聊", "Leave group";
    DissolveGroup => "解散群聊", "Dissolve group";
    ConfirmDissolve => "解散后所有人都不能再发言，确定解散吗？", "Nobody will be able to post after this. Dissolve the group?";
    GroupDissolved => "该群聊已解散", "This group has been dissolved";
    GroupChats => "群聊", "Group chats";
    GroupJoinRequests => "入群申请", "Join requests";
    RequestToJoinGroup => "申请加入", "wants to join";
    FindPeople => "找人", "People";
    FindGroups => "找群", "Groups";
    SearchGroupsPlaceholder => "群聊名称", "Group name";
    MembersUnit => "人", "members";
    RequestJoin => "申请加入", "Request to join";
    JoinedGroup => "已加入", "Joined";
    OpenGroupChat => "进入群聊", "Open chat";
    EditGroup => "编辑群资料", "Edit group details";
    MuteEveryone => "全员禁言", "Mute everyone";
    EveryoneMuted => "全员禁言中，仅群主和管理员可发言", "Everyone is muted; only the owner and admins can speak";
    InviteMembers => "邀请好友入群", "Invite friends";
    Invite => "邀请", "Invite";
    NoFriendsToInvite => "你的好友都已在群里", "All your friends are already in this group";
    ManageMember => "管理", "Manage";
    Mute10Minutes => "禁言 10 分钟", "Mute 10 min";
    Mute1Hour => "禁言 1 小时", "Mute 1 hour";
    Mute1Day => "禁言 1 天", "Mute 1 day";
    Unmute => "解除禁言", "Unmute";
    RemoveMember => "移出群聊", "Remove from group";
    ConfirmRemoveMember => "确定将该成员移出群聊？", "Remove this member from the group?";
    MakeAdmin => "设为管理员", "Make admin";
    RevokeAdmin => "取消管理员", "Remove as admin";
    TransferOwnership => "转让群主", "Make owner";
    ConfirmTransfer => "确定将群主转让给该成员？你将成为管理员。", "Hand the group to this member? You become an admin.";
    MutedUntil => "禁言至", "Muted until";
    NoticeGroupCreated => "{by} 创建了群聊“{name}”", "{by} created the group “{name}”";
    NoticeMembersJoined => "{by} 邀请 {users} 加入了群聊", "{by} added {users} to the group";
    NoticeMemberLeft => "{user} 退出了群聊", "{user} left the group";
    NoticeMemberRemoved => "{by} 将 {user} 移出了群聊", "{by} removed {user} from the group";
    NoticeMemberMuted => "{by} 将 {user} 禁言至 {until}", "{by} muted {user} until {until}";
    NoticeMemberUnmuted => "{by} 解除了 {user} 的禁言", "{by} unmuted {user}";
    NoticeGroupMuted => "{by} 开启了全员禁言", "{by} muted everyone";
    NoticeGroupUnmuted => "{by} 关闭了全员禁言", "{by} unmuted everyone";
    NoticeInfoChanged => "{by} 修改了群资料，群名为“{name}”", "{by} changed the group's details; it is now “{name}”";
    NoticeAdminAdded => "{by} 将 {user} 设为管理员", "{by} made {user} an admin";
    NoticeAdminRemoved => "{by} 取消了 {user} 的管理员身份", "{by} removed {user} as admin";
    NoticeOwnerChanged => "{by} 将群主转让给 {user}", "{by} handed the group to {user}";
    NoticeDissolved => "{by} 解散了群聊", "{by} dissolved the group";
    NoticeFriendAdded => "你已添加了{user}，现在可以开始聊天了。", "You added {user} as a friend. Start chatting.";
    NoticeFriendAccepted => "{by} 通过了你的朋友验证请求，现在可以开始聊天了。", "{by} accepted your friend request. Start chatting.";
    NoticeJoinedByLink => "{user} 通过 {by} 分享的邀请链接加入了群聊", "{user} joined through an invite link shared by {by}";
    NoticeStatusActive => "管理员已恢复本群", "An administrator restored this group";
    NoticeStatusMuted => "管理员已将本群禁言", "An administrator muted this group";
    NoticeStatusDisabled => "管理员已停用本群，群聊变为只读", "An administrator disabled this group; it is now read-only";
    NoticeDissolvedByAdmin => "管理员解散了群聊", "An administrator dissolved the group";
    NoticeOwnerChangedByAdmin => "管理员已将群主转让给 {user}", "An administrator made {user} the group owner";
    NoticeReportDismissed => "感谢你的举报。经核实，该{target}未发现违规。", "Thank you for your report. We looked at the {target} and found nothing against the rules.";
    NoticeReportRemoved => "感谢你的举报。经核实，该消息已被删除。", "Thank you for your report. We removed the message.";
    NoticeReportMuted => "感谢你的举报。经核实，我们已对相关账号或群聊作出禁言处理。", "Thank you for your report. We muted the account or group concerned.";
    NoticeReportBanned => "感谢你的举报。经核实，我们已对相关账号作出封禁处理（群聊已停用）。", "Thank you for your report. We banned the account concerned (or disabled the group).";
    ReportTargetMessage => "消息", "message";
    ReportTargetUser => "用户", "user";
    ReportTargetGroup => "群聊", "group";
    ActionReport => "投诉", "Report";
    SiteNameLabel => "站点名称", "Site name";
    LoginNoticeLabel => "登录页公告（选填）", "Notice on the log-in pages (optional)";
    MaxUploadLabel => "单个文件上限（MiB）", "Largest upload (MiB)";
    MaxUploadHint => "最大 {limit} MiB（由服务器启动参数决定）", "At most {limit} MiB (set when the server starts)";
    RecallWindowLabel => "撤回时限（秒）", "Recall window (seconds)";
    DefaultRoleLabel => "新用户的角色", "Role of new accounts";
    FieldReport => "该举报（可能已处理）", "Report (perhaps handled already)";
    FieldAction => "处理方式", "Action";
    FieldUntil => "结束时间", "End time";
    FieldReason => "原因", "Reason";
    FieldStatus => "状态", "Status";
    FieldTarget => "举报对象", "Reported item";
    ReportMessage => "投诉消息", "Report message";
    ReportUser => "投诉用户", "Report user";
    ReportGroup => "投诉群聊", "Report group";
    ReportReasonHeading => "请选择投诉原因", "Why are you reporting this?";
    ReasonSpam => "垃圾广告", "Spam or advertising";
    ReasonHarassment => "骚扰或辱骂", "Harassment or abuse";
    ReasonFraud => "欺诈或冒充", "Fraud or impersonation";
    ReasonSexual => "色情低俗", "Sexual content";
    ReasonIllegal => "违法内容", "Illegal content";
    ReasonOther => "其他", "Something else";
    ReportNoteLabel => "补充说明（选填）", "Anything to add (optional)";
    SubmitReport => "提交", "Submit";
    ReportSent => "投诉已提交", "Report sent";
    ReportSentHint => "管理员处理后，会通过“Parley”聊天通知你。", "An administrator will look at it; the answer will arrive in your Parley chat.";
    SystemChatReadOnly => "这是系统通知，无法回复", "This is a system chat: replies are not possible";
    GroupBannerMuted => "本群已被管理员禁言，暂时无法发言", "An administrator muted this group: nobody can post for now";
    GroupBannerDisabled => "本群已被管理员停用：只能查看历史消息", "An administrator disabled this group: its history is read-only";
    RecalledByAdmin => "该消息已被管理员删除", "This message was removed by an administrator";
    NoticeSomeone => "一位成员", "a member";
    NoticeListSeparator => "、", ", ";
    // admin console: user filters, groups, messages, CSV export
    AdminGroups => "群组管理", "Groups";
    AdminMessages => "消息管理", "Messages";
    UserMessagesLink => "查看 TA 的消息", "Messages";
    RoleFilter => "角色", "Role";
    AllRoles => "全部角色", "All roles";
    AllStatuses => "全部状态", "All statuses";
    SortLabel => "排序", "Sort by";
    SortNewest => "最新注册", "Newest first";
    SortOldest => "最早注册", "Oldest first";
    SortUsername => "用户名", "Username";
    SortLastSeen => "最近在线", "Recently seen";
    LastSeenCol => "最近在线", "Last seen";
    NeverSeen => "从未登录", "Never";
    ProviderLocal => "本地账号", "Local";
    ExportCsv => "导出 CSV", "Export CSV";
    Exporting => "正在导出…", "Exporting…";
    ExportDone => "已导出 {n} 行", "Exported {n} rows";
    ExportCapped => "已导出前 {n} 行（导出上限）", "Exported the first {n} rows (the export limit)";
    ListedCol => "公开", "Listed";
    YesLabel => "是", "Yes";
    NoLabel => "否", "No";
    GroupCreatedAt => "创建时间", "Created";
    LastMessageCol => "最后消息", "Last message";
    GroupStatusActive => "正常", "Active";
    GroupStatusMuted => "已禁言", "Muted";
    GroupStatusDisabled => "已停用", "Disabled";
    GroupStatusDissolved => "已解散", "Dissolved";
    GroupDetail => "群组详情", "Group details";
    GroupMessageCount => "消息数", "Messages";
    OwnerMutedAll => "群主开启了全员禁言", "Everyone muted by the owner";
    GroupRoleMember => "成员", "Member";
    JoinedAt => "入群时间", "Joined";
    ModerationHeading => "管理操作", "Moderation";
    MuteGroupAction => "禁言该群", "Mute group";
    DisableGroupAction => "停用该群", "Disable group";
    RestoreGroupAction => "恢复", "Restore";
    TransferOwnerAction => "转让群主", "Transfer ownership";
    NewOwnerLabel => "新群主", "New owner";
    ChooseMemberOption => "选择成员", "Choose a member";
    BrowseMessages => "查看消息", "Browse messages";
    ConfirmMuteGroup => "禁言后所有成员（包括群主和群管理员）都不能发言，确定吗？", "Nobody, the owner and admins included, will be able to post. Mute the group?";
    ConfirmDisableGroup => "停用后群聊变为只读，无法被搜索到，邀请链接失效。确定吗？", "The group becomes read-only, hidden from search and the directory, and its invite links stop working. Disable it?";
    ConfirmRestoreGroup => "恢复后成员可以正常发言，确定吗？", "Members will be able to post again. Restore the group?";
    ConfirmAdminDissolve => "解散后所有人都不能再发言，历史消息仍可查看。确定解散吗？", "Nobody will be able to post; the history stays readable. Dissolve the group?";
    ConfirmAdminTransfer => "确定将群主转让给 {name}？原群主将成为管理员。", "Make {name} the owner? The current owner becomes an admin.";
    GroupMutedToast => "已禁言该群", "The group is muted";
    GroupDisabledToast => "已停用该群", "The group is disabled";
    GroupRestoredToast => "已恢复该群", "The group is restored";
    GroupDissolvedToast => "已解散该群", "The group is dissolved";
    OwnerTransferredToast => "已转让群主", "Ownership transferred";
    ConversationIdLabel => "会话 ID", "Conversation ID";
    UserIdLabel => "用户 ID", "User ID";
    WordsLabel => "关键词", "Words";
    WordsPlaceholder => "消息中的文字", "Words in the message";
    FilterAction => "筛选", "Filter";
    ClearFilters => "清除筛选", "Clear";
    ConversationCol => "会话", "Conversation";
    ConversationKindCol => "会话类型", "Conversation type";
    SenderCol => "发送者", "Sender";
    ContentCol => "内容", "Content";
    MessageIdCol => "消息 ID", "Message ID";
    DirectChatKind => "私聊", "Direct";
    GroupChatKind => "群聊", "Group";
    SystemSender => "系统", "System";
    RecalledLabel => "已撤回", "Recalled";
    DeleteMessage => "删除", "Delete";
    DeleteMessageLabel => "删除消息", "Delete message";
    ConfirmDeleteMessageTitle => "删除这条消息？", "Delete this message?";
    ConfirmDeleteMessage => "删除后所有成员将看到“该消息已被管理员删除”。", "Every member will see “This message was removed by an administrator”.";
    DeleteReasonLabel => "原因（记入审计日志）", "Reason (kept in the audit log)";
    MessageDeletedToast => "已删除该消息", "The message was removed";
    // admin console: reports queue, dashboard figures and charts, announcements
    AdminReports => "投诉处理", "Reports";
    ReportStatusOpen => "待处理", "Open";
    ReportStatusResolved => "已处理", "Resolved";
    ReportStatusDismissed => "已驳回", "Dismissed";
    ReportStatusAll => "全部", "All";
    ReportStatusFilter => "投诉状态", "Report status";
    ReporterCol => "投诉人", "Reporter";
    ReportedCol => "投诉对象", "Reported";
    ReportReasonCol => "原因", "Reason";
    ReportNoteCol => "投诉说明", "Reporter's note";
    ReportOutcomeCol => "处理结果", "Outcome";
    ReportActionsCol => "操作", "Actions";
    ResponsibleUser => "相关用户：", "User responsible: ";
    ReportDismissAction => "驳回", "Dismiss";
    ReportDeleteAction => "删除消息", "Delete message";
    ReportMuteAction => "禁言", "Mute";
    ReportBanAction => "封禁", "Ban";
    ReportRowAction => "{action}（投诉 {id}）", "{action} (report {id})";
    ConfirmReportDismiss => "驳回后投诉人会收到“未发现违规”的通知。", "The reporter will be told that nothing against the rules was found.";
    ConfirmReportDelete => "被投诉的消息将被删除，所有成员将看到“该消息已被管理员删除”。", "The reported message is removed for everyone; members see “This message was removed by an administrator”.";
    ConfirmReportMuteUser => "禁言 {name}：到期前 TA 不能发言。", "Mute {name}: they cannot post until it ends.";
    ConfirmReportBanUser => "封禁 {name}：TA 会立即被登出，到期前无法登录。", "Ban {name}: they are signed out at once and cannot log in until it ends.";
    ConfirmReportMuteGroup => "禁言群聊“{name}”：所有成员都不能发言。", "Mute the group “{name}”: nobody can post in it.";
    ConfirmReportBanGroup => "停用群聊“{name}”：群聊变为只读，无法被搜索到。", "Disable the group “{name}”: it becomes read-only and hidden from search.";
    ResolutionNoteLabel => "处理备注（记入审计日志，选填）", "Note (kept in the audit log, optional)";
    ReportDismissedToast => "已驳回该投诉", "The report was dismissed";
    ReportMessageRemovedToast => "已删除被投诉的消息", "The reported message was removed";
    ReportMutedToast => "已禁言", "Muted";
    ReportBannedToast => "已封禁", "Banned";
    OutcomeMessageRemoved => "消息已删除", "Message removed";
    OutcomeBy => "处理人", "By";
    NoOlderReports => "没有更早的投诉了", "No older reports";
    LoadOlderReports => "加载更早的投诉", "Load older reports";
    InviteCodes => "邀请码", "Invite codes";
    InviteStatusFilter => "邀请码状态", "Invite code status";
    InviteStatusActive => "可用", "Usable";
    InviteStatusUsedUp => "已用完", "Used up";
    InviteStatusExpired => "已过期", "Expired";
    InviteStatusRevoked => "已撤销", "Revoked";
    NoInviteCodes => "没有邀请码", "No invite codes";
    NoOlderInviteCodes => "没有更早的邀请码了", "No older invite codes";
    LoadOlderInviteCodes => "加载更早的邀请码", "Load older invite codes";
    InviteCodeCol => "邀请码", "Code";
    InviteNoteCol => "备注", "Note";
    InviteUsesCol => "已用 / 上限", "Used / limit";
    InviteExpiresCol => "有效期至", "Expires";
    InviteCreatedCol => "创建", "Created";
    InviteUsedByCol => "注册的用户", "Signed up";
    InviteNeverExpires => "长期有效", "Never";
    NewInviteCode => "新建邀请码", "New invite code";
    CreateInviteCode => "生成邀请码", "Create code";
    InviteNoteLabel => "备注（发给谁）", "Note (whom it is for)";
    InviteNotePlaceholder => "例如：设计部新同事", "e.g. new colleagues in design";
    InviteMaxUsesLabel => "可注册人数", "Accounts it may make";
    InviteNoLimit => "不限", "No limit";
    InviteValidityLabel => "有效期", "Valid for";
    InviteMaxUsesInvalid => "可注册人数须为 1 到 10000，留空表示不限", "Accounts must be 1 to 10,000, or blank for no limit";
    InviteCodeCreated => "已生成邀请码", "Invite code created:";
    InviteLinkLabel => "注册链接", "Sign-up link";
    RevokeInviteCode => "撤销", "Revoke";
    RevokeInviteCodeNamed => "撤销邀请码 {code}", "Revoke code {code}";
    ConfirmRevokeInviteCode => "撤销后，这个邀请码立即失效；已用它注册的账号不受影响。", "Once revoked, the code admits nobody; accounts already made with it stay.";
    InviteCodeRevokedToast => "邀请码已撤销", "Invite code revoked";
    ManageInviteCodes => "管理邀请码", "Manage invite codes";
    AppDescription => "Parley：可自行部署的即时通讯，为团队和公司而建。私聊、群聊、文件与机器人，数据留在你自己的服务器上。", "Parley: a self-hosted messenger for teams and companies. Chats, groups, files and bots, with your data on your own server.";
    ErrSignInFailed => "通过该服务登录失败，请重试", "Signing in with that provider failed, please try again";
    ErrSignInExpired => "这次登录已过期或已使用，请重新开始", "This sign-in has expired or was already used; please start again";
    ErrIdentityTaken => "该外部账号已绑定到其他用户", "That account is already linked to another user";
    ErrLastSignInMethod => "这是你唯一的登录方式，不能解除", "This is your only way to sign in: it cannot be removed";
    OrSignInWith => "或使用以下方式登录", "Or sign in with";
    SignInMethods => "登录方式", "Sign-in methods";
    SignInMethodsHint => "绑定外部账号后可用它直接登录。至少保留一种登录方式。", "Link an outside account to sign in with it. At least one way to sign in always stays.";
    PasswordMethod => "密码", "Password";
    PasswordSet => "已设置", "Set";
    PasswordNotSet => "未设置", "Not set";
    SetPasswordLink => "设置密码", "Set a password";
    LinkAccount => "绑定", "Link";
    UnlinkAccount => "解除绑定", "Unlink";
    ConfirmUnlink => "确定解除绑定？之后不能再用它登录。", "Unlink it? You will no longer sign in with it.";
    LinkedAs => "已绑定：", "Linked: ";
    NotLinked => "未绑定", "Not linked";
    AccountLinked => "已绑定", "Account linked";
    NoProvidersConfigured => "本服务器未配置外部登录", "This server offers no outside sign-in";
    ProviderOidc => "OpenID Connect", "OpenID Connect";
    // the assistant (admin: /admin/assistant; client: Discover)
    Assistant => "助手", "Assistant";
    AssistantIntro => "Parley 助手用这张表回答用户：消息含有某条目的关键词，或与它的问题相近时，助手就回复它的回答。", "The Parley Assistant answers users from this table: a message containing an entry's keyword, or close to its question, gets that entry's answer.";
    AssistantAnswers => "助手问答", "Assistant answers";
    NoAssistantAnswers => "还没有问答条目", "No entries yet";
    FieldKeywords => "关键词", "Keywords";
    FieldQuestion => "问题", "Question";
    FieldAnswer => "回答", "Answer";
    AssistantUpdatedCol => "更新时间", "Updated";
    AssistantKeywordsHint => "用逗号或换行分隔，例如：invite, 邀请。消息含有任一关键词（不区分大小写）即回复。", "Separate them with commas or new lines, e.g. invite, 邀请. A message containing any of them (in any case) gets this answer.";
    AssistantQuestionHint => "选填：与这个问题相近的消息也会得到这个回答。", "Optional: a message close to this question also gets this answer.";
    NewAssistantAnswer => "新建条目", "New entry";
    EditAssistantAnswer => "编辑条目", "Edit entry";
    DeleteAssistantAnswer => "删除条目", "Delete entry";
    SaveAssistantAnswer => "保存条目", "Save entry";
    ConfirmDeleteAssistantAnswerTitle => "删除这个条目？", "Delete this entry?";
    ConfirmDeleteAssistantAnswer => "删除后，助手不再用这个条目回答。", "The assistant stops answering with this entry.";
    AssistantAnswerSavedToast => "条目已保存", "Entry saved";
    AssistantAnswerDeletedToast => "条目已删除", "Entry deleted";
    AssistantNeedsKeywordOrQuestion => "请至少填写一个关键词或问题", "Give at least one keyword or a question";
    AssistantTooManyKeywords => "关键词最多 {max} 个", "At most {max} keywords";
    AssistantKeywordTooLong => "每个关键词最多 {max} 个字", "A keyword has at most {max} characters";
    AssistantQuestionTooLong => "问题最多 {max} 个字", "A question has at most {max} characters";
    AssistantAnswerRequired => "请填写回答", "Enter the answer";
    AssistantAnswerTooLong => "回答最多 {max} 个字", "An answer has at most {max} characters";
    AssistantTableFull => "问答表最多 {max} 个条目", "The table holds at most {max} entries";
    ParleyAssistant => "Parley 助手", "Parley Assistant";
    ParleyAssistantHint => "问问 Parley 怎么用", "Ask how Parley works";
    // outgoing bot webhooks (client: /me/bots), personal access tokens (client: /me/tokens)
    OutgoingWebhook => "传出 Webhook", "Outgoing webhook";
    OutgoingWebhookFor => "“{name}”的传出 Webhook", "Outgoing webhook of {name}";
    OutgoingWebhookIntro => "设置后，机器人所在会话中的每条新消息（它自己发的除外）都会以 JSON POST 到这个地址，失败会重试一天。", "Parley POSTs each new message in the bot's chats (except its own) to this URL as JSON, retrying failures for a day.";
    WebhookCurrentUrl => "当前地址", "Current URL";
    FieldUrl => "地址", "URL";
    WebhookNotSet => "未设置", "Not set";
    WebhookUrlFor => "“{name}”的 Webhook 地址", "Webhook URL for {name}";
    WebhookSave => "保存 Webhook", "Save webhook";
    WebhookRemove => "移除 Webhook", "Remove webhook";
    ConfirmRemoveBotWebhook => "移除后，Parley 不再向这个地址推送，尚未送达的事件会被放弃。", "Parley stops posting to this URL; events not yet delivered are given up.";
    WebhookUrlRequired => "请填写 Webhook 地址", "Enter the webhook URL";
    WebhookUrlTooLong => "Webhook 地址最多 {max} 个字符", "A webhook URL has at most {max} characters";
    WebhookUrlScheme => "地址须以 http:// 或 https:// 开头，且不能含空格", "The URL must start with http:// or https:// and have no spaces";
    WebhookUrlRefused => "服务器拒绝了这个地址：它须是有效的、可从公网访问的 http(s) 地址。", "The server refused this URL: it must be a valid, publicly reachable http(s) address.";
    WebhookSaved => "Webhook 已保存", "Webhook saved";
    WebhookRemoved => "Webhook 已移除", "Webhook removed";
    WebhookSecretFor => "“{name}”的 Webhook 签名密钥", "Webhook signing secret for “{name}”";
    WebhookSecretOnce => "请立即复制此密钥：它只显示这一次。每次 POST 都带有请求头 X-Parley-Signature: sha256=<用此密钥对请求体计算的 HMAC-SHA256（十六进制）>。", "Copy this secret now: it is shown only once. Each POST carries the header X-Parley-Signature: sha256=<hex HMAC-SHA256 of the body with this secret>.";
    WebhookSecret => "签名密钥", "Signing secret";
    WebhookSecretUsage => "接收方这样计算签名，并与 sha256= 之后的值比较：", "The receiver computes the signature like this and compares it with the value after sha256=:";
    DeliveryLog => "投递记录", "Delivery log";
    DeliveryLogFor => "“{name}”的投递记录", "Delivery log of {name}";
    HideDeliveryLog => "收起投递记录", "Hide delivery log";
    NoDeliveries => "还没有投递记录", "No deliveries yet";
    DeliveryPending => "等待中", "Pending";
    DeliveryDelivered => "已送达", "Delivered";
    DeliveryFailed => "失败", "Failed";
    DeliveryMessage => "消息 #{id}", "Message #{id}";
    DeliveryAttempts => "尝试 {n} 次", "{n} attempts";
    DeliveryHttpStatus => "HTTP {code}", "HTTP {code}";
    DeliveryNoAnswer => "尚无响应", "No answer yet";
    DeliveryNextAttempt => "下次尝试", "Next attempt";
    Refresh => "刷新", "Refresh";
    LoadMore => "加载更多", "Load more";
    AccessTokens => "访问令牌", "Access tokens";
    AccessTokensIntro => "个人访问令牌让你的脚本以你的身份调用 Parley 的接口（/api/… 和 /ws）。令牌不能修改密码，也不能管理设备、令牌或机器人。", "A personal access token lets your scripts call Parley's API (/api/… and /ws) as you. No token can change your password or manage devices, tokens or bots.";
    NewAccessToken => "新建访问令牌", "New access token";
    TokenName => "令牌名称", "Token name";
    TokenScopes => "权限范围", "Scopes";
    ScopeRead => "读取", "Read";
    ScopeWrite => "写入", "Write";
    ScopeAdmin => "管理", "Admin";
    ScopeReadHint => "查看会话、消息和联系人，接收事件流（始终包含）", "See conversations, messages and contacts, and the event stream (always included)";
    ScopeWriteHint => "发送消息及其他修改", "Send messages and make other changes";
    ScopeAdminHint => "调用管理员接口（admin_*）", "Call the administrator functions (admin_*)";
    TokenExpiry => "有效期", "Expires after";
    TokenDays => "{n} 天", "{n} days";
    TokenNever => "永不过期", "Never";
    CreateToken => "创建令牌", "Create token";
    TokenNameRequired => "请填写令牌名称", "Give the token a name";
    TokenNameTooLong => "令牌名称最多 {max} 个字，且只能有一行", "A token name has at most {max} characters, on one line";
    TokensTooMany => "每人最多可有 {max} 个访问令牌", "You can have at most {max} access tokens";
    TokenSecretFor => "访问令牌“{name}”", "Access token “{name}”";
    AccessToken => "访问令牌", "Access token";
    TokenUsage => "在请求头中带上 Authorization: Bearer <令牌>，例如：", "Send it as Authorization: Bearer <token>, for example:";
    YourTokens => "我的令牌", "Your tokens";
    NoTokens => "还没有访问令牌", "No access tokens yet";
    NoTokensHint => "在上方填写名称即可创建一个。", "Name one above to create it.";
    TokenCreatedAt => "创建于", "Created";
    TokenExpiresAt => "到期", "Expires";
    TokenLastUsed => "最近使用", "Last used";
    TokenNotUsed => "尚未使用", "Not used yet";
    TokenRevoke => "撤销", "Revoke";
    TokenRevokeNamed => "撤销令牌 {name}", "Revoke token {name}";
    ConfirmRevokeToken => "撤销后，这个令牌立即失效，使用它的连接会断开。", "The token stops working at once and its connections close.";
    // incoming webhooks (client: /group/:id/hooks)
    IncomingWebhooks => "传入 Webhook", "Incoming webhooks";
    IncomingWebhooksIntro => "程序向 Webhook 的秘密 URL 发送 JSON，即可以与 Webhook 同名的机器人身份在此聊天中发言。", "A program posts into this chat by sending JSON to a webhook's secret URL, as a bot named like the webhook.";
    NewWebhook => "新建 Webhook", "New webhook";
    WebhookName => "Webhook 名称", "Webhook name";
    CreateWebhook => "创建 Webhook", "Create webhook";
    WebhookNameRequired => "请填写 Webhook 名称", "Give the webhook a name";
    WebhookNameTooLong => "Webhook 名称最多 {max} 个字，且只能有一行", "A webhook name has at most {max} characters, on one line";
    WebhooksTooMany => "每个群最多可有 {max} 个 Webhook", "A group may have at most {max} webhooks";
    WebhookCreatedFor => "已创建 Webhook“{name}”", "Webhook “{name}” created";
    WebhookUrlOnce => "请立即复制此 URL：它只显示这一次。", "Copy this URL now: it is shown only once.";
    WebhookUrl => "Webhook URL", "Webhook URL";
    WebhookUsage => "用法示例：", "Example:";
    WebhookDone => "我已复制", "I have copied it";
    NoWebhooks => "还没有 Webhook", "No webhooks yet";
    NoWebhooksHint => "在上方填写名称即可创建一个。", "Name one above to create it.";
    WebhookBy => "由 @{username} 创建", "by @{username}";
    WebhookDelete => "删除", "Delete";
    ConfirmDeleteWebhook => "删除后，这个 URL 立即失效；它发过的消息会保留。", "The URL stops working at once; the messages it posted stay.";
    // bots (client: /me/bots)
    MyBots => "我的机器人", "My bots";
    BotsIntro => "机器人是由你的程序驱动的账号：程序用机器人的令牌调用 Parley 的接口来收发消息。", "A bot is an account your program drives: the program calls Parley's API with the bot's token to send and receive messages.";
    BotsNotAllowed => "你的账号不能创建机器人。", "Your account may not create bots.";
    NewBot => "新建机器人", "New bot";
    BotName => "机器人名称", "Bot name";
    BotDescription => "简介（选填）", "Description (optional)";
    CreateBot => "创建机器人", "Create bot";
    BotNameRequired => "请填写机器人名称", "Give the bot a name";
    BotNameTooLong => "机器人名称最多 {max} 个字", "A bot name has at most {max} characters";
    BotNameBadCharacters => "机器人名称包含不允许的字符", "The bot name has characters that are not allowed";
    BotDescriptionTooLong => "简介最多 {max} 个字", "A description has at most {max} characters";
    BotDescriptionBadCharacters => "简介包含不允许的字符", "The description has characters that are not allowed";
    BotsTooMany => "每人最多可创建 {max} 个机器人", "You can have at most {max} bots";
    NoBots => "还没有机器人", "No bots yet";
    NoBotsHint => "在上方填写名称即可创建一个。", "Name one above to create it.";
    BotOpenChat => "打开聊天", "Open chat";
    BotNewToken => "重置令牌", "New token";
    BotDelete => "删除", "Delete";
    ConfirmBotNewToken => "生成新令牌后，旧令牌立即失效，正在使用它的程序会断开连接。", "The old token stops working at once and programs using it are disconnected.";
    ConfirmDeleteBot => "删除后，机器人的令牌立即失效，它发过的消息会保留。", "The bot's token stops working at once; the messages it sent stay.";
    BotTokenFor => "“{name}”的令牌", "Token for “{name}”";
    BotTokenOnce => "请立即复制此令牌：它只显示这一次。", "Copy this token now: it is shown only once.";
    BotToken => "机器人令牌", "Bot token";
    BotTokenUsage => "程序调用 /api/… 接口和 /ws 时，在请求头中带上：", "Your program sends this header on its calls to /api/… and /ws:";
    BotTokenDone => "我已复制", "I have copied it";
    NoReports => "暂无投诉", "No reports";
    StatGroups => "群聊总数", "Groups";
    StatMessages => "消息总数", "Messages";
    StatMedia => "文件存储", "Uploaded files";
    StatDatabase => "数据库大小", "Database size";
    StatOnlineUsers => "当前在线用户", "Online now";
    StatConnections => "当前连接数", "Connections";
    StatUnknown => "未知", "Unknown";
    StatsLive => "在线数据每 5 秒自动刷新", "Live figures refresh every 5 seconds";
    ChartMessagesPerHour => "每小时消息数（近 48 小时）", "Messages per hour (last 48 hours)";
    ChartMessagesSummary => "近 48 小时共 {total} 条消息，最多一小时 {max} 条。", "{total} messages in the last 48 hours; at most {max} in one hour.";
    ChartDailyUsers => "每日注册与活跃用户（近 30 天，UTC）", "Sign-ups and active users per day (last 30 days, UTC)";
    ChartDailySummary => "近 30 天共 {signups} 人注册，单日活跃用户最多 {max} 人。", "{signups} sign-ups in the last 30 days; at most {max} active users in one day.";
    LegendSignUps => "新注册", "Sign-ups";
    LegendActiveUsers => "活跃用户（发过消息）", "Active users (sent a message)";
    AnnounceHeading => "全员公告", "Announcement";
    AnnounceLabel => "公告内容", "Message to everyone";
    AnnounceHint => "通过每位用户的“Parley”聊天发送，最多 2000 字。", "Arrives in every user's Parley chat; up to 2,000 characters.";
    AnnounceSend => "发送给所有人", "Send to everyone";
    ConfirmAnnounceTitle => "发送全员公告？", "Send to everyone?";
    ConfirmAnnounce => "所有用户都会在“Parley”聊天中收到这条公告，发送后无法撤回。", "Every user receives it in their Parley chat. It cannot be taken back.";
    AnnouncedToast => "公告已发送给 {n} 位用户", "Sent to {n} users";
    OfflineBanner => "你已离线，显示的是上次加载的内容", "You're offline. Showing what was last loaded.";
    UpdateReady => "Parley 有新版本", "A new version of Parley is ready";
    UpdateReload => "重新加载", "Reload";
}

/// Words a recalled message in `lang` for the reader `me`: "You recalled a message", or
/// "X recalled a message" with `name` resolving X (a member it cannot resolve is "a member"),
/// or, `by_admin`, "removed by an administrator".
pub fn recall_text(
    lang: Lang,
    by: UserId,
    by_admin: bool,
    me: Option<UserId>,
    name: &dyn Fn(UserId) -> Option<String>,
) -> String {
    if by_admin {
        return lang.t(Key::RecalledByAdmin).to_owned();
    }
    if Some(by) == me {
        return lang.t(Key::RecalledByYou).to_owned();
    }
    let who = name(by).unwrap_or_else(|| lang.t(Key::NoticeSomeone).to_owned());
    lang.t(Key::RecalledBySomeone).replace("{user}", &who)
}

/// The title of a merged forward's card: "X's chat history" for a group named X, "A and B's
/// chat history" for two people.
pub fn chat_history_title(lang: Lang, title: &str, people: &[String]) -> String {
    let whose = if title.is_empty() {
        people.join(lang.t(Key::ChatHistoryAnd))
    } else {
        title.to_owned()
    };
    lang.t(Key::ChatHistoryOf).replace("{title}", &whose)
}

/// Words a notice in `lang` for the reader `me`; `name` resolves user ids to display names
/// (anyone it cannot resolve, such as a member who has left, is "a member").
pub fn notice_text(
    lang: Lang,
    notice: &SystemNotice,
    me: Option<UserId>,
    name: &dyn Fn(UserId) -> Option<String>,
) -> String {
    let who = |u: UserId| name(u).unwrap_or_else(|| lang.t(Key::NoticeSomeone).to_owned());
    let fill = |key: Key, parts: &[(&str, String)]| {
        parts.iter().fold(lang.t(key).to_owned(), |text, (k, v)| {
            text.replace(&format!("{{{k}}}"), v)
        })
    };
    match notice {
        SystemNotice::GroupCreated { by, name } => fill(
            Key::NoticeGroupCreated,
            &[("by", who(*by)), ("name", name.clone())],
        ),
        SystemNotice::MembersJoined { users, by } => {
            let list: Vec<String> = users.iter().map(|u| who(*u)).collect();
            let users = list.join(lang.t(Key::NoticeListSeparator));
            fill(
                Key::NoticeMembersJoined,
                &[("by", who(*by)), ("users", users)],
            )
        }
        SystemNotice::MemberLeft { user } => fill(Key::NoticeMemberLeft, &[("user", who(*user))]),
        SystemNotice::MemberRemoved { user, by } => fill(
            Key::NoticeMemberRemoved,
            &[("by", who(*by)), ("user", who(*user))],
        ),
        SystemNotice::MemberMuted {
            user,
            until: Some(until),
            by,
        } => fill(
            Key::NoticeMemberMuted,
            &[
                ("by", who(*by)),
                ("user", who(*user)),
                ("until", crate::ui::format_time(*until)),
            ],
        ),
        SystemNotice::MemberMuted {
            user,
            until: None,
            by,
        } => fill(
            Key::NoticeMemberUnmuted,
            &[("by", who(*by)), ("user", who(*user))],
        ),
        SystemNotice::GroupMuted { muted, by } => {
            let key = if *muted {
                Key::NoticeGroupMuted
            } else {
                Key::NoticeGroupUnmuted
            };
            fill(key, &[("by", who(*by))])
        }
        SystemNotice::InfoChanged { name, by, .. } => fill(
            Key::NoticeInfoChanged,
            &[("by", who(*by)), ("name", name.clone())],
        ),
        SystemNotice::AdminChanged { user, admin, by } => {
            let key = if *admin {
                Key::NoticeAdminAdded
            } else {
                Key::NoticeAdminRemoved
            };
            fill(key, &[("by", who(*by)), ("user", who(*user))])
        }
        SystemNotice::OwnerChanged { user, by } => fill(
            Key::NoticeOwnerChanged,
            &[("by", who(*by)), ("user", who(*user))],
        ),
        SystemNotice::Dissolved { by } => fill(Key::NoticeDissolved, &[("by", who(*by))]),
        SystemNotice::JoinedByLink { user, by } => fill(
            Key::NoticeJoinedByLink,
            &[("by", who(*by)), ("user", who(*user))],
        ),
        SystemNotice::StatusChanged { status } => lang
            .t(match status {
                crate::model::GroupStatus::Active => Key::NoticeStatusActive,
                crate::model::GroupStatus::Muted => Key::NoticeStatusMuted,
                crate::model::GroupStatus::Disabled => Key::NoticeStatusDisabled,
            })
            .to_owned(),
        SystemNotice::DissolvedByAdmin => lang.t(Key::NoticeDissolvedByAdmin).to_owned(),
        SystemNotice::OwnerChangedByAdmin { user } => {
            fill(Key::NoticeOwnerChangedByAdmin, &[("user", who(*user))])
        }
        SystemNotice::ReportHandled {
            target_kind,
            action,
        } => {
            let target = lang
                .t(match target_kind {
                    crate::model::ReportTarget::Message => Key::ReportTargetMessage,
                    crate::model::ReportTarget::User => Key::ReportTargetUser,
                    crate::model::ReportTarget::Group => Key::ReportTargetGroup,
                })
                .to_owned();
            let key = match action {
                crate::model::ReportAction::Dismiss => Key::NoticeReportDismissed,
                crate::model::ReportAction::DeleteMessage => Key::NoticeReportRemoved,
                crate::model::ReportAction::Mute => Key::NoticeReportMuted,
                crate::model::ReportAction::Ban => Key::NoticeReportBanned,
            };
            fill(key, &[("target", target)])
        }
        SystemNotice::Announcement { text } => text.clone(),
        SystemNotice::FriendAdded { user, by } => {
            if Some(*by) == me {
                fill(Key::NoticeFriendAdded, &[("user", who(*user))])
            } else {
                fill(Key::NoticeFriendAccepted, &[("by", who(*by))])
            }
        }
    }
}

/// The label of an API argument name, for validation messages.
fn field_label(lang: Lang, field: &str) -> &str {
    let key = match field {
        "username" => Key::Username,
        "password" => Key::Password,
        "new_password" => Key::NewPassword,
        "current_password" => Key::CurrentPassword,
        "nickname" => Key::Nickname,
        "signature" => Key::Signature,
        "note" => Key::FieldNote,
        "remark" => Key::FieldRemark,
        "text" => Key::FieldText,
        "query" => Key::Search,
        "name" => Key::Name,
        "introduction" => Key::FieldIntroduction,
        "notice" => Key::FieldNotice,
        "member_ids" => Key::FieldMembers,
        "minutes" => Key::FieldMinutes,
        "limit" => Key::FieldLimit,
        "client_msg_id" => Key::FieldClientMsgId,
        "expires_in_hours" => Key::InviteValidFor,
        "max_uses" => Key::InviteMaxUses,
        "media_id" => Key::FieldMediaId,
        "file" => Key::FieldFile,
        "report_id" => Key::FieldReport,
        "action" => Key::FieldAction,
        "until" => Key::FieldUntil,
        "reason" => Key::FieldReason,
        "status" => Key::FieldStatus,
        "target_id" => Key::FieldTarget,
        "site_name" => Key::SiteNameLabel,
        "login_notice" => Key::LoginNoticeLabel,
        "max_upload_mib" => Key::MaxUploadLabel,
        "recall_window_s" => Key::RecallWindowLabel,
        "default_role" => Key::DefaultRoleLabel,
        "url" => Key::FieldUrl,
        "scopes" => Key::TokenScopes,
        "expires_in_days" => Key::TokenExpiry,
        "keywords" => Key::FieldKeywords,
        "question" => Key::FieldQuestion,
        "answer" => Key::FieldAnswer,
        other => return other,
    };
    lang.t(key)
}

/// A translated, user-facing sentence for an error.
pub fn error_text(lang: Lang, err: &AppError) -> String {
    let key = match err {
        AppError::Validation { field, reason } => {
            let why = match reason {
                Invalid::Required => Key::FieldRequired,
                Invalid::TooShort => Key::FieldTooShort,
                Invalid::TooLong => Key::FieldTooLong,
                Invalid::BadCharacters => Key::FieldBadCharacters,
                Invalid::Weak => Key::FieldWeak,
                Invalid::OutOfRange => Key::FieldOutOfRange,
                Invalid::WrongKind => Key::FieldWrongKind,
                Invalid::Unknown => Key::FieldUnknown,
                Invalid::Taken => Key::FieldTaken,
                Invalid::TooManyPixels => Key::FieldTooManyPixels,
            };
            let sep = if lang == Lang::En { " " } else { "" };
            return format!("{}{sep}{}", field_label(lang, field), lang.t(why));
        }
        AppError::Unauthenticated => Key::ErrUnauthenticated,
        AppError::InvalidCredentials => Key::ErrInvalidCredentials,
        AppError::AccountDisabled => Key::ErrAccountDisabled,
        AppError::Forbidden => Key::ErrForbidden,
        AppError::CrossSite => Key::ErrCrossSite,
        AppError::UsernameTaken => Key::ErrUsernameTaken,
        AppError::WrongPassword => Key::ErrWrongPassword,
        AppError::NotFound => Key::ErrNotFound,
        AppError::CannotAddSelf => Key::ErrCannotAddSelf,
        AppError::AlreadyFriends => Key::ErrAlreadyFriends,
        AppError::RequestPending => Key::ErrRequestPending,
        AppError::Blocked => Key::ErrBlocked,
        AppError::Muted { until: Some(until) } => {
            return lang
                .t(Key::MutedUntilTime)
                .replace("{until}", &crate::ui::format_time(*until));
        }
        AppError::Muted { until: None } => Key::EveryoneMuted,
        AppError::AlreadyMember => Key::ErrAlreadyMember,
        AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } => {
            let what = if matches!(err, AppError::RateLimited { .. }) {
                Key::ErrRateLimited
            } else {
                Key::ErrUnavailable
            };
            let sep = if lang == Lang::En { " " } else { "" };
            let punct = if lang == Lang::En { " (" } else { "（" };
            let close = if lang == Lang::En { ")" } else { "）" };
            return format!(
                "{}{punct}{retry_after_secs}{sep}{}{close}",
                lang.t(what),
                lang.t(Key::ErrRetryIn)
            );
        }
        AppError::TooLarge => Key::ErrTooLarge,
        AppError::Timeout => Key::ErrTimeout,
        AppError::RegistrationClosed => Key::ErrRegistrationClosed,
        AppError::InviteRequired => Key::ErrInviteRequired,
        AppError::InviteInvalid => Key::ErrInviteInvalid,
        AppError::SignInFailed => Key::ErrSignInFailed,
        AppError::SignInExpired => Key::ErrSignInExpired,
        AppError::IdentityTaken => Key::ErrIdentityTaken,
        AppError::LastSignInMethod => Key::ErrLastSignInMethod,
        AppError::TooLate => Key::ErrTooLate,
        AppError::LinkExpired => Key::ErrLinkExpired,
        AppError::GroupDisabled => Key::ErrGroupDisabled,
        AppError::BadRequest { .. } => Key::ErrBadRequest,
        AppError::Network { .. } => Key::ErrNetwork,
        AppError::Internal => Key::ErrInternal,
    };
    lang.t(key).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for key in Key::ALL {
            assert!(!key.text(Lang::Zh).is_empty(), "{key:?} zh");
            assert!(!key.text(Lang::En).is_empty(), "{key:?} en");
        }
    }

    #[test]
    fn cookie_parsing() {
        assert_eq!(Lang::from_cookies(""), Lang::Zh);
        assert_eq!(Lang::from_cookies("a=b; parley_lang=en"), Lang::En);
        assert_eq!(Lang::from_cookies("parley_lang=zh"), Lang::Zh);
    }

    #[test]
    fn notices_are_worded_with_names() {
        let names = |u: UserId| match u.0 {
            1 => Some("小明".to_owned()),
            2 => Some("Ann".to_owned()),
            _ => None,
        };
        let joined = SystemNotice::MembersJoined {
            users: vec![UserId(2), UserId(9)],
            by: UserId(1),
        };
        assert_eq!(
            notice_text(Lang::Zh, &joined, None, &names),
            "小明 邀请 Ann、一位成员 加入了群聊"
        );
        assert_eq!(
            notice_text(Lang::En, &joined, None, &names),
            "小明 added Ann, a member to the group"
        );
        let created = SystemNotice::GroupCreated {
            by: UserId(1),
            name: "谈笑有鸿儒".into(),
        };
        assert_eq!(
            notice_text(Lang::Zh, &created, None, &names),
            "小明 创建了群聊“谈笑有鸿儒”"
        );
    }

    #[test]
    fn the_friend_notice_depends_on_the_reader() {
        let names = |u: UserId| match u.0 {
            1 => Some("小明".to_owned()),
            2 => Some("Ann".to_owned()),
            _ => None,
        };
        let added = SystemNotice::FriendAdded {
            user: UserId(2),
            by: UserId(1),
        };
        assert_eq!(
            notice_text(Lang::Zh, &added, Some(UserId(1)), &names),
            "你已添加了Ann，现在可以开始聊天了。"
        );
        assert_eq!(
            notice_text(Lang::En, &added, Some(UserId(2)), &names),
            "小明 accepted your friend request. Start chatting."
        );
    }

    #[test]
    fn validation_is_translated_with_the_field() {
        let e = AppError::invalid("password", Invalid::TooShort);
        assert_eq!(error_text(Lang::En, &e), "Password is too short");
        assert_eq!(error_text(Lang::Zh, &e), "密码太短");
    }

    #[test]
    fn waits_are_translated_with_their_seconds() {
        let e = AppError::RateLimited {
            retry_after_secs: 7,
        };
        assert_eq!(
            error_text(Lang::En, &e),
            "Too many requests, please wait and retry (7 s until you can retry)"
        );
        assert_eq!(
            error_text(Lang::Zh, &e),
            "操作太频繁，请稍后再试（7秒后可重试）"
        );
        let busy = AppError::Unavailable {
            retry_after_secs: 2,
        };
        assert_eq!(
            error_text(Lang::Zh, &busy),
            "服务器繁忙，请稍后再试（2秒后可重试）"
        );
        assert_eq!(
            error_text(Lang::En, &AppError::TooLarge),
            "That is too large to send"
        );
    }
}
