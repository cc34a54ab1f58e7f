# Hosting: the hub with its identity and LAN announcer (HubHost, used by the window too) and
# `confab serve`, the hub without a window (issue 2).
target_sources(confab_app PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/hubhost.h ${CMAKE_CURRENT_LIST_DIR}/hubhost.cpp
    ${CMAKE_CURRENT_LIST_DIR}/servecommand.cpp
    ${CMAKE_CURRENT_LIST_DIR}/signalwatcher.h ${CMAKE_CURRENT_LIST_DIR}/signalwatcher.cpp
)
