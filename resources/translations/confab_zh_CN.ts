<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>confab::AttachmentController</name>
    <message>
        <source>Attach</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>Send a file (or drop files here, or paste an image)</source>
        <translation>发送文件（也可以把文件拖到这里，或粘贴图片）</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>Send files</source>
        <translation>发送文件</translation>
    </message>
    <message>
        <source>%1 is a folder: send the files in it, or a zip of it.</source>
        <translation>%1 是文件夹：请发送其中的文件，或先把它压缩成 zip。</translation>
    </message>
    <message>
        <source>Pasted image %1.png</source>
        <translation>粘贴的图片 %1.png</translation>
    </message>
    <message>
        <source>The pasted image could not be saved for sending.</source>
        <translation>无法保存粘贴的图片，所以没有发送。</translation>
    </message>
</context>
<context>
    <name>confab::AttachmentView</name>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>无法预览</translation>
    </message>
    <message>
        <source>Loading image…</source>
        <translation>正在加载图片…</translation>
    </message>
</context>
<context>
    <name>confab::CallBanner</name>
    <message>
        <source>Accept</source>
        <translation>接听</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>%1 is calling (video)</source>
        <translation>%1 发起视频通话</translation>
    </message>
    <message>
        <source>%1 is calling</source>
        <translation>%1 来电</translation>
    </message>
</context>
<context>
    <name>confab::CallButtons</name>
    <message>
        <source>Call</source>
        <translation>语音通话</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>视频通话</translation>
    </message>
    <message>
        <source>Call %1 (opens in your web browser)</source>
        <translation>呼叫 %1（在网页浏览器中打开）</translation>
    </message>
    <message>
        <source>Video call with %1 (opens in your web browser)</source>
        <translation>与 %1 视频通话（在网页浏览器中打开）</translation>
    </message>
</context>
<context>
    <name>confab::CallController</name>
    <message>
        <source>Incoming video call</source>
        <translation>视频来电</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>%1 is calling (video)</source>
        <translation>%1 发起视频通话</translation>
    </message>
    <message>
        <source>%1 is calling</source>
        <translation>%1 来电</translation>
    </message>
    <message>
        <source>Opening the call in your web browser…</source>
        <translation>正在网页浏览器中打开通话…</translation>
    </message>
    <message>
        <source>Could not decline: %1</source>
        <translation>无法拒绝：%1</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>语音通话</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>视频通话</translation>
    </message>
</context>
<context>
    <name>confab::CallHandoff</name>
    <message>
        <source>The hub did not give a link for the browser: %1</source>
        <translation>聊天室主机没有给出浏览器链接：%1</translation>
    </message>
    <message>
        <source>Confab could not open your web browser.</source>
        <translation>Confab 无法打开你的网页浏览器。</translation>
    </message>
</context>
<context>
    <name>confab::CallSummary</name>
    <message>
        <source>Missed video call</source>
        <translation>未接视频通话</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>未接来电</translation>
    </message>
    <message>
        <source>Declined video call</source>
        <translation>已拒绝视频通话</translation>
    </message>
    <message>
        <source>Declined call</source>
        <translation>已拒绝通话</translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n 秒</numerusform>
        </translation>
    </message>
    <message>
        <source>Video call, %1</source>
        <translation>视频通话，%1</translation>
    </message>
    <message>
        <source>Call, %1</source>
        <translation>语音通话，%1</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n 分钟</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>confab::ChannelBrowser</name>
    <message>
        <source>Browse Channels</source>
        <translation>浏览频道</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Loading the hub&apos;s channels…</source>
        <translation>正在加载聊天服务器上的频道…</translation>
    </message>
    <message>
        <source>There are no channels yet.</source>
        <translation>还没有频道。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <source>Joining…</source>
        <translation>正在加入…</translation>
    </message>
</context>
<context>
    <name>confab::ChatPage</name>
    <message>
        <source>Leave Room</source>
        <translation>离开聊天室</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n online</source>
        <translation>
            <numerusform>%1/%n 人在线</numerusform>
        </translation>
    </message>
    <message>
        <source>Hide Members</source>
        <translation>隐藏成员</translation>
    </message>
    <message>
        <source>Show Members</source>
        <translation>显示成员</translation>
    </message>
    <message>
        <source>The host closed the room. Messages you write now are sent when it opens again.</source>
        <translation>主持人已关闭聊天室。现在写的消息会在聊天室重新开放时发送。</translation>
    </message>
    <message>
        <source># %1</source>
        <translation># %1</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>You and %1</source>
        <translation>你和%1</translation>
    </message>
    <message>
        <source>Members of #%1</source>
        <translation>#%1的成员</translation>
    </message>
    <message>
        <source>Everyone on This Hub…</source>
        <translation>此聊天服务器上的所有人…</translation>
    </message>
    <message>
        <source>Write to any member of the hub, in this conversation or not</source>
        <translation>给此聊天服务器上的任何成员发私信，无论对方是否在这个对话中</translation>
    </message>
