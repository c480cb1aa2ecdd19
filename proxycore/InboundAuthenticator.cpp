#include "InboundAuthenticator.h"

#include <QCryptographicHash>

namespace Switchyard {

namespace {

bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    // Compare digests: equal length whatever the inputs, and every byte looked at.
    const QByteArray da = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray db = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < da.size(); ++i)
        difference |= static_cast<unsigned char>(da[i] ^ db[i]);
    return difference == 0;
}

} // namespace

bool InboundAuthenticator::matches(const InboundAuth& auth, const QString& user,
                                   const QString& password)
{
    if (!auth.required)
        return true;
    const bool userOk = constantTimeEquals(user.toUtf8(), auth.username.toUtf8());
    const bool passwordOk = constantTimeEquals(password.toUtf8(), auth.password.toUtf8());
    return userOk && passwordOk && !auth.password.isEmpty();
}

bool InboundAuthenticator::matchesBasic(const InboundAuth& auth, QByteArrayView headerValue)
{
    if (!auth.required)
        return true;
    const QByteArrayView trimmed = headerValue.trimmed();
    if (trimmed.size() < 6 ||
        QByteArrayView(trimmed.first(6)).compare("basic ", Qt::CaseInsensitive) != 0)
        return false;
    const auto result = QByteArray::fromBase64Encoding(trimmed.sliced(6).trimmed().toByteArray(),
                                                       QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return false;
    const QByteArray& decoded = result.decoded;
    const qsizetype colon = decoded.indexOf(':');
    if (colon < 0)
        return false;
    return matches(auth, QString::fromUtf8(decoded.first(colon)),
                   QString::fromUtf8(decoded.sliced(colon + 1)));
}

} // namespace Switchyard
