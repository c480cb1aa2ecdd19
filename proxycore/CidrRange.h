#pragma once

#include "NormalizedHost.h"

#include <QString>
#include <array>

namespace Switchyard {

/// An IPv4 or IPv6 network: "10.0.0.0/8", "2001:db8::/32", or a single address
/// ("192.0.2.1" = /32, "::1" = /128). IPv4-mapped IPv6 networks
/// (::ffff:10.0.0.0/104) are stored as the IPv4 network they describe, matching how
/// NormalizedHost treats mapped destinations.
struct CidrRange
{
    bool isV6 = false;
    int prefixLength = 0;
    quint32 v4 = 0;                 ///< network address, host byte order, host bits zero
    std::array<quint8, 16> v6 = {}; ///< network address, host bits zero

    /// Parses the text form. Host bits that are set ("10.0.0.1/8") are an error rather
    /// than silently cleared: such a rule was most likely mistyped.
    static CidrRange parse(QStringView text, QString* error);
    /// Canonical text, e.g. "10.0.0.0/8".
    QString toString() const;
    bool contains(const NormalizedHost& host) const;

    static quint32 v4Mask(int prefixLength);
    /// The address with every bit past prefixLength cleared.
    static std::array<quint8, 16> v6Masked(const std::array<quint8, 16>& address, int prefixLength);
};

} // namespace Switchyard
