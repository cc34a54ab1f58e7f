# The hub: HTTP API, event stream fan-out, store, limits (issue 2), in layers (issue 9):
#   hub.*   the composition root          api/    router + one routes file per resource
#   chat/   services (identity, conversations, messages)
#   store/  ChatStore + SQLite            bus/    EventBus + the local fan-out
# The HTTP adapter, connection guard and request types stay at the top level.
set(_hub ${CMAKE_CURRENT_LIST_DIR})
target_sources(confab_server PRIVATE
    ${_hub}/hubsettings.h
    ${_hub}/hub.h ${_hub}/hub.cpp
    ${_hub}/hubidentity.h ${_hub}/hubidentity.cpp
    ${_hub}/tlspolicy.h ${_hub}/tlspolicy.cpp
    ${_hub}/httpmessage.h ${_hub}/httpmessage.cpp
    ${_hub}/httpserveradapter.h ${_hub}/httpserveradapter.cpp
    ${_hub}/guardedtcpserver.h ${_hub}/guardedtcpserver.cpp
    ${_hub}/websocketframes.h ${_hub}/websocketframes.cpp
    ${_hub}/idlestreamwatcher.h ${_hub}/idlestreamwatcher.cpp
    ${_hub}/socketnotifiers.h
    ${_hub}/idlesocketbuffers.h ${_hub}/idlesocketbuffers.cpp
    ${_hub}/tokenbucket.h ${_hub}/tokenbucket.cpp
    ${_hub}/passwordcheck.h ${_hub}/passwordcheck.cpp
    ${_hub}/api/router.h ${_hub}/api/router.cpp
    ${_hub}/api/apierrors.h ${_hub}/api/jsonbody.h ${_hub}/api/routes.h
    ${_hub}/api/sessionroutes.cpp
    ${_hub}/api/roomroutes.cpp
    ${_hub}/api/messageroutes.cpp
    ${_hub}/api/eventroutes.cpp
    ${_hub}/api/channelroutes.cpp
    ${_hub}/api/conversationroutes.cpp
    ${_hub}/api/opsroutes.cpp
    ${_hub}/api/staticroutes.cpp
    ${_hub}/api/searchroutes.cpp
    ${_hub}/api/uploadroutes.cpp
    ${_hub}/api/fileroutes.cpp
    ${_hub}/files/sha256.h ${_hub}/files/sha256.cpp
    ${_hub}/files/filetypes.h ${_hub}/files/filetypes.cpp
    ${_hub}/files/fileservice.h ${_hub}/files/fileservice.cpp
    ${_hub}/files/uploadreceiver.h ${_hub}/files/uploadreceiver.cpp
    ${_hub}/files/uploadtransfer.h ${_hub}/files/uploadtransfer.cpp
    ${_hub}/files/filesender.h ${_hub}/files/filesender.cpp
    ${_hub}/api/callroutes.cpp
    ${_hub}/chat/outcome.h
    ${_hub}/chat/identityservice.h ${_hub}/chat/identityservice.cpp
    ${_hub}/chat/handoffcodes.h ${_hub}/chat/handoffcodes.cpp
    ${_hub}/chat/filescookies.h ${_hub}/chat/filescookies.cpp
    ${_hub}/chat/conversationservice.h ${_hub}/chat/conversationservice.cpp
    ${_hub}/chat/messageservice.h ${_hub}/chat/messageservice.cpp
    ${_hub}/chat/searchservice.h ${_hub}/chat/searchservice.cpp
    ${_hub}/chat/callservice.h ${_hub}/chat/callservice.cpp
    ${_hub}/chat/iceservers.h ${_hub}/chat/iceservers.cpp
    ${_hub}/store/chatstore.h
    ${_hub}/store/sqlitechatstore.h ${_hub}/store/sqlitechatstore.cpp
    ${_hub}/store/walcheckpointer.h ${_hub}/store/walcheckpointer.cpp
    ${_hub}/store/searchindex.h
    ${_hub}/store/filestore.h
    ${_hub}/store/sqlitefilestore.h ${_hub}/store/sqlitefilestore.cpp
    ${_hub}/store/sqlitesearchindex.h ${_hub}/store/sqlitesearchindex.cpp
    ${_hub}/bus/publishableevent.h ${_hub}/bus/eventbus.h
    ${_hub}/bus/localeventbus.h ${_hub}/bus/localeventbus.cpp
    ${_hub}/bus/eventfanout.h ${_hub}/bus/eventfanout.cpp
)
# The hub's TLS identity is created with libcrypto (Qt can load keys and certificates, not make them).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
target_link_libraries(confab_server PRIVATE OpenSSL::Crypto)
# Files: thumbnails are decoded with QImageReader (Qt Gui's image I/O, no window system needed).
target_link_libraries(confab_server PRIVATE Qt6::Gui)
