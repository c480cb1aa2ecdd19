#include "HttpHead.h"

namespace Switchyard {

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    // Header names are compared many times per request and mostly differ in
    // length: that check is free, the case-folding walk is not.
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

QList<QByteArrayView> splitTokens(QByteArrayView value)
{
    QList<QByteArrayView> tokens;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= value.size(); ++i) {
        if (i == value.size() || value[i] == ',') {
            tokens.append(value.sliced(start, i - start).trimmed());
            start = i + 1;
        }
    }
    return tokens;
}

QByteArray HttpHead::value(QByteArrayView name) const
{
    for (const HeaderField& field : headers) {
        if (equalsIgnoreCase(field.first, name))
            return field.second;
    }
    return {};
}

bool HttpHead::contains(QByteArrayView name) const
{
    return count(name) > 0;
}

int HttpHead::count(QByteArrayView name) const
{
    int n = 0;
    for (const HeaderField& field : headers) {
        if (equalsIgnoreCase(field.first, name))
            ++n;
    }
    return n;
}

bool HttpHead::hasToken(QByteArrayView name, QByteArrayView token) const
{
    for (const HeaderField& field : headers) {
        if (!equalsIgnoreCase(field.first, name))
            continue;
        for (QByteArrayView item : splitTokens(field.second)) {
            if (equalsIgnoreCase(item, token))
                return true;
        }
    }
    return false;
}

void HttpHead::remove(QByteArrayView name)
{
    headers.removeIf(
        [name](const HeaderField& field) { return equalsIgnoreCase(field.first, name); });
}

void HttpHead::set(const QByteArray& name, const QByteArray& newValue)
{
    remove(name);
    headers.append({name, newValue});
}

QByteArray HttpHead::versionString() const
{
    QByteArray version("HTTP/");
    version += char('0' + versionMajor);
    version += '.';
    version += char('0' + versionMinor);
    return version;
}

static void appendFields(QByteArray& out, const HeaderList& headers)
{
    for (const HeaderField& field : headers) {
        out += field.first;
        out += ": ";
        out += field.second;
        out += "\r\n";
    }
    out += "\r\n";
}

static qsizetype fieldsSize(const HeaderList& headers)
{
    qsizetype size = 2;
    for (const HeaderField& field : headers)
        size += field.first.size() + field.second.size() + 4;
    return size;
}

QByteArray HttpHead::serializeRequest(QByteArrayView requestTarget) const
{
    QByteArray out;
    out.reserve(method.size() + requestTarget.size() + 12 + fieldsSize(headers));
    out += method;
    out += ' ';
    out += requestTarget;
    out += " HTTP/1.1\r\n";
    appendFields(out, headers);
    return out;
}

QByteArray HttpHead::serializeResponse() const
{
    QByteArray out;
    out.reserve(reason.size() + 16 + fieldsSize(headers));
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += reason;
    out += "\r\n";
    appendFields(out, headers);
    return out;
}

} // namespace Switchyard
