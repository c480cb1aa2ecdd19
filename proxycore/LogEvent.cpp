#include "LogEvent.h"

#include <QDateTime>
#include <cstring>
#include <limits>

namespace Switchyard {

namespace {

/// A QByteArray for size bytes at `at` inside block, sharing block's storage.
QByteArray sliceOf(QByteArray::DataPointer& block, char* at, qsizetype size)
{
    block.d_ptr()->ref();
    return QByteArray(QByteArray::DataPointer(block.d_ptr(), at, size));
}

} // namespace

HeaderList compactHeaderCopy(const HeaderList& fields)
{
    qsizetype total = 0;
    for (const HeaderField& field : fields)
        total += field.first.size() + field.second.size() + 2; // and their NULs
    HeaderList compact;
    if (fields.isEmpty())
        return compact;
    compact.reserve(fields.size());
    QByteArray block(total, Qt::Uninitialized);
    char* out = block.data();
    const auto place = [&](const QByteArray& text) {
        char* at = out;
        memcpy(at, text.constData(), size_t(text.size()));
        at[text.size()] = '\0';
        out += text.size() + 1;
        return sliceOf(block.data_ptr(), at, text.size());
    };
    for (const HeaderField& field : fields) {
        QByteArray name = place(field.first);
        compact.append({std::move(name), place(field.second)});
    }
    return compact;
}

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

namespace {

// "yyyy-MM-ddTHH:mm:ss" of the second that ms falls in, local time. Lines come in
// bursts from the same second, and QDateTime's formatting is most of the cost of
// a line, so the last second is kept (per thread).
QString secondText(qint64 ms)
{
    static thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    static thread_local QString cachedText;
    const qint64 second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != cachedSecond) {
        cachedText = QDateTime::fromMSecsSinceEpoch(second * 1000)
                         .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
        cachedSecond = second;
    }
    return cachedText;
}

void appendMillis(QString& out, qint64 ms)
{
    const int millis = int(ms - (ms >= 0 ? ms / 1000 : (ms - 999) / 1000) * 1000);
    out += u'.';
    out += QChar(char16_t(u'0' + millis / 100));
    out += QChar(char16_t(u'0' + millis / 10 % 10));
    out += QChar(char16_t(u'0' + millis % 10));
}

} // namespace

QString formatLogLine(const LogEvent& event)
{
    // Appended piece by piece rather than with QString::arg: this runs for every
    // exchange, and a target holding "%8" must stay as it is.
    QString line;
    line.reserve(128 + event.target.size() + event.rule.size() + event.error.size());
    line += secondText(event.startedAtMs);
    appendMillis(line, event.startedAtMs);
    line += QStringLiteral(" #");
    line += QString::number(event.id);
    line += u' ';
    line += event.clientAddress;
    line += u' ';
    line += protocolName(event.protocol);
    line += u' ';
    if (event.method.isEmpty())
        line += u'-';
    else
        line += QLatin1StringView(event.method);
    line += u' ';
    line += event.target;
    line += u' ';
    const bool socks =
        event.protocol == LogProtocol::Socks5 || event.protocol == LogProtocol::Socks4;
    if (event.status > 0)
        line += QString::number(event.status);
    else if (socks)
        line += QStringLiteral("socks:0x%1").arg(event.socksReply, 2, 16, QLatin1Char('0'));
    else
        line += u'-';
    line += QStringLiteral(" up=");
    line += QString::number(event.bytesUp);
    line += QStringLiteral(" down=");
    line += QString::number(event.bytesDown);
    line += u' ';
    if (event.durationUs < 0)
        line += u'-';
    else
        line += QString::number(double(event.durationUs) / 1000.0, 'f', 1);
    line += QStringLiteral("ms route=");
    line += event.route;
    if (!event.rule.isEmpty()) {
        line += QStringLiteral(" rule=\"");
        line += event.rule;
        line += u'"';
    }
    if (!event.error.isEmpty()) {
        line += QStringLiteral(" error=\"");
        line += event.error;
        line += u'"';
    }
    return line;
}

} // namespace Switchyard
