#include "ssewriter.h"

namespace confab::sse {

QByteArray frame(const WireEvent &event)
{
    QByteArray out;
    out.reserve(event.data.size() + event.type.size() + 40);
    if (event.id > 0)
        out += "id: " + QByteArray::number(event.id) + '\n';
    if (!event.type.isEmpty())
        out += "event: " + event.type + '\n';

    // One `data:` line per line of the payload, so that a receiver joins them back with LF.
    qsizetype lineStart = 0;
    const qsizetype size = event.data.size();
    for (qsizetype i = 0; i <= size; ++i) {
        const bool end = i == size;
        const char c = end ? '\n' : event.data.at(i);
        if (c != '\n' && c != '\r')
            continue;
        out += "data: ";
        out += QByteArrayView(event.data).sliced(lineStart, i - lineStart);
        out += '\n';
        if (c == '\r' && i + 1 < size && event.data.at(i + 1) == '\n')
            ++i;
        lineStart = i + 1;
    }
    out += '\n';
    return out;
}

QByteArray retryField(int milliseconds)
{
    return "retry: " + QByteArray::number(milliseconds) + "\n\n";
}

QByteArray comment(QByteArrayView text)
{
    return ": " + text.toByteArray() + "\n\n";
}

} // namespace confab::sse
