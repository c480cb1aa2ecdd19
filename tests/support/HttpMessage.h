#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

/// One parsed HTTP/1.x request or response, as HttpMessageParser saw it on the wire.
struct HttpMessage
{
    // Request line
    QByteArray method;
    QByteArray target;
    // Both
    QByteArray version;
    // Status line
    int status = 0;
    QByteArray reason;

    QList<QPair<QByteArray, QByteArray>> headers; ///< in order, name case preserved
    QByteArray body;                              ///< decoded (chunked framing removed)
    QByteArray rawHead;                           ///< start line + fields + empty line, verbatim
    qsizetype rawSize = 0;                        ///< head and body bytes as they were framed
    bool chunked = false;

    /// First value of the field, name compared case-insensitively; empty if absent.
    QByteArray header(QByteArrayView name) const;
    QList<QByteArray> headerValues(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    /// Field names in lower case, in order.
    QList<QByteArray> headerNames() const;
    /// True if a comma-separated field (Connection, Upgrade …) lists token.
    bool hasToken(QByteArrayView name, QByteArrayView token) const;
};
