#include "CurlCommand.h"

#include "TextSniffer.h"

#include <QStringList>

namespace Switchyard {

namespace {

// Set by curl from the URL and the body, or meaningful only to the proxy hop.
bool curlSetsItself(const QByteArray& name)
{
    for (const char* skipped :
         {"host", "content-length", "connection", "proxy-connection", "keep-alive",
          "proxy-authorization", "transfer-encoding", "te", "accept-encoding"}) {
        if (name.compare(skipped, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool needsEscapes(const QByteArray& text)
{
    for (const char c : text) {
        const auto byte = quint8(c);
        if (byte < 0x20 && c != '\t')
            return true;
        if (byte == 0x7f)
            return true;
    }
    return !TextSniffer::isUtf8Text(text);
}

} // namespace

QString CurlCommand::shellQuote(const QByteArray& text)
{
    if (!needsEscapes(text)) {
        QString quoted = QString::fromUtf8(text);
        quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
        return QLatin1Char('\'') + quoted + QLatin1Char('\'');
    }
    // Bash, zsh and ksh ANSI-C quoting.
    QString out = QStringLiteral("$'");
    for (const char c : text) {
        const auto byte = quint8(c);
        switch (c) {
        case '\\':
            out += QLatin1String("\\\\");
            break;
        case '\'':
            out += QLatin1String("\\'");
            break;
        case '\n':
            out += QLatin1String("\\n");
            break;
        case '\r':
            out += QLatin1String("\\r");
            break;
        case '\t':
            out += QLatin1String("\\t");
            break;
        default:
            if (byte < 0x20 || byte >= 0x7f)
                out += QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
            else
                out += QLatin1Char(c);
        }
    }
    out += QLatin1Char('\'');
    return out;
}

QString CurlCommand::fromEvent(const LogEvent& event)
{
    if ((event.isTunnel() && event.protocol != LogProtocol::WebSocket) ||
        !event.target.contains(QLatin1String("://")))
        return {};
    QStringList parts{QStringLiteral("curl"), shellQuote(event.target.toUtf8())};
    const QByteArray method = event.method.isEmpty() ? QByteArray("GET") : event.method;
    const bool hasBody = !event.requestBody.isEmpty();
    if (method == "HEAD")
        parts.append(QStringLiteral("--head"));
    else if (method != "GET" && !(method == "POST" && hasBody))
        parts.append(QStringLiteral("-X ") + shellQuote(method));
    bool compressed = false;
    for (const HeaderField& field : event.requestHeaders) {
        if (field.first.compare("accept-encoding", Qt::CaseInsensitive) == 0)
            compressed = true;
        if (curlSetsItself(field.first))
            continue;
        parts.append(QStringLiteral("-H ") + shellQuote(field.first + ": " + field.second));
    }
    if (compressed)
        parts.append(QStringLiteral("--compressed"));
    if (hasBody)
        parts.append(QStringLiteral("--data-binary ") + shellQuote(event.requestBody));
    QString command = parts.join(QStringLiteral(" \\\n  "));
    if (event.requestBodyTruncated)
        command +=
            QLatin1Char('\n') + tr("# the body above is cut: the capture kept only its start");
    return command;
}

} // namespace Switchyard
