#pragma once
// Test helpers over HubApi: run one asynchronous call to completion, read a room's history.

#include "chatevent.h"
#include "hubapi.h"

#include <QEventLoop>
#include <QStringList>
#include <QTimer>
#include <functional>

namespace confab::test {

// Generous: hub start-up and requests under ASan on a busy 2-core machine are slow.
inline constexpr int HubApiWaitMs = 30000;

// Runs one HubApi call to completion (or until HubApiWaitMs passes: the result is then empty).
template<class T> ApiResult<T> wait(const std::function<void(HubApi::Callback<T>)> &call)
{
    ApiResult<T> result;
    bool done = false;
    QEventLoop loop;
    call([&](const ApiResult<T> &answer) {
        result = answer;
        done = true;
        loop.quit();
    });
    QTimer::singleShot(HubApiWaitMs, &loop, &QEventLoop::quit);
    if (!done)
        loop.exec();
    return result;
}

// The texts of the newest 200 messages of the default room, oldest first.
inline QStringList historyTexts(HubApi &api)
{
    const auto page = wait<HistoryPage>(
        [&](auto done) { api.fetchHistory(QStringLiteral("lobby"), 0, 200, done); });
    QStringList texts;
    if (page.ok()) {
        for (const ChatEvent &event : page.value->events) {
            if (const auto *message = std::get_if<MessageEvent>(&event))
                texts.append(message->text);
        }
    }
    return texts;
}

} // namespace confab::test
