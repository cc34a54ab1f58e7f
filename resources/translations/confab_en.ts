<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>confab::AttachmentController</name>
    <message>
        <source>Attach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a file (or drop files here, or paste an image)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a folder: send the files in it, or a zip of it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pasted image %1.png</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The pasted image could not be saved for sending.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::AttachmentView</name>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading image…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::CallBanner</name>
    <message>
        <source>Accept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is calling (video)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is calling</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::CallButtons</name>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call %1 (opens in your web browser)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video call with %1 (opens in your web browser)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::CallController</name>
    <message>
        <source>Incoming video call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is calling (video)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is calling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the call in your web browser…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not decline: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video call</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::CallHandoff</name>
    <message>
        <source>The hub did not give a link for the browser: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confab could not open your web browser.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::CallSummary</name>
    <message>
        <source>Missed video call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declined video call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declined call</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Video call, %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call, %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>confab::ChannelBrowser</name>
    <message>
        <source>Browse Channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the hub&apos;s channels…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There are no channels yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joining…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::ChatPage</name>
    <message>
        <source>Leave Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n online</source>
        <translation>
            <numerusform>%1 of %n online</numerusform>
            <numerusform>%1 of %n online</numerusform>
        </translation>
    </message>
    <message>
        <source>Hide Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host closed the room. Messages you write now are sent when it opens again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source># %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You and %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members of #%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everyone on This Hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write to any member of the hub, in this conversation or not</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::Composer</name>
    <message>
        <source>Write a message… (Enter sends, Shift+Enter for a new line)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::ConnectionStatus</name>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>reconnecting in %n s…</source>
        <translation>
            <numerusform>reconnecting in %n s…</numerusform>
            <numerusform>reconnecting in %n s…</numerusform>
        </translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection lost, %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host unreachable (%1), %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot join: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> · %n message(s) waiting to be sent</source>
        <translation>
            <numerusform> · %n message waiting to be sent</numerusform>
            <numerusform> · %n messages waiting to be sent</numerusform>
        </translation>
    </message>
    <message>
        <source>Connection lost, reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::ConversationSidebar</name>
    <message>
        <source>Channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Direct messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody yet. Click a member, or use +.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Channel…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse Channels…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See all channels and join one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write to one member</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::ConversationView</name>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too long to send: %1 characters, the limit is %2. Shorten it, or send it as several messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A message was not sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Editing your message. Enter saves, Esc cancels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete this message? Everyone in the conversation will see that it was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n people are typing…</numerusform>
            <numerusform>%n people are typing…</numerusform>
        </translation>
    </message>
    <message>
        <source>You are reading older messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump to newest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That message cannot be shown: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::FileDownload</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub sent another part of the file than asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The download ended early (%1 of %2 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The downloaded file is not the one the hub describes (SHA-256 differs); it was discarded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot move the download to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This file is no longer on the hub, or you are no longer in its conversation; the partial download was removed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::HostInfoPanel</name>
    <message>
        <source>&lt;b&gt;Others join at&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan with a phone to open the room in its browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy this address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show this address as a QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The https:// address is encrypted; browsers warn about it because no authority vouches for this computer, so check that the fingerprint on the warning page is this one (browsers write it in capitals, with colons):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::HubConnection</name>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading conversations…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This hub does not speak API v2 (it is an older Confab).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a Confab hub: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host has left. Waiting for it to come back…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub keeps refusing this session.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This hub is locked: it needs a password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong password for this hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone on this hub already uses the name “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Names are 1 to %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub answered %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A channel with that name exists already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel names are 1 to 32 letters, digits, “-” or “_”; titles at most %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That member is not on this hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You cannot send direct messages to yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not in this channel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no such conversation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only its author can change a message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That message does not exist (or was deleted).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message is too long for this hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many messages at once; try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub cannot be reached: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody called “%1” is on this hub.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::HubTrustCheck</name>
    <message>
        <source>Checking the identity of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub at %1 no longer answers with its encrypted identity (remembered fingerprint %2). Someone may be impersonating it; Confab did not connect and sent nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach %1 (%2). Check the address, and that Confab is running there and hosting a room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is the first time you join the hub at %1. Its fingerprint is:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare it with the fingerprint shown in the host&apos;s window, under “Others join at”. If they match, Confab remembers this hub and checks it every time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust and Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hub Identity Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WARNING: the identity of the hub at %1 has changed! Confab did not connect and sent nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer remembers the fingerprint
%1
but the hub now presents
%2

Someone may be impersonating the hub to read your messages, or the host gave it a new identity (for example by reinstalling Confab). Ask the host which fingerprint their window shows. Only if it is the new one, forget the old identity and join again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forget Old Identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forgot the old identity of %1. Join again to check the new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Did not join %1: its identity has changed (fingerprint %2, expected %3).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::ImageViewer</name>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This image is too large to show here (%1). Save it to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The image could not be fetched: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This image cannot be shown here. Save it to open it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::MainWindow</name>
    <message>
        <source>The host closed the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Leave Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start hosting: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host closed the room; waiting for it to come back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host closed the room (%1); waiting for it to come back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not join %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (hosting)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%1) %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Confab: %n unread message(s)</source>
        <translation>
            <numerusform>Confab: %n unread message</numerusform>
            <numerusform>Confab: %n unread messages</numerusform>
        </translation>
    </message>
    <message>
        <source>Confab: hosting a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are hosting a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop Hosting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep Open in Tray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confab is still hosting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your room stays open. Use the tray icon to come back or quit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new language and data folder apply the next time Confab starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Confab %1&lt;/h3&gt;&lt;p&gt;Chat with the people on your network: host a room or join one, from this app or a web browser.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n other member(s) are chatting in your room. Stopping hosting closes the room for everyone.</source>
        <translation>
            <numerusform>%n other member is chatting in your room. Stopping hosting closes the room for everyone.</numerusform>
            <numerusform>%n other members are chatting in your room. Stopping hosting closes the room for everyone.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody else is in your room right now. Stopping hosting closes it: nobody can join until you host again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can also keep the room open in the background.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That password is wrong. Password for “%1”:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This room is locked. Password for “%1”:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach %1 (%2). Check the address, and that Confab is running there and hosting a room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>No answer from %1 within %n second(s). Check the address, and that the host&apos;s computer is on this network.</source>
        <translation>
            <numerusform>No answer from %1 within %n second. Check the address, and that the host&apos;s computer is on this network.</numerusform>
            <numerusform>No answer from %1 within %n seconds. Check the address, and that the host&apos;s computer is on this network.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Switch Conversation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source># %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A message was not sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find in Conversation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find in &amp;All Conversations…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::MemberDelegate</name>
    <message>
        <source>%1 (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — typing…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::MemberPicker</name>
    <message>
        <source>Message a Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type part of a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody by that name. Members appear here once they have signed in to this hub.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::MessageDelegate</name>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent yet: waiting for the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message was deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(edited)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::MessageModel</name>
    <message>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 joined</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::MessageView</name>
    <message>
        <source>%1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Message Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select Part of the Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Selected Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Message…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::NewChannelDialog</name>
    <message>
        <source>New Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Lunch plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: what it is about</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Topic:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the channel a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to the hub right now. Try again once it is back.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::QuickSwitcher</name>
    <message>
        <source>Switch Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type part of a channel or member name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>↑↓ to choose, Enter to open, Esc to close</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::RoomHost</name>
    <message>
        <source>The host closed the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port %1 is already in use, perhaps by another Confab hosting a room. Choose another port, or “any free port” (0).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port %1 needs administrator rights on this computer. Choose a port from 1024 up, or “any free port” (0).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer has no address %1 to host on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The room could not be opened (%1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::SearchPanel</name>
    <message>
        <source>Not connected to a hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No messages match “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No messages in %1 match “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing found yet; the hub stopped looking early. Press More to search older messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type at least two characters to search.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This search cannot be done: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub did not answer. Try again when the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search all conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words to find (two characters or more)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More results</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::SettingsDialog</name>
    <message>
        <source>Show a notification for new messages while Confab is in the background</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Data folder:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::SseClient</name>
    <message numerus="yes">
        <source>Reconnecting in %n s.</source>
        <translation>
            <numerusform>Reconnecting in %n s.</numerusform>
            <numerusform>Reconnecting in %n s.</numerusform>
        </translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answered %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not an event stream (Content-Type: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stream sent an oversized line or event.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stream ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>No data for %n s.</source>
        <translation>
            <numerusform>No data for %n s.</numerusform>
            <numerusform>No data for %n s.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>confab::StartPage</name>
    <message>
        <source>%1&apos;s room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join Selected Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with people on your network: host a room, or join one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How others see you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Lab 3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any free port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start Hosting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room &amp;title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your computer keeps the room. Others on the network join it with Confab or a web browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for rooms on your network…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Can&apos;t find a room?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address, e.g. 192.168.1.20:8848</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only for locked rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rooms on your network:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or type the address the host gave you:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent rooms (click to rejoin):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejoin %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rooms you join will show here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your name first: it is how others see you in the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That does not look like an address. Type what the host sees under &quot;Others join at&quot;, e.g. 192.168.1.20:8848.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password for “%1”:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>🔒 Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No rooms found on your network yet. Rooms appear here by themselves when someone hosts one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer&apos;s addresses:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  (none: this computer is not connected to a network)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to check:
• Both computers are on the same network (same Wi-Fi or cable, same subnet: the first three numbers of the address usually match).
• The host&apos;s firewall lets Confab in: TCP port %1 (or the port the host chose) for chatting and UDP port %2 for finding rooms.
• Guest and public Wi-Fi often keep devices apart; rooms cannot be found or joined there.
• If the room does not appear, type the address the host sees under &quot;Others join at&quot; into the address field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The link&apos;s fingerprint (after #fp=) is not 64 hexadecimal digits. Copy the whole link again from the host&apos;s window.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::TlsProbe</name>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::TransferStrip</name>
    <message>
        <source>%1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · waiting for the hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resumed at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::TusUpload</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 changed size during the upload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub did not create the upload (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub&apos;s answer to a new upload has no Location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub reported no usable offset for the upload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not the file this upload started with (%2 bytes, not %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub answered a PATCH without a usable Upload-Offset.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>confab::runDesktop</name>
    <message>
        <source>Chat with people on your network: host a room or join one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a room right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the room at URL right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your name in the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address a hosted room listens on (default: all; 127.0.0.1 keeps it on this computer).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port a hosted room listens on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not an IP address: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a hub address: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