</context>
<context>
    <name>confab::Composer</name>
    <message>
        <source>Write a message… (Enter sends, Shift+Enter for a new line)</source>
        <translation>输入消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>confab::ConnectionStatus</name>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>已连接到“%1”</translation>
    </message>
    <message numerus="yes">
        <source>reconnecting in %n s…</source>
        <translation>
            <numerusform>%n 秒后重新连接…</numerusform>
        </translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
    <message>
        <source>Connection lost, %1</source>
        <translation>连接已断开，%1</translation>
    </message>
    <message>
        <source>Host unreachable (%1), %2</source>
        <translation>无法连接主持人（%1），%2</translation>
    </message>
    <message>
        <source>Cannot join: %1</source>
        <translation>无法加入：%1</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message numerus="yes">
        <source> · %n message(s) waiting to be sent</source>
        <translation>
            <numerusform> · %n 条消息等待发送</numerusform>
        </translation>
    </message>
    <message>
        <source>Connection lost, reconnecting…</source>
        <translation>连接已断开，正在重新连接…</translation>
    </message>
</context>
<context>
    <name>confab::ConversationSidebar</name>
    <message>
        <source>Channels</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Direct messages</source>
        <translation>私信</translation>
    </message>
    <message>
        <source>Nobody yet. Click a member, or use +.</source>
        <translation>还没有私信。点击一位成员，或使用 +。</translation>
    </message>
    <message>
        <source>New Channel…</source>
        <translation>新建频道…</translation>
    </message>
    <message>
        <source>Create a channel</source>
        <translation>创建频道</translation>
    </message>
    <message>
        <source>Browse Channels…</source>
        <translation>浏览频道…</translation>
    </message>
    <message>
        <source>Browse</source>
        <translation>浏览</translation>
    </message>
    <message>
        <source>See all channels and join one</source>
        <translation>查看所有频道并加入</translation>
    </message>
    <message>
        <source>Message…</source>
        <translation>发私信…</translation>
    </message>
    <message>
        <source>Write to one member</source>
        <translation>给一位成员发私信</translation>
    </message>
</context>
<context>
    <name>confab::ConversationView</name>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Too long to send: %1 characters, the limit is %2. Shorten it, or send it as several messages.</source>
        <translation>太长，无法发送：%1 个字符，上限为 %2。请缩短，或分成几条消息发送。</translation>
    </message>
    <message>
        <source>A message was not sent: %1</source>
        <translation>有一条消息未能发送：%1</translation>
    </message>
    <message>
        <source>Editing your message. Enter saves, Esc cancels.</source>
        <translation>正在编辑你的消息。按 Enter 保存，按 Esc 取消。</translation>
    </message>
    <message>
        <source>Delete Message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <source>Delete this message? Everyone in the conversation will see that it was deleted.</source>
        <translation>删除这条消息？会话中的所有人都会看到它已被删除。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation>%1正在输入…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1和%2正在输入…</translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n 人正在输入…</numerusform>
        </translation>
    </message>
    <message>
        <source>You are reading older messages.</source>
        <translation>您正在查看较早的消息。</translation>
    </message>
    <message>
        <source>Jump to newest</source>
        <translation>跳到最新</translation>
    </message>
    <message>
        <source>That message cannot be shown: %1</source>
        <translation>无法显示该消息：%1</translation>
    </message>
</context>
<context>
    <name>confab::FileDownload</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>The hub sent another part of the file than asked for.</source>
        <translation>聊天服务器发来的不是所请求的那部分文件。</translation>
    </message>
    <message>
        <source>The download ended early (%1 of %2 bytes).</source>
        <translation>下载提前结束（%1 / %2 字节）。</translation>
    </message>
    <message>
        <source>The downloaded file is not the one the hub describes (SHA-256 differs); it was discarded.</source>
        <translation>下载的文件与聊天服务器描述的不一致（SHA-256 不同），已丢弃。</translation>
    </message>
    <message>
        <source>Cannot move the download to %1.</source>
        <translation>无法把下载的文件移动到 %1。</translation>
    </message>
    <message>
        <source>This file is no longer on the hub, or you are no longer in its conversation; the partial download was removed.</source>
        <translation>此文件已不在聊天服务器上，或者你已不在它所属的对话中；未下载完的部分已删除。</translation>
    </message>
