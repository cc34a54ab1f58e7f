#pragma once
// Confab wire protocol constants shared by the hub (server/) and its clients (app/, the web page).
// docs/protocol.md is the prose description of everything named here; keep the two in step.

#include <QtGlobal>

namespace confab::protocol {

// Bumped on an incompatible change of the HTTP API, the event stream or the beacon.
inline constexpr int ApiVersion = 1;
inline constexpr char ApiPrefix[] = "/api/v1";
// API v2: one token per hub, conversations (channels and direct messages), one stream per member.
inline constexpr char ApiV2Prefix[] = "/api/v2";
inline constexpr char KindChannel[] = "channel";
inline constexpr char KindDm[] = "dm";
inline constexpr int MaxTitleChars = 64;
inline constexpr int MaxTopicChars = 250;

inline constexpr quint16 DefaultHubPort = 8848;
inline constexpr char DefaultRoomId[] = "lobby";

// Event stream timing. The client treats ~2.5 heartbeats of silence as a dead link.
inline constexpr int DefaultHeartbeatMs = 15000;
inline constexpr int DefaultRetryMs = 3000;

// Content limits both ends agree on (the hub's are settings with these defaults).
inline constexpr int MaxNameChars = 32;
inline constexpr int DefaultMaxTextChars = 4000;
inline constexpr int DefaultMaxBodyBytes = 64 * 1024;
inline constexpr int MaxClientIdChars = 64;
inline constexpr int MaxRoomIdChars = 32;
inline constexpr int MaxHistoryPage = 200;

// SSE event names (the `event:` field).
inline constexpr char EventMessage[] = "message";
inline constexpr char EventPresence[] = "presence";
inline constexpr char EventTyping[] = "typing";
inline constexpr char EventReset[] = "reset";
inline constexpr char EventBye[] = "bye";
inline constexpr char EventRead[] = "read"; // API v2, to the member alone
inline constexpr char EventMessageEdited[] = "message_edited"; // API v2
inline constexpr char EventMessageDeleted[] = "message_deleted"; // API v2
// API v2, to the member alone (ephemeral): they joined or left a conversation (any device).
inline constexpr char EventConversationAdded[] = "conversation_added";
inline constexpr char EventConversationRemoved[] = "conversation_removed";
// API v2 calls (issue 13): to a call's two parties alone, with ids from the hub-wide sequence.
inline constexpr char EventCallRinging[] = "call_ringing";
inline constexpr char EventCallAccepted[] = "call_accepted";
inline constexpr char EventCallSignal[] = "call_signal";
inline constexpr char EventCallEnded[] = "call_ended";
inline constexpr char CallEventPrefix[] = "call_";

// Error codes: the `code` of an error body (docs/protocol.md, "Errors"). Stable machine words that
// clients may branch on; the hub answers with these and nothing else.
namespace error {
inline constexpr char BadJson[] = "bad_json";
inline constexpr char BadRequest[] = "bad_request";
inline constexpr char BadName[] = "bad_name";
inline constexpr char Unauthorized[] = "unauthorized";
inline constexpr char WrongPassword[] = "wrong_password";
inline constexpr char ForbiddenOrigin[] = "forbidden_origin";
inline constexpr char NotFound[] = "not_found";
inline constexpr char UnknownRoom[] = "unknown_room";
inline constexpr char MethodNotAllowed[] = "method_not_allowed";
inline constexpr char NameTaken[] = "name_taken";
inline constexpr char LengthRequired[] = "length_required";
inline constexpr char BodyTooLarge[] = "body_too_large";
inline constexpr char TextTooLong[] = "text_too_long";
inline constexpr char RateLimited[] = "rate_limited";
inline constexpr char HeadersTooLarge[] = "headers_too_large";
inline constexpr char StoreFailed[] = "store_failed";
inline constexpr char Internal[] = "internal";
inline constexpr char TooManyConnections[] = "too_many_connections";
inline constexpr char ShuttingDown[] = "shutting_down";
// API v2
inline constexpr char UnknownConversation[]
    = "unknown_conversation"; // 404; also a DM you are not in
inline constexpr char NotAMember[] = "not_a_member"; // 403: a channel you have not joined
inline constexpr char ChannelTaken[] = "channel_taken"; // 409
inline constexpr char BadChannel[] = "bad_channel"; // 400: malformed id, title or topic
inline constexpr char UnknownMember[] = "unknown_member"; // 404
inline constexpr char DmWithSelf[] = "dm_with_self"; // 400
inline constexpr char UnknownMessage[] = "unknown_message"; // 404
inline constexpr char NotAuthor[] = "not_author"; // 403: editing or deleting another's message
// Calls (docs/protocol.md, "Calls")
inline constexpr char CallSelf[] = "call_self"; // 400
inline constexpr char Busy[] = "busy"; // 409: a party is in a ringing or active call
inline constexpr char AlreadyAnswered[] = "already_answered"; // 409
inline constexpr char NotCallee[] = "not_callee"; // 403: accept/decline by the caller
inline constexpr char UnknownCall[] = "unknown_call"; // 404; also a call of others
inline constexpr char CallEnded[] = "call_ended"; // 410
inline constexpr char CallNotActive[] = "call_not_active"; // 409: a signal while ringing
inline constexpr char WrongDevice[] = "wrong_device"; // 403: a signal from a device not in it
inline constexpr char SdpTooLarge[] = "sdp_too_large"; // 413
// Search (400): q missing, over the length limit, with control characters or not UTF-8; or with
// no term of two characters or more.
inline constexpr char BadQuery[] = "bad_query";
inline constexpr char QueryTooShort[] = "query_too_short";
} // namespace error

// `reason` of a `reset` event.
namespace resetreason {
inline constexpr char UnknownId[] = "unknown_id";
inline constexpr char AheadOfRoom[] = "ahead_of_room";
inline constexpr char TooOld[] = "too_old";
// The id was handed out before the hub's data was upgraded to hub-wide sequence numbers.
inline constexpr char BeforeUpgrade[] = "before_upgrade";
// The stream named another hub's data (`hubInstance` query parameter): its ids mean nothing here.
inline constexpr char OtherHub[] = "other_hub";
} // namespace resetreason

// LAN beacon (UDP). See docs/protocol.md "LAN beacon".
inline constexpr quint16 BeaconPort = 8849;
inline constexpr char BeaconMulticastV4[] = "239.255.77.88";
inline constexpr char BeaconMulticastV6[] = "ff12::7788";
inline constexpr int BeaconMaxBytes = 1024;
inline constexpr int BeaconIntervalMs = 3000;

} // namespace confab::protocol
