#include "HttpMessageParser.h"

namespace {

const QByteArray kCrlf = QByteArrayLiteral("\r\n");

bool isTchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTchar(c))
            return false;
    }
    return true;
}

bool isVersion(QByteArrayView text)
{
    return text == "HTTP/1.1" || text == "HTTP/1.0";
}

QByteArray trimOws(const QByteArray& value)
{
    qsizetype begin = 0;
    qsizetype end = value.size();
    while (begin < end && (value.at(begin) == ' ' || value.at(begin) == '\t'))
        ++begin;
    while (end > begin && (value.at(end - 1) == ' ' || value.at(end - 1) == '\t'))
        --end;
    return value.mid(begin, end - begin);
}

} // namespace

HttpMessageParser::HttpMessageParser(Kind kind) : m_kind(kind) {}

void HttpMessageParser::feed(QByteArrayView data)
{
    m_buffer.append(data.data(), data.size());
}

void HttpMessageParser::setEof()
{
    m_eof = true;
}

QByteArray HttpMessageParser::takeBuffered()
{
    QByteArray rest;
    rest.swap(m_buffer);
    return rest;
}

HttpMessageParser::Result HttpMessageParser::fail(const QString& why)
{
    m_error = why;
    return Result::Error;
}

bool HttpMessageParser::parseStartLine(const QByteArray& line, HttpMessage* message)
{
    if (m_kind == Kind::Request) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty() ||
            !isVersion(parts.at(2))) {
            m_error = QStringLiteral("malformed request line: %1").arg(QString::fromLatin1(line));
            return false;
        }
        message->method = parts.at(0);
        message->target = parts.at(1);
        message->version = parts.at(2);
        return true;
    }
    const qsizetype sp1 = line.indexOf(' ');
    if (sp1 < 0) {
        m_error = QStringLiteral("malformed status line: %1").arg(QString::fromLatin1(line));
        return false;
    }
    const QByteArray version = line.left(sp1);
    const QByteArray code = line.mid(sp1 + 1, 3);
    bool ok = false;
    const int status = code.toInt(&ok);
    const bool tail = line.size() == sp1 + 4 || (line.size() > sp1 + 4 && line.at(sp1 + 4) == ' ');
    if (!isVersion(version) || code.size() != 3 || !ok || status < 100 || !tail) {
        m_error = QStringLiteral("malformed status line: %1").arg(QString::fromLatin1(line));
        return false;
    }
    message->version = version;
    message->status = status;
    message->reason = line.mid(sp1 + 5);
    return true;
}

