#include "LogEvent.h"

#include <QDateTime>

namespace Switchyard {

QString protocolName(LogProtocol protocol)
{
    switch (protocol) {
    case LogProtocol::Http:
        return QStringLiteral("HTTP");
    case LogProtocol::Connect:
        return QStringLiteral("CONNECT");
    case LogProtocol::WebSocket:
        return QStringLiteral("WS");
    case LogProtocol::Socks5:
        return QStringLiteral("SOCKS5");
    case LogProtocol::Socks4:
        return QStringLiteral("SOCKS4");
    case LogProtocol::Local:
        return QStringLiteral("LOCAL");
    }
    return QStringLiteral("?");
}

QString formatLogLine(const LogEvent& event)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(event.startedAtMs)
                             .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"));
    const bool socks =
        event.protocol == LogProtocol::Socks5 || event.protocol == LogProtocol::Socks4;
    QString status = QStringLiteral("-");
    if (event.status > 0)
        status = QString::number(event.status);
    else if (socks)
        status = QStringLiteral("socks:0x%1").arg(event.socksReply, 2, 16, QLatin1Char('0'));
    QString line =
        QStringLiteral("%1 #%2 %3 %4 %5 %6 %7 up=%8 down=%9 %10ms route=%11")
            .arg(time)
            .arg(event.id)
            .arg(event.clientAddress, protocolName(event.protocol),
                 event.method.isEmpty() ? QStringLiteral("-") : QString::fromLatin1(event.method),
                 event.target, status)
            .arg(event.bytesUp)
            .arg(event.bytesDown)
            .arg(event.durationUs < 0 ? QStringLiteral("-")
                                      : QString::number(double(event.durationUs) / 1000.0, 'f', 1))
            .arg(event.route);
    if (!event.rule.isEmpty())
        line += QStringLiteral(" rule=\"%1\"").arg(event.rule);
    if (!event.error.isEmpty())
        line += QStringLiteral(" error=\"%1\"").arg(event.error);
    return line;
}

} // namespace Switchyard
