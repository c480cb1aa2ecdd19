#pragma once

#include "LogEvent.h"

#include <QByteArray>
#include <QByteArrayView>

namespace Switchyard {

/// The start line and header fields of one HTTP/1.x message, as parsed.
struct HttpHead
{
    // Requests
    QByteArray method;
    QByteArray target; ///< request-target exactly as sent
    // Responses
    int status = 0;
    QByteArray reason;

    int versionMajor = 1;
    int versionMinor = 1;
    HeaderList headers;

    /// First value of a field, names compared case-insensitively; empty if absent.
    QByteArray value(QByteArrayView name) const;
    bool contains(QByteArrayView name) const;
    int count(QByteArrayView name) const;
    /// Whether a comma-separated field (any of its lines) lists this token.
    bool hasToken(QByteArrayView name, QByteArrayView token) const;
    void remove(QByteArrayView name);
    /// Replaces every line of the field with one, or appends it.
    void set(const QByteArray& name, const QByteArray& value);

    QByteArray versionString() const;
    /// Request line + fields + blank line, with the given target.
    QByteArray serializeRequest(QByteArrayView requestTarget) const;
    /// Status line + fields + blank line.
    QByteArray serializeResponse() const;
};

/// Splits a comma-separated field value into trimmed tokens (empty ones kept).
QList<QByteArrayView> splitTokens(QByteArrayView value);

/// Calls fn(token) for every trimmed token of a comma-separated field value (empty
/// ones included), as splitTokens() lists them, without building a list.
template <typename Fn> void forEachToken(QByteArrayView value, Fn&& fn)
{
    qsizetype start = 0;
    for (qsizetype i = 0; i <= value.size(); ++i) {
        if (i == value.size() || value[i] == ',') {
            fn(value.sliced(start, i - start).trimmed());
            start = i + 1;
        }
    }
}

/// Case-insensitive comparison with Latin-1 case folding, as
/// QByteArrayView::compare(Qt::CaseInsensitive) does it.
inline bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    // Header names are compared many times per request and mostly differ in
    // length: that check is free. ASCII is folded inline; a byte above 0x7f
    // hands the whole comparison to Qt, whose Latin-1 folding covers it.
    if (a.size() != b.size())
        return false;
    const qsizetype size = a.size();
    const char* pa = a.data();
    const char* pb = b.data();
    for (qsizetype i = 0; i < size; ++i) {
        const unsigned char x = static_cast<unsigned char>(pa[i]);
        const unsigned char y = static_cast<unsigned char>(pb[i]);
        if (x == y)
            continue;
        if ((x | y) & 0x80)
            return a.compare(b, Qt::CaseInsensitive) == 0;
        const unsigned char lower = x | 0x20;
        if (lower != (y | 0x20) || lower < 'a' || lower > 'z')
            return false;
    }
    return true;
}

} // namespace Switchyard
