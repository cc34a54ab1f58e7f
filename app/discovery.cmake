# LAN discovery: the joining side of the beacon (docs/protocol.md, "LAN beacon").
target_sources(confab_client PRIVATE landiscovery.h landiscovery.cpp)
target_sources(confab_client PRIVATE lanaddresses.h lanaddresses.cpp)
# Trust on first use for hubs joined by address: remembered fingerprints and the TLS probe.
target_sources(confab_client PRIVATE hubtrust.h hubtrust.cpp)
