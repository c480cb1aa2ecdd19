#include "SensitiveHeaders.h"

#include <QList>

namespace Switchyard {

namespace {

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

// "name=value" -> "name=********"; a pair without '=' is all value.
QByteArray maskPair(QByteArrayView pair)
{
    const QByteArrayView trimmed = pair.trimmed();
    const qsizetype equals = trimmed.indexOf('=');
    if (equals < 0)
        return QByteArray(SensitiveHeaders::maskText);
    return trimmed.first(equals + 1).toByteArray() + SensitiveHeaders::maskText;
}

} // namespace

bool SensitiveHeaders::isSensitive(QByteArrayView name)
{
    return sameName(name, "authorization") || sameName(name, "proxy-authorization") ||
           sameName(name, "cookie") || sameName(name, "set-cookie");
}

QByteArray SensitiveHeaders::mask(QByteArrayView name, const QByteArray& value)
{
    if (sameName(name, "authorization") || sameName(name, "proxy-authorization")) {
        // "Basic dXNlcjpwYXNz" -> "Basic ********": the scheme says which kind of
        // credentials were sent without giving them away.
        const QByteArray trimmed = value.trimmed();
        const qsizetype space = trimmed.indexOf(' ');
        if (space <= 0)
            return QByteArray(maskText);
        return trimmed.first(space + 1) + maskText;
    }
    if (sameName(name, "cookie")) {
        QList<QByteArray> pairs;
        for (const QByteArray& pair : value.split(';')) {
            if (!pair.trimmed().isEmpty())
                pairs.append(maskPair(pair));
        }
        return pairs.join("; ");
    }
    if (sameName(name, "set-cookie")) {
        // Only the first pair is the cookie; Path, Domain, Expires … are not secret.
        const qsizetype semicolon = value.indexOf(';');
        if (semicolon < 0)
            return maskPair(value);
        return maskPair(QByteArrayView(value).first(semicolon)) + value.mid(semicolon);
    }
    return value;
}

HeaderList SensitiveHeaders::masked(const HeaderList& headers)
{
    HeaderList out;
    out.reserve(headers.size());
    for (const HeaderField& field : headers)
        out.append({field.first, mask(field.first, field.second)});
    return out;
}

} // namespace Switchyard
