#include "HttpMessage.h"

namespace {

bool sameName(const QByteArray& a, QByteArrayView b)
{
    return QByteArrayView(a).compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray HttpMessage::header(QByteArrayView name) const
{
    for (const auto& field : headers) {
        if (sameName(field.first, name))
            return field.second;
    }
    return {};
}

QList<QByteArray> HttpMessage::headerValues(QByteArrayView name) const
{
    QList<QByteArray> values;
    for (const auto& field : headers) {
        if (sameName(field.first, name))
            values.append(field.second);
    }
    return values;
}

bool HttpMessage::hasHeader(QByteArrayView name) const
{
    for (const auto& field : headers) {
        if (sameName(field.first, name))
            return true;
    }
    return false;
}

QList<QByteArray> HttpMessage::headerNames() const
{
    QList<QByteArray> names;
    for (const auto& field : headers)
        names.append(field.first.toLower());
    return names;
}

bool HttpMessage::hasToken(QByteArrayView name, QByteArrayView token) const
{
    for (const QByteArray& value : headerValues(name)) {
        for (const QByteArray& part : value.split(',')) {
            if (QByteArrayView(part.trimmed()).compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}