</context>
<context>
    <name>confab::HostInfoPanel</name>
    <message>
        <source>&lt;b&gt;Others join at&lt;/b&gt;</source>
        <translation>&lt;b&gt;其他人通过以下地址加入&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Scan with a phone to open the room in its browser.</source>
        <translation>用手机扫码，即可在浏览器中打开聊天室。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy this address</source>
        <translation>复制此地址</translation>
    </message>
    <message>
        <source>QR</source>
        <translation>二维码</translation>
    </message>
    <message>
        <source>Show this address as a QR code</source>
        <translation>以二维码显示此地址</translation>
    </message>
    <message>
        <source>The https:// address is encrypted; browsers warn about it because no authority vouches for this computer, so check that the fingerprint on the warning page is this one (browsers write it in capitals, with colons):</source>
        <translation>https:// 地址是加密的；由于没有任何证书机构为这台电脑担保，浏览器会对它显示警告，请核对警告页上的指纹是否与下面这个一致（浏览器以大写字母和冒号显示）：</translation>
    </message>
    <message>
        <source>Copy the fingerprint</source>
        <translation>复制指纹</translation>
    </message>
</context>
<context>
    <name>confab::HubConnection</name>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Loading conversations…</source>
        <translation>正在加载会话…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>This hub does not speak API v2 (it is an older Confab).</source>
        <translation>此聊天服务器不支持 API v2（它是较旧版本的 Confab）。</translation>
    </message>
    <message>
        <source>This is not a Confab hub: %1</source>
        <translation>这不是 Confab 聊天服务器：%1</translation>
    </message>
    <message>
        <source>The host has left. Waiting for it to come back…</source>
        <translation>主持人已离开，正在等待其返回…</translation>
    </message>
    <message>
        <source>The hub keeps refusing this session.</source>
        <translation>聊天服务器一直拒绝此会话。</translation>
    </message>
    <message>
        <source>This hub is locked: it needs a password.</source>
        <translation>此聊天服务器已加锁：需要密码。</translation>
    </message>
    <message>
        <source>Wrong password for this hub.</source>
        <translation>此聊天服务器的密码错误。</translation>
    </message>
    <message>
        <source>Someone on this hub already uses the name “%1”.</source>
        <translation>此聊天服务器上已有人使用名字“%1”。</translation>
    </message>
    <message>
        <source>Names are 1 to %1 characters.</source>
        <translation>名字长度为 1 到 %1 个字符。</translation>
    </message>
    <message>
        <source>The hub answered %1.</source>
        <translation>聊天服务器返回 %1。</translation>
    </message>
    <message>
        <source>A channel with that name exists already.</source>
        <translation>已存在同名频道。</translation>
    </message>
    <message>
        <source>Channel names are 1 to 32 letters, digits, “-” or “_”; titles at most %1 characters.</source>
        <translation>频道名为 1 到 32 个字母、数字、“-”或“_”；标题最多 %1 个字符。</translation>
    </message>
    <message>
        <source>That member is not on this hub.</source>
        <translation>该成员不在此聊天服务器上。</translation>
    </message>
    <message>
        <source>You cannot send direct messages to yourself.</source>
        <translation>不能给自己发送私信。</translation>
    </message>
    <message>
        <source>You are not in this channel.</source>
        <translation>你不在此频道中。</translation>
    </message>
    <message>
        <source>There is no such conversation.</source>
        <translation>没有这个会话。</translation>
    </message>
    <message>
        <source>Only its author can change a message.</source>
        <translation>只有作者本人可以修改消息。</translation>
    </message>
    <message>
        <source>That message does not exist (or was deleted).</source>
        <translation>该消息不存在（或已被删除）。</translation>
    </message>
    <message>
        <source>The message is too long for this hub.</source>
        <translation>消息超过了此聊天服务器的长度限制。</translation>
    </message>
    <message>
        <source>Too many messages at once; try again in a moment.</source>
        <translation>消息发送过于频繁，请稍后再试。</translation>
    </message>
    <message>
        <source>The hub cannot be reached: %1</source>
        <translation>无法连接到聊天服务器：%1</translation>
    </message>
    <message>
        <source>Nobody called “%1” is on this hub.</source>
        <translation>此聊天服务器上没有名为“%1”的人。</translation>
    </message>