HttpMessageParser::Result HttpMessageParser::next(HttpMessage* message,
                                                  QByteArrayView requestMethod)
{
    if (!m_error.isEmpty())
        return Result::Error;
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (m_buffer.size() > m_maxHeadBytes)
            return fail(QStringLiteral("head larger than %1 bytes").arg(m_maxHeadBytes));
        return Result::NeedMore;
    }

    HttpMessage parsed;
    parsed.rawHead = m_buffer.left(headEnd + 4);
    const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        // Every line but the last still has its CR; a bare LF is a framing error.
        if (i + 1 < lines.size()) {
            if (!line.endsWith('\r'))
                return fail(QStringLiteral("bare LF in head"));
            line.chop(1);
        }
        if (line.contains('\r'))
            return fail(QStringLiteral("bare CR in head"));
        if (i == 0) {
            if (!parseStartLine(line, &parsed))
                return Result::Error;
            continue;
        }
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(QStringLiteral("obsolete line folding"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return fail(QStringLiteral("malformed field line: %1").arg(QString::fromLatin1(line)));
        parsed.headers.append({line.left(colon), trimOws(line.mid(colon + 1))});
    }

    // Framing, RFC 9112 section 6.
    const qsizetype bodyStart = headEnd + 4;
    bool noBody = false;
    if (m_kind == Kind::Response) {
        const int s = parsed.status;
        noBody = requestMethod == "HEAD" || (s >= 100 && s < 200) || s == 204 || s == 304 ||
                 (requestMethod == "CONNECT" && s >= 200 && s < 300);
    }
    const QList<QByteArray> te = parsed.headerValues("Transfer-Encoding");
    const QList<QByteArray> cl = parsed.headerValues("Content-Length");
    qsizetype consumed = bodyStart;

    if (noBody) {
        // nothing
    } else if (!te.isEmpty()) {
        if (!cl.isEmpty())
            return fail(QStringLiteral("both Transfer-Encoding and Content-Length"));
        const QList<QByteArray> codings = te.join(',').split(',');
        if (trimOws(codings.last()).toLower() != "chunked") {
            if (m_kind == Kind::Request)
                return fail(QStringLiteral("request coding is not chunked"));
            if (!m_eof)
                return Result::NeedMore;
            parsed.body = m_buffer.mid(bodyStart);
            consumed = m_buffer.size();
        } else {
            parsed.chunked = true;
            qsizetype pos = bodyStart;
            for (;;) {
                const qsizetype lineEnd = m_buffer.indexOf(kCrlf, pos);
                if (lineEnd < 0) {
                    if (m_buffer.size() - pos > 4096)
                        return fail(QStringLiteral("chunk size line too long"));
                    return Result::NeedMore;
                }
                QByteArray sizeText = m_buffer.mid(pos, lineEnd - pos);
                const qsizetype semicolon = sizeText.indexOf(';');
                if (semicolon >= 0)
                    sizeText.truncate(semicolon);
                sizeText = trimOws(sizeText);
                bool ok = sizeText.size() > 0 && sizeText.size() <= 15;
                for (char c : std::as_const(sizeText))
                    ok = ok && QByteArrayView("0123456789abcdefABCDEF").contains(c);
                const qint64 size = ok ? sizeText.toLongLong(&ok, 16) : -1;
                if (!ok)
                    return fail(QStringLiteral("bad chunk size: %1")
                                    .arg(QString::fromLatin1(m_buffer.mid(pos, lineEnd - pos))));
                pos = lineEnd + 2;
                if (size == 0) {
                    // Trailer section up to an empty line.
                    for (;;) {
                        const qsizetype trailerEnd = m_buffer.indexOf(kCrlf, pos);
                        if (trailerEnd < 0)
                            return Result::NeedMore;
                        const bool empty = trailerEnd == pos;
                        pos = trailerEnd + 2;
                        if (empty)
                            break;
                    }
                    break;
                }
                if (m_buffer.size() < pos + size + 2)
                    return Result::NeedMore;
                if (m_buffer.mid(pos + size, 2) != kCrlf)
                    return fail(QStringLiteral("chunk data not followed by CRLF"));
                parsed.body.append(m_buffer.constData() + pos, size);
                pos += size + 2;
            }
            consumed = pos;
        }
    } else if (!cl.isEmpty()) {
        QByteArray value;
        for (const QByteArray& field : cl) {
            for (const QByteArray& part : field.split(',')) {
                const QByteArray v = trimOws(part);
                if (v.isEmpty() || (!value.isEmpty() && v != value))
                    return fail(QStringLiteral("conflicting Content-Length values"));
                value = v;
            }
        }
        bool ok = true;
        for (char c : std::as_const(value))
            ok = ok && c >= '0' && c <= '9';
        const qint64 length = ok ? value.toLongLong(&ok) : -1;
        if (!ok || length < 0)
            return fail(QStringLiteral("bad Content-Length"));
        if (m_buffer.size() < bodyStart + length)
            return Result::NeedMore;
        parsed.body = m_buffer.mid(bodyStart, length);
        consumed = bodyStart + length;
    } else if (m_kind == Kind::Response && parsed.status != 101) {
        if (!m_eof)
            return Result::NeedMore;
        parsed.body = m_buffer.mid(bodyStart);
        consumed = m_buffer.size();
    }

    parsed.rawSize = consumed;
    m_buffer.remove(0, consumed);
    *message = std::move(parsed);
    return Result::Message;
}
