#pragma once
// The room password as a salted PBKDF2 hash; the clear text is not kept.

#include <QByteArray>
#include <QString>

namespace confab {

class PasswordCheck
{
public:
    PasswordCheck() = default; // no password: everything matches
    explicit PasswordCheck(const QString &password);

    bool isSet() const { return !m_hash.isEmpty(); }
    // Compared in constant time (no early exit on the first differing byte).
    bool matches(const QString &candidate) const;

private:
    QByteArray derive(const QString &password) const;

    QByteArray m_salt;
    QByteArray m_hash;
};

// Constant-time equality of two byte strings of the same length.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace confab