</context>
<context>
    <name>confab::HubTrustCheck</name>
    <message>
        <source>Checking the identity of %1…</source>
        <translation>正在核实 %1 的身份…</translation>
    </message>
    <message>
        <source>The hub at %1 no longer answers with its encrypted identity (remembered fingerprint %2). Someone may be impersonating it; Confab did not connect and sent nothing.</source>
        <translation>位于 %1 的聊天服务器不再以其加密身份应答（已记住的指纹为 %2）。可能有人在冒充它；Confab 没有连接，也没有发送任何内容。</translation>
    </message>
    <message>
        <source>Could not reach %1 (%2). Check the address, and that Confab is running there and hosting a room.</source>
        <translation>无法连接到 %1（%2）。请检查地址，并确认对方的 Confab 正在运行并主持聊天室。</translation>
    </message>
    <message>
        <source>New Hub</source>
        <translation>新的聊天服务器</translation>
    </message>
    <message>
        <source>This is the first time you join the hub at %1. Its fingerprint is:</source>
        <translation>这是你第一次加入位于 %1 的聊天服务器。它的指纹是：</translation>
    </message>
    <message>
        <source>Compare it with the fingerprint shown in the host&apos;s window, under “Others join at”. If they match, Confab remembers this hub and checks it every time.</source>
        <translation>请将它与主持人窗口中“其他人通过以下地址加入”下显示的指纹进行比对。如果一致，Confab 会记住这台聊天服务器，并在每次连接时核对。</translation>
    </message>
    <message>
        <source>Trust and Join</source>
        <translation>信任并加入</translation>
    </message>
    <message>
        <source>Hub Identity Changed</source>
        <translation>聊天服务器身份已改变</translation>
    </message>
    <message>
        <source>WARNING: the identity of the hub at %1 has changed! Confab did not connect and sent nothing.</source>
        <translation>警告：位于 %1 的聊天服务器的身份已经改变！Confab 没有连接，也没有发送任何内容。</translation>
    </message>
    <message>
        <source>This computer remembers the fingerprint
%1
but the hub now presents
%2

Someone may be impersonating the hub to read your messages, or the host gave it a new identity (for example by reinstalling Confab). Ask the host which fingerprint their window shows. Only if it is the new one, forget the old identity and join again.</source>
        <translation>这台电脑记住的指纹是
%1
但该聊天服务器现在出示的是
%2

可能有人在冒充这台聊天服务器以偷看你的消息，也可能主持人给了它新的身份（例如重新安装了 Confab）。请询问主持人其窗口中显示的指纹。只有当它是新的指纹时，才忘记旧身份并重新加入。</translation>
    </message>
    <message>
        <source>Forget Old Identity</source>
        <translation>忘记旧身份</translation>
    </message>
    <message>
        <source>Forgot the old identity of %1. Join again to check the new one.</source>
        <translation>已忘记 %1 的旧身份。请重新加入以核对新的身份。</translation>
    </message>
    <message>
        <source>Did not join %1: its identity has changed (fingerprint %2, expected %3).</source>
        <translation>没有加入 %1：它的身份已经改变（指纹为 %2，应为 %3）。</translation>
    </message>
</context>
<context>
    <name>confab::ImageViewer</name>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>This image is too large to show here (%1). Save it to open it.</source>
        <translation>这张图片太大（%1），无法在这里显示。请保存后再打开。</translation>
    </message>
    <message>
        <source>The image could not be fetched: %1</source>
        <translation>无法获取图片：%1</translation>
    </message>
    <message>
        <source>This image cannot be shown here. Save it to open it.</source>
        <translation>这张图片无法在这里显示。请保存后再打开。</translation>
    </message>
