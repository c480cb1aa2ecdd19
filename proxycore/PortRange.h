#pragma once

#include <QString>

namespace Switchyard {

/// A destination port or an inclusive range of ports: "443", "8000-8999".
struct PortRange
{
    quint16 low = 0;
    quint16 high = 0;

    /// Parses the text form; on failure sets *error and returns an empty range.
    static PortRange parse(QStringView text, QString* error);
    /// "443" or "8000-8999".
    QString toString() const;
    /// Port 0 (unknown) is in no range.
    bool contains(quint16 port) const { return port != 0 && port >= low && port <= high; }
};

} // namespace Switchyard
