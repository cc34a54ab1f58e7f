#include "mentions.h"

namespace confab {

namespace {

// Characters that would make `@Ana` the start of a longer word (`@Anabel`, `@Ana_2`), or, before
// the `@`, part of an address (`bo@ana.example`).
bool continuesWord(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-');
}

} // namespace

bool mentionsName(QStringView text, QStringView name)
{
    if (name.isEmpty())
        return false;
    qsizetype from = 0;
    while (true) {
        const qsizetype at = text.indexOf(QLatin1Char('@'), from);
        if (at < 0)
            return false;
        from = at + 1;
        if (at > 0 && continuesWord(text.at(at - 1)))
            continue;
        const QStringView candidate = text.mid(at + 1, name.size());
        if (candidate.size() != name.size() || candidate.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        const qsizetype end = at + 1 + name.size();
        // A name ending in a word character must not run on into a longer word.
        if (end < text.size() && continuesWord(text.at(end)) && continuesWord(name.back()))
            continue;
        return true;
    }
}

} // namespace confab