</context>
<context>
    <name>confab::MainWindow</name>
    <message>
        <source>The host closed the room.</source>
        <translation>主持人已关闭聊天室。</translation>
    </message>
    <message>
        <source>&amp;Confab</source>
        <translation>Confab(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Room</source>
        <translation>聊天室(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Leave Room</source>
        <translation>离开聊天室(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Confab</source>
        <translation>关于 Confab(&amp;A)</translation>
    </message>
    <message>
        <source>Show Confab</source>
        <translation>显示 Confab</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Confab</source>
        <translation>Confab</translation>
    </message>
    <message>
        <source>Could not start hosting: %1</source>
        <translation>无法开始主持：%1</translation>
    </message>
    <message>
        <source>The host closed the room; waiting for it to come back.</source>
        <translation>主持人已关闭聊天室，正在等待其恢复。</translation>
    </message>
    <message>
        <source>The host closed the room (%1); waiting for it to come back.</source>
        <translation>主持人已关闭聊天室（%1），正在等待其恢复。</translation>
    </message>
    <message>
        <source>Could not join %1: %2</source>
        <translation>无法加入 %1：%2</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 — Confab</source>
        <translation>%1 — Confab</translation>
    </message>
    <message>
        <source>%1 (hosting)</source>
        <translation>%1（主持中）</translation>
    </message>
    <message>
        <source>(%1) %2</source>
        <translation>(%1) %2</translation>
    </message>
    <message numerus="yes">
        <source>Confab: %n unread message(s)</source>
        <translation>
            <numerusform>Confab：%n 条未读消息</numerusform>
        </translation>
    </message>
    <message>
        <source>Confab: hosting a room</source>
        <translation>Confab：正在主持聊天室</translation>
    </message>
    <message>
        <source>You are hosting a room</source>
        <translation>你正在主持聊天室</translation>
    </message>
    <message>
        <source>Stop Hosting</source>
        <translation>停止主持</translation>
    </message>
    <message>
        <source>Keep Open in Tray</source>
        <translation>在托盘中保持开放</translation>
    </message>
    <message>
        <source>Confab is still hosting</source>
        <translation>Confab 仍在主持</translation>
    </message>
    <message>
        <source>Your room stays open. Use the tray icon to come back or quit.</source>
        <translation>你的聊天室保持开放。可通过托盘图标返回或退出。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>The new language and data folder apply the next time Confab starts.</source>
        <translation>新的语言和数据文件夹将在下次启动 Confab 时生效。</translation>
    </message>
    <message>
        <source>About Confab</source>
        <translation>关于 Confab</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Confab %1&lt;/h3&gt;&lt;p&gt;Chat with the people on your network: host a room or join one, from this app or a web browser.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Confab %1&lt;/h3&gt;&lt;p&gt;与同一网络中的人聊天：主持一个聊天室或加入一个，可使用本应用或网页浏览器。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message numerus="yes">
        <source>%n other member(s) are chatting in your room. Stopping hosting closes the room for everyone.</source>
        <translation>
            <numerusform>其他 %n 位成员正在你的聊天室中聊天。停止主持会为所有人关闭聊天室。</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody else is in your room right now. Stopping hosting closes it: nobody can join until you host again.</source>
        <translation>现在聊天室里没有其他人。停止主持会关闭聊天室：在你再次主持之前，没有人能加入。</translation>
    </message>
    <message>
        <source>You can also keep the room open in the background.</source>
        <translation>你也可以让聊天室在后台继续开放。</translation>
    </message>
    <message>
        <source>That password is wrong. Password for “%1”:</source>
        <translation>密码错误。“%1”的密码：</translation>
    </message>
    <message>
        <source>This room is locked. Password for “%1”:</source>
        <translation>此聊天室已加锁。“%1”的密码：</translation>
    </message>
    <message>
        <source>Locked Room</source>
        <translation>加锁的聊天室</translation>
    </message>
    <message>
        <source>Could not reach %1 (%2). Check the address, and that Confab is running there and hosting a room.</source>
        <translation>无法连接到 %1（%2）。请检查地址，并确认对方的 Confab 正在运行并主持聊天室。</translation>
    </message>
    <message numerus="yes">
        <source>No answer from %1 within %n second(s). Check the address, and that the host&apos;s computer is on this network.</source>
        <translation>
            <numerusform>%1 在 %n 秒内没有应答。请检查地址，并确认主持人的电脑在这个网络中。</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Switch Conversation…</source>
        <translation>切换会话(&amp;S)…</translation>
    </message>
    <message>
        <source># %1</source>
        <translation># %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>A message was not sent: %1</source>
        <translation>有一条消息未能发送：%1</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>&amp;Find in Conversation…</source>
        <translation>在会话中查找(&amp;F)…</translation>
    </message>
    <message>
        <source>Find in &amp;All Conversations…</source>
        <translation>在所有会话中查找(&amp;A)…</translation>
    </message>
</context>
<context>
    <name>confab::MemberDelegate</name>
    <message>
        <source>%1 (you)</source>
        <translation>%1（你）</translation>
    </message>
    <message>
        <source>%1 — typing…</source>
        <translation>%1 — 正在输入…</translation>
    </message>
</context>
<context>
    <name>confab::MemberPicker</name>
    <message>
        <source>Message a Member</source>
        <translation>给成员发私信</translation>
    </message>
    <message>
        <source>Type part of a name</source>
        <translation>输入名字的一部分</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>发私信</translation>
    </message>
    <message>
        <source>Nobody by that name. Members appear here once they have signed in to this hub.</source>
        <translation>没有这个名字的成员。成员登录此聊天服务器后会出现在这里。</translation>
    </message>
</context>
<context>
    <name>confab::MessageDelegate</name>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Not sent yet: waiting for the connection</source>
        <translation>尚未发送：正在等待连接</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>This message was deleted</source>
        <translation>此消息已被删除</translation>
    </message>
    <message>
        <source>(edited)</source>
        <translation>（已编辑）</translation>
    </message>
</context>
<context>
    <name>confab::MessageModel</name>
    <message>
        <source>%1 left</source>
        <translation>%1离开了</translation>
    </message>
    <message>
        <source>%1 joined</source>
        <translation>%1加入了</translation>
    </message>
</context>
<context>
    <name>confab::MessageView</name>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1，%2：%3</translation>
    </message>
    <message>
        <source>Open Link</source>
        <translation>打开链接</translation>
    </message>
    <message>
        <source>Copy Link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <source>Copy Message Text</source>
        <translation>复制消息文本</translation>
    </message>
    <message>
        <source>Select Part of the Text</source>
        <translation>选择部分文本</translation>
    </message>
    <message>
        <source>Copy Selected Messages</source>
        <translation>复制所选消息</translation>
    </message>
    <message>
        <source>Edit Message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <source>Delete Message…</source>
        <translation>删除消息…</translation>
    </message>
</context>
<context>
    <name>confab::NewChannelDialog</name>
    <message>
        <source>New Channel</source>
        <translation>新建频道</translation>
    </message>
    <message>
        <source>e.g. Lunch plans</source>
        <translation>例如：午饭安排</translation>
    </message>
    <message>
        <source>Optional: what it is about</source>
        <translation>可选：频道是关于什么的</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Topic:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>Give the channel a name.</source>
        <translation>请给频道起个名字。</translation>
    </message>
    <message>
        <source>Not connected to the hub right now. Try again once it is back.</source>
        <translation>现在未连接到聊天服务器。恢复连接后请再试。</translation>
    </message>
</context>
<context>
    <name>confab::QuickSwitcher</name>
    <message>
        <source>Switch Conversation</source>
        <translation>切换会话</translation>
    </message>
    <message>
        <source>Type part of a channel or member name</source>
        <translation>输入频道或成员名字的一部分</translation>
    </message>
    <message>
        <source>↑↓ to choose, Enter to open, Esc to close</source>
        <translation>↑↓ 选择，Enter 打开，Esc 关闭</translation>
    </message>
</context>
<context>
    <name>confab::RoomHost</name>
    <message>
        <source>The host closed the room.</source>
        <translation>主持人已关闭聊天室。</translation>
    </message>
    <message>
        <source>Port %1 is already in use, perhaps by another Confab hosting a room. Choose another port, or “any free port” (0).</source>
        <translation>端口 %1 已被占用，可能是另一个 Confab 正在主持聊天室。请换一个端口，或选择“任意空闲端口”（0）。</translation>
    </message>
    <message>
        <source>Port %1 needs administrator rights on this computer. Choose a port from 1024 up, or “any free port” (0).</source>
        <translation>在这台电脑上使用端口 %1 需要管理员权限。请选择 1024 及以上的端口，或选择“任意空闲端口”（0）。</translation>
    </message>
    <message>
        <source>This computer has no address %1 to host on.</source>
        <translation>这台电脑没有可用于主持的地址 %1。</translation>
    </message>
    <message>
        <source>The room could not be opened (%1).</source>
        <translation>无法开放聊天室（%1）。</translation>
    </message>
</context>
<context>
    <name>confab::SearchPanel</name>
    <message>
        <source>Not connected to a hub.</source>
        <translation>未连接到聊天服务器。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>No messages match “%1”.</source>
        <translation>没有与“%1”匹配的消息。</translation>
    </message>
    <message>
        <source>No messages in %1 match “%2”.</source>
        <translation>%1 中没有与“%2”匹配的消息。</translation>
    </message>
    <message>
        <source>Nothing found yet; the hub stopped looking early. Press More to search older messages.</source>
        <translation>暂未找到；聊天服务器提前停止了查找。点击“更多结果”以搜索更早的消息。</translation>
    </message>
    <message>
        <source>Type at least two characters to search.</source>
        <translation>请至少输入两个字符再搜索。</translation>
    </message>
    <message>
        <source>This search cannot be done: %1</source>
        <translation>无法进行此搜索：%1</translation>
    </message>
    <message>
        <source>The hub did not answer. Try again when the connection is back.</source>
        <translation>聊天服务器没有响应。请在连接恢复后重试。</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>搜索失败：%1</translation>
    </message>
    <message>
        <source>Search all conversations</source>
        <translation>搜索所有会话</translation>
    </message>
    <message>
        <source>Search in %1</source>
        <translation>在 %1 中搜索</translation>
    </message>
    <message>
        <source>Words to find (two characters or more)</source>
        <translation>要查找的词（至少两个字符）</translation>
    </message>
    <message>
        <source>More results</source>
        <translation>更多结果</translation>
    </message>
</context>
<context>
    <name>confab::SettingsDialog</name>
    <message>
        <source>Show a notification for new messages while Confab is in the background</source>
        <translation>Confab 在后台时，收到新消息显示通知</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Data Folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation>你的名字(&amp;N)：</translation>
    </message>
    <message>
        <source>Notifications:</source>
        <translation>通知：</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Data folder:</source>
        <translation>数据文件夹(&amp;D)：</translation>
    </message>
</context>
<context>
    <name>confab::SseClient</name>
    <message numerus="yes">
        <source>Reconnecting in %n s.</source>
        <translation>
            <numerusform>%n 秒后重新连接。</numerusform>
        </translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>The server answered %1 %2</source>
        <translation>服务器返回 %1 %2</translation>
    </message>
    <message>
        <source>Not an event stream (Content-Type: %1)</source>
        <translation>不是事件流（Content-Type：%1）</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>The stream sent an oversized line or event.</source>
        <translation>事件流发送了过大的行或事件。</translation>
    </message>
    <message>
        <source>The stream ended.</source>
        <translation>事件流已结束。</translation>
    </message>
    <message numerus="yes">
        <source>No data for %n s.</source>
        <translation>
            <numerusform>%n 秒内没有收到数据。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>confab::StartPage</name>
    <message>
        <source>%1&apos;s room</source>
        <translation>%1的聊天室</translation>
    </message>
    <message>
        <source>Join Selected Room</source>
        <translation>加入所选聊天室</translation>
    </message>
    <message>
        <source>Chat with people on your network: host a room, or join one.</source>
        <translation>与同一网络中的人聊天：主持一个聊天室，或加入一个。</translation>
    </message>
    <message>
        <source>How others see you</source>
        <translation>其他人看到的名字</translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation>你的名字(&amp;N)：</translation>
    </message>
    <message>
        <source>Host a room</source>
        <translation>主持聊天室</translation>
    </message>
    <message>
        <source>e.g. Lab 3</source>
        <translation>例如：三号实验室</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>&amp;Start Hosting</source>
        <translation>开始主持(&amp;S)</translation>
    </message>
    <message>
        <source>Room &amp;title:</source>
        <translation>聊天室名称(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>Your computer keeps the room. Others on the network join it with Confab or a web browser.</source>
        <translation>聊天室由你的电脑保存。网络中的其他人可以用 Confab 或网页浏览器加入。</translation>
    </message>
    <message>
        <source>Join a room</source>
        <translation>加入聊天室</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>聊天室</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主持人</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>访问</translation>
    </message>
    <message>
        <source>Looking for rooms on your network…</source>
        <translation>正在查找网络中的聊天室…</translation>
    </message>
    <message>
        <source>Can&apos;t find a room?</source>
        <translation>找不到聊天室？</translation>
    </message>
    <message>
        <source>Address, e.g. 192.168.1.20:8848</source>
        <translation>地址，例如 192.168.1.20:8848</translation>
    </message>
    <message>
        <source>only for locked rooms</source>
        <translation>仅加锁的聊天室需要</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>加入(&amp;J)</translation>
    </message>
    <message>
        <source>Rooms on your network:</source>
        <translation>网络中的聊天室：</translation>
    </message>
    <message>
        <source>Or type the address the host gave you:</source>
        <translation>或输入主持人提供的地址：</translation>
    </message>
    <message>
        <source>Recent rooms (click to rejoin):</source>
        <translation>最近的聊天室（点击重新加入）：</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Rejoin %1</source>
        <translation>重新加入“%1”</translation>
    </message>
    <message>
        <source>Rooms you join will show here.</source>
        <translation>你加入过的聊天室会显示在这里。</translation>
    </message>
    <message>
        <source>Enter your name first: it is how others see you in the room.</source>
        <translation>请先输入你的名字：这是其他人在聊天室中看到的名字。</translation>
    </message>
    <message>
        <source>That does not look like an address. Type what the host sees under &quot;Others join at&quot;, e.g. 192.168.1.20:8848.</source>
        <translation>这不像是一个地址。请输入主持人在“其他人通过以下地址加入”下看到的地址，例如 192.168.1.20:8848。</translation>
    </message>
    <message>
        <source>Locked Room</source>
        <translation>加锁的聊天室</translation>
    </message>
    <message>
        <source>Password for “%1”:</source>
        <translation>“%1”的密码：</translation>
    </message>
    <message>
        <source>🔒 Password</source>
        <translation>🔒 需要密码</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>开放</translation>
    </message>
    <message>
        <source>No rooms found on your network yet. Rooms appear here by themselves when someone hosts one.</source>
        <translation>网络中暂未发现聊天室。有人主持聊天室时，它会自动出现在这里。</translation>
    </message>
    <message>
        <source>This computer&apos;s addresses:</source>
        <translation>本机地址：</translation>
    </message>
    <message>
        <source>  (none: this computer is not connected to a network)</source>
        <translation>  （无：本机未连接到网络）</translation>
    </message>
    <message>
        <source>What to check:
• Both computers are on the same network (same Wi-Fi or cable, same subnet: the first three numbers of the address usually match).
• The host&apos;s firewall lets Confab in: TCP port %1 (or the port the host chose) for chatting and UDP port %2 for finding rooms.
• Guest and public Wi-Fi often keep devices apart; rooms cannot be found or joined there.
• If the room does not appear, type the address the host sees under &quot;Others join at&quot; into the address field.</source>
        <translation>请检查：
• 两台电脑在同一网络中（同一 Wi-Fi 或有线网络、同一子网：地址的前三段数字通常相同）。
• 主持人的防火墙允许 Confab 通过：聊天使用 TCP 端口 %1（或主持人选择的端口），查找聊天室使用 UDP 端口 %2。
• 访客和公共 Wi-Fi 通常会隔离设备，在这类网络中无法查找或加入聊天室。
• 如果聊天室没有出现，请在地址栏中输入主持人在“其他人通过以下地址加入”下看到的地址。</translation>
    </message>
    <message>
        <source>The link&apos;s fingerprint (after #fp=) is not 64 hexadecimal digits. Copy the whole link again from the host&apos;s window.</source>
        <translation>链接中的指纹（#fp= 之后的部分）不是 64 位十六进制数字。请从主持人的窗口重新复制完整的链接。</translation>
    </message>
</context>
<context>
    <name>confab::TlsProbe</name>
    <message>
        <source>no answer</source>
        <translation>没有应答</translation>
    </message>
</context>
<context>
    <name>confab::TransferStrip</name>
    <message>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 · waiting for the hub…</source>
        <translation>%1 · 正在等待聊天服务器…</translation>
    </message>
    <message>
        <source>Paused at %1</source>
        <translation>已暂停：%1</translation>
    </message>
    <message>
        <source>resumed at %1</source>
        <translation>从 %1 处继续</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>confab::TusUpload</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 changed size during the upload.</source>
        <translation>%1 在上传过程中大小发生了变化。</translation>
    </message>
    <message>
        <source>The hub did not create the upload (HTTP %1).</source>
        <translation>聊天服务器没有创建上传（HTTP %1）。</translation>
    </message>
    <message>
        <source>The hub&apos;s answer to a new upload has no Location.</source>
        <translation>聊天服务器对新上传的回应中没有 Location。</translation>
    </message>
    <message>
        <source>The hub reported no usable offset for the upload.</source>
        <translation>聊天服务器没有给出可用的上传偏移量。</translation>
    </message>
    <message>
        <source>%1 is not the file this upload started with (%2 bytes, not %3).</source>
        <translation>%1 已不是开始上传时的那个文件（现在 %2 字节，原来 %3 字节）。</translation>
    </message>
    <message>
        <source>The hub answered a PATCH without a usable Upload-Offset.</source>
        <translation>聊天服务器对 PATCH 的回应中没有可用的 Upload-Offset。</translation>
    </message>
</context>
<context>
    <name>confab::runDesktop</name>
    <message>
        <source>Chat with people on your network: host a room or join one.</source>
        <translation>与同一网络中的人聊天：主持一个聊天室或加入一个。</translation>
    </message>
    <message>
        <source>Host a room right away.</source>
        <translation>立即主持聊天室。</translation>
    </message>
    <message>
        <source>Join the room at URL right away.</source>
        <translation>立即加入 URL 处的聊天室。</translation>
    </message>
    <message>
        <source>Your name in the room.</source>
        <translation>你在聊天室中的名字。</translation>
    </message>
    <message>
        <source>Address a hosted room listens on (default: all; 127.0.0.1 keeps it on this computer).</source>
        <translation>主持的聊天室监听的地址（默认：全部；127.0.0.1 表示仅限本机）。</translation>
    </message>
    <message>
        <source>Port a hosted room listens on.</source>
        <translation>主持的聊天室监听的端口。</translation>
    </message>
    <message>
        <source>Not an IP address: %1</source>
        <translation>不是 IP 地址：%1</translation>
    </message>
    <message>
        <source>Not a hub address: %1</source>
        <translation>不是聊天服务器地址：%1</translation>
    </message>
</context>
</TS>
