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
bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b);

} // namespace Switchyard
