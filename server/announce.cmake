# LAN beacon announcer: tells joiners on the LAN which rooms this hub serves (docs/protocol.md).
target_sources(confab_server PRIVATE lanannouncer.h lanannouncer.cpp)
