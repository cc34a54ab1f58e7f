# The join role: stream client, REST calls, chat session and its models, confab listen/send/join.
target_sources(confab_client PRIVATE
    backoff.h backoff.cpp
    sseclient.h sseclient.cpp
    hubapi.h hubapi.cpp
    pinnedtls.h pinnedtls.cpp
    sessionstore.h sessionstore.cpp
    messagemodel.h messagemodel.cpp
    membermodel.h membermodel.cpp
    conversationlistmodel.h conversationlistmodel.cpp
    conversation.h conversation.cpp
    hubconnection.h hubconnection_p.h hubconnection.cpp
    calls.h calls.cpp
    callhandoff.h callhandoff.cpp
    tusupload.h tusupload.cpp
    filedownload.h filedownload.cpp
    journalfile.h journalfile.cpp
    uploadjournal.h uploadjournal.cpp
    transfers.h transfers.cpp
    transferspeed.h transferspeed.cpp
    datasize.h datasize.cpp
    downloadjournal.h downloadjournal.cpp
)
target_sources(confab_app PRIVATE
    stdinreader.h stdinreader.cpp
    clientcommands.cpp
    terminalupload.h terminalupload.cpp
    searchcommand.cpp
)
