#include "fileattachment.h"

#include <QRegularExpression>

namespace confab {

namespace {

constexpr int MaxIdChars = 64;

QString withoutControls(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c.category() != QChar::Other_Control && c.category() != QChar::Other_Format)
            out += c;
    }
    return out;
}

} // namespace

bool FileAttachment::isImage() const
{
    return type == QLatin1StringView("image/png") || type == QLatin1StringView("image/jpeg")
        || type == QLatin1StringView("image/gif") || type == QLatin1StringView("image/webp");
}

QString FileAttachment::displayName() const
{
    const QString clean = withoutControls(name).trimmed();
    return clean.isEmpty() ? QStringLiteral("file") : clean;
}

std::optional<FileAttachment> FileAttachment::fromJson(const QJsonObject &object)
{
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9_-]+$"));
    static const QRegularExpression hexPattern(QStringLiteral("^[0-9a-fA-F]{64}$"));
    FileAttachment file;
    file.id = object.value(QLatin1StringView("id")).toString();
    const QJsonValue name = object.value(QLatin1StringView("name"));
    const QJsonValue size = object.value(QLatin1StringView("size"));
    if (file.id.isEmpty() || file.id.size() > MaxIdChars || !idPattern.match(file.id).hasMatch()
        || !name.isString() || !size.isDouble() || size.toDouble() < 0)
        return std::nullopt;
    file.name = name.toString().left(MaxNameChars);
    file.size = qint64(size.toDouble());
    file.type = object.value(QLatin1StringView("type")).toString().left(MaxTypeChars);
    const QString sha = object.value(QLatin1StringView("sha256")).toString();
    if (hexPattern.match(sha).hasMatch())
        file.sha256 = sha.toLower();
    const int width = object.value(QLatin1StringView("width")).toInt();
    const int height = object.value(QLatin1StringView("height")).toInt();
    if (width > 0 && height > 0 && width <= MaxImageSide && height <= MaxImageSide) {
        file.width = width;
        file.height = height;
    }
    file.thumbnail = object.value(QLatin1StringView("thumbnail")).toBool();
    return file;
}

QJsonObject FileAttachment::toJson() const
{
    QJsonObject object {{QStringLiteral("id"), id},
                        {QStringLiteral("name"), name},
                        {QStringLiteral("size"), double(size)},
                        {QStringLiteral("type"), type},
                        {QStringLiteral("sha256"), sha256},
                        {QStringLiteral("thumbnail"), thumbnail}};
    if (width > 0 && height > 0) {
        object.insert(QStringLiteral("width"), width);
        object.insert(QStringLiteral("height"), height);
    }
    return object;
}

} // namespace confab
