#pragma once

#include "HttpMessage.h"

#include <QByteArray>
#include <QString>

/// A strict incremental HTTP/1.x parser for the test side of the wire: the origin
/// uses it to read what the proxy forwards (and records anything malformed), the
/// tests use it to read what the proxy answers. It parses one whole message per
/// next() call and keeps any bytes after it (pipelined messages, tunnel data).
class HttpMessageParser
{
public:
    enum class Kind { Request, Response };
    enum class Result { NeedMore, Message, Error };

    explicit HttpMessageParser(Kind kind);

    void feed(QByteArrayView data);
    /// The peer closed: a response without framing ends here.
    void setEof();
    bool atEof() const { return m_eof; }

    /// Parses the next complete message. For a response, requestMethod says whether
    /// it can have a body (HEAD: never; CONNECT: not when 2xx).
    Result next(HttpMessage* message, QByteArrayView requestMethod = {});
    QString errorString() const { return m_error; }

    /// Bytes received but not part of a parsed message (after a 101 or a CONNECT 200).
    QByteArray takeBuffered();
    qsizetype bufferedSize() const { return m_buffer.size(); }
    void setMaxHeadBytes(qsizetype bytes) { m_maxHeadBytes = bytes; }

private:
    Result fail(const QString& why);
    bool parseStartLine(const QByteArray& line, HttpMessage* message);

    Kind m_kind;
    QByteArray m_buffer;
    QString m_error;
    qsizetype m_maxHeadBytes = 1024 * 1024;
    bool m_eof = false;
};
