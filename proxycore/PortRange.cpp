#include "PortRange.h"

namespace Switchyard {

namespace {

int parsePort(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 5)
        return -1;
    int value = 0;
    for (QChar c : trimmed) {
        if (!c.isDigit() || c.unicode() > '9')
            return -1;
        value = value * 10 + (c.unicode() - '0');
    }
    return value >= 1 && value <= 65535 ? value : -1;
}

} // namespace

PortRange PortRange::parse(QStringView text, QString* error)
{
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("empty port");
        return {};
    }
    const qsizetype dash = trimmed.indexOf(u'-');
    const int low = parsePort(dash < 0 ? trimmed : trimmed.first(dash));
    const int high = dash < 0 ? low : parsePort(trimmed.sliced(dash + 1));
    if (low < 0 || high < 0) {
        *error = QStringLiteral("\"%1\" is not a port (1-65535) or a range such as 8000-8999")
                     .arg(trimmed.toString());
        return {};
    }
    if (low > high) {
        *error = QStringLiteral("port range \"%1\" ends before it starts").arg(trimmed.toString());
        return {};
    }
    return {quint16(low), quint16(high)};
}

QString PortRange::toString() const
{
    if (low == high)
        return QString::number(low);
    return QString::number(low) + u'-' + QString::number(high);
}

} // namespace Switchyard
