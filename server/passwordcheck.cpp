#include "passwordcheck.h"

#include <QCryptographicHash>
#include <QPasswordDigestor>
#include <QRandomGenerator>

namespace confab {

namespace {
constexpr int SaltBytes = 16;
constexpr int KeyBytes = 32;
// Enough to make offline guessing slow, cheap enough for a join on a small laptop.
constexpr int Pbkdf2Iterations = 20000;
} // namespace

PasswordCheck::PasswordCheck(const QString &password)
{
    if (password.isEmpty())
        return;
    m_salt.resize(SaltBytes);
    QRandomGenerator::system()->generate(m_salt.begin(), m_salt.end());
    m_hash = derive(password);
}

QByteArray PasswordCheck::derive(const QString &password) const
{
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, password.toUtf8(), m_salt,
                                              Pbkdf2Iterations, KeyBytes);
}

bool PasswordCheck::matches(const QString &candidate) const
{
    if (!isSet())
        return true;
    return constantTimeEquals(derive(candidate), m_hash);
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace confab
