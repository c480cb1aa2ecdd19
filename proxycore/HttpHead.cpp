#include "HttpHead.h"

#include <charconv>
#include <cstring>

namespace Switchyard {

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
    bool found = false;
    for (const HeaderField& field : headers) {
        if (!equalsIgnoreCase(field.first, name))
            continue;
        forEachToken(field.second,
                     [&](QByteArrayView item) { found = found || equalsIgnoreCase(item, token); });
        if (found)
            return true;
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
    // The two versions every request has are literals: no allocation per request.
    if (versionMajor == 1 && versionMinor == 1)
        return QByteArrayLiteral("HTTP/1.1");
    if (versionMajor == 1 && versionMinor == 0)
        return QByteArrayLiteral("HTTP/1.0");
    QByteArray version("HTTP/");
    version += char('0' + versionMajor);
    version += '.';
    version += char('0' + versionMinor);
    return version;
}

namespace {

// The heads are written into one buffer of the exact size: appending piece by
// piece costs a QByteArray::insert (with its growth checks) per piece, several
// per field, on every request and response.
char* put(char* out, QByteArrayView text)
{
    if (!text.isEmpty())
        std::memcpy(out, text.data(), size_t(text.size()));
    return out + text.size();
}

qsizetype fieldsSize(const HeaderList& headers)
{
    qsizetype size = 2;
    for (const HeaderField& field : headers)
        size += field.first.size() + field.second.size() + 4;
    return size;
}

char* putFields(char* out, const HeaderList& headers)
{
    for (const HeaderField& field : headers) {
        out = put(out, field.first);
        *out++ = ':';
        *out++ = ' ';
        out = put(out, field.second);
        *out++ = '\r';
        *out++ = '\n';
    }
    *out++ = '\r';
    *out++ = '\n';
    return out;
}

} // namespace

QByteArray HttpHead::serializeRequest(QByteArrayView requestTarget) const
{
    constexpr QByteArrayView version(" HTTP/1.1\r\n");
    QByteArray out(method.size() + 1 + requestTarget.size() + version.size() + fieldsSize(headers),
                   Qt::Uninitialized);
    char* p = put(out.data(), method);
    *p++ = ' ';
    p = put(p, requestTarget);
    p = put(p, version);
    p = putFields(p, headers);
    Q_ASSERT(p == out.constData() + out.size());
    return out;
}

QByteArray HttpHead::serializeResponse() const
{
    constexpr QByteArrayView version("HTTP/1.1 ");
    char number[16];
    const qsizetype numberSize =
        std::to_chars(number, number + sizeof(number), status).ptr - number;
    QByteArray out(version.size() + numberSize + 1 + reason.size() + 2 + fieldsSize(headers),
                   Qt::Uninitialized);
    char* p = put(out.data(), version);
    p = put(p, QByteArrayView(number, numberSize));
    *p++ = ' ';
    p = put(p, reason);
    *p++ = '\r';
    *p++ = '\n';
    p = putFields(p, headers);
    Q_ASSERT(p == out.constData() + out.size());
    return out;
}

} // namespace Switchyard
