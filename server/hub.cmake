# The hub: HTTP API, event stream fan-out, store, limits (issue 2).
target_sources(confab_server PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/hubsettings.h
    ${CMAKE_CURRENT_LIST_DIR}/hub.h ${CMAKE_CURRENT_LIST_DIR}/hub.cpp
    ${CMAKE_CURRENT_LIST_DIR}/hubidentity.h ${CMAKE_CURRENT_LIST_DIR}/hubidentity.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tlspolicy.h ${CMAKE_CURRENT_LIST_DIR}/tlspolicy.cpp
    ${CMAKE_CURRENT_LIST_DIR}/httpmessage.h ${CMAKE_CURRENT_LIST_DIR}/httpmessage.cpp
    ${CMAKE_CURRENT_LIST_DIR}/httpserveradapter.h ${CMAKE_CURRENT_LIST_DIR}/httpserveradapter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/guardedtcpserver.h ${CMAKE_CURRENT_LIST_DIR}/guardedtcpserver.cpp
    ${CMAKE_CURRENT_LIST_DIR}/idlestreamwatcher.h ${CMAKE_CURRENT_LIST_DIR}/idlestreamwatcher.cpp
    ${CMAKE_CURRENT_LIST_DIR}/eventfanout.h ${CMAKE_CURRENT_LIST_DIR}/eventfanout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/hubstore.h ${CMAKE_CURRENT_LIST_DIR}/hubstore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/walcheckpointer.h ${CMAKE_CURRENT_LIST_DIR}/walcheckpointer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenbucket.h ${CMAKE_CURRENT_LIST_DIR}/tokenbucket.cpp
    ${CMAKE_CURRENT_LIST_DIR}/passwordcheck.h ${CMAKE_CURRENT_LIST_DIR}/passwordcheck.cpp
)
# The hub's TLS identity is created with libcrypto (Qt can load keys and certificates, not make them).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
target_link_libraries(confab_server PRIVATE OpenSSL::Crypto)
