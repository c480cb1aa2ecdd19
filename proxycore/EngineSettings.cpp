#include "EngineSettings.h"

namespace Switchyard {

QString parseListenAddress(const QString& text, QHostAddress* address, quint16* port)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("empty listen address");
    QString hostPart;
    QString portPart;
    if (trimmed.startsWith(u'[')) {
        const qsizetype close = trimmed.indexOf(u']');
        if (close < 0)
            return QStringLiteral("unterminated IPv6 address in \"%1\"").arg(trimmed);
        hostPart = trimmed.mid(1, close - 1);
        const QString rest = trimmed.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(u':'))
                return QStringLiteral("expected \":port\" after \"]\" in \"%1\"").arg(trimmed);
            portPart = rest.mid(1);
        }
    } else if (trimmed.count(u':') == 1) {
        hostPart = trimmed.section(u':', 0, 0);
        portPart = trimmed.section(u':', 1);
    } else if (trimmed.count(u':') == 0) {
        bool isNumber = false;
        trimmed.toUInt(&isNumber);
        (isNumber ? portPart : hostPart) = trimmed;
    } else {
        hostPart = trimmed; // a bare IPv6 address
    }
    QHostAddress parsed(QHostAddress::LocalHost);
    if (!hostPart.isEmpty()) {
        if (hostPart.compare(u"localhost", Qt::CaseInsensitive) == 0)
            parsed = QHostAddress(QHostAddress::LocalHost);
        else if (!parsed.setAddress(hostPart))
            return QStringLiteral("\"%1\" is not an IP address").arg(hostPart);
    }
    quint16 parsedPort = EngineSettings::defaultPort;
    if (!portPart.isEmpty()) {
        bool ok = false;
        const uint value = portPart.toUInt(&ok);
        if (!ok || value > 65535)
            return QStringLiteral("\"%1\" is not a port number (0-65535)").arg(portPart);
        parsedPort = quint16(value);
    }
    *address = parsed;
    *port = parsedPort;
    return {};
}

} // namespace Switchyard
